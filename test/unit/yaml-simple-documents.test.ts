import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDoc, lintDocument, resolvePolicy } from '../../server/src/core';
import { materialSites } from '../../server/src/core/certs/sites';
import { isUnbuilt } from '../../server/src/core/formats/kube/resources';
import { parseYamlFile, simpleDocuments } from '../../server/src/core/formats/yaml/documents';
import { LineIndex } from '../../server/src/core/text';
import { KubeIndex } from '../../server/src/core/workspace/index';
import { DAY, makeCert } from '../support/certs';
import { assertSameAsParser } from '../support/yamlEquality';

const CM = (name: string, extra = ''): string => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  key: value${extra}\n`;

describe('documents the own reader takes (read without the parser, built when asked)', () => {
  test('which documents the reader takes: block YAML without anchors, tags, templates or errors', () => {
    const text = [
      'apiVersion: v1', // the first document, with no --- line
      'kind: Service',
      'metadata: {name: web}', // a flow mapping
      CM('a').trimEnd(),
      '--- # a comment after the marker',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: runner',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: "quoted"', // quotes
      '---',
      'kind: ConfigMap',
      'metadata:',
      '  name: 0123', // a number to YAML: its name is "123", as KNode.str() reads the parse
      '---',
      'kind: ConfigMap',
      'data:',
      '  k: v',
      '    continued', // a plain scalar over two lines
      '  script: |', // a block scalar
      '    echo hi',
      '---',
      'kind: ConfigMap',
      'items:',
      '  - a', // a sequence
      '  - [b, c]',
      '---',
      'kind: ConfigMap # {{ .Values.x }}', // a template, even in a comment: parsed
      '---',
      'kind: ConfigMap',
      'metadata: &m {name: anchored}', // an anchor: parsed
      '---',
      'kind: !!str ConfigMap', // a tag: parsed
      '---',
      'kind: ConfigMap',
      'data: [a,', // a flow collection over two lines: parsed
      '  b]',
      '',
    ].join('\n');
    const simple = simpleDocuments(text);
    assert.deepEqual(
      simple.map((s) => [s.kind, s.name, s.namespace]),
      [
        ['Service', 'web', undefined],
        ['ConfigMap', 'a', 'shop'],
        ['ServiceAccount', 'runner', undefined],
        ['ConfigMap', 'quoted', undefined],
        ['ConfigMap', '123', undefined],
        ['ConfigMap', undefined, undefined],
        ['ConfigMap', undefined, undefined],
      ],
    );
    const f = parseYamlFile(text, new LineIndex(text));
    assert.deepEqual(
      f.documents.map((d) => d.simple !== undefined),
      [true, true, true, true, true, true, true, false, false, false, false],
    );
    assert.deepEqual(f.errors, []);
    assertSameAsParser(text);
    // A syntax error after a document the parser read: the documents the reader took stay taken.
    const broken = `${text}---\nkind: ConfigMap\ndata: x: y\n`;
    const b = parseYamlFile(broken, new LineIndex(broken));
    assert.equal(b.errors.length, 1, JSON.stringify(b.errors));
    assert.equal(b.documents.filter((d) => d.simple).length, 7);
    assertSameAsParser(broken);
    // Right after one the reader took, the file is parsed whole, as written: the parser may give
    // the error to the document before (a stray `}` after `---`).
    for (const tail of ['---\nkind: ConfigMap\ndata: x: y\n', '--- }c\n', '---\n}:\n']) {
      const after = `${CM('z')}${tail}`;
      const a = parseYamlFile(after, new LineIndex(after));
      assert.ok(a.errors.length >= 1, JSON.stringify(a.errors));
      assert.ok(a.documents.every((d) => !d.simple), tail);
      assertSameAsParser(after);
    }
  });

  test('the same documents, ranges, resources and material as the parser gives, on edge cases', () => {
    const cases = [
      `apiVersion: v1\nkind: Secret\n${CM('a')}${CM('b')}`,
      // Duplicate keys: the parser's first-key lookup wins.
      `x: 1\n---\nkind: ConfigMap\nkind: Secret\napiVersion: v1\nmetadata:\n  name: first\n  name: second\nmetadata:\n  name: third\n`,
      // metadata as a scalar, then as a mapping: the first one counts.
      `x: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: scalar\nmetadata:\n  name: later\n`,
      // metadata null, name empty, kind empty.
      `x: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name:\n---\napiVersion: v1\nkind:\n`,
      // name nested deeper than metadata's own keys is not metadata.name.
      `x: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    name: not-this\n  namespace: ns\n`,
      // Comments anywhere, blank lines, CRLF, a trailing document with no newline.
      `x: 1\r\n---\r\n# head\r\napiVersion: v1 # c\r\nkind: ConfigMap\r\n\r\nmetadata:\r\n    # deep comment\r\n    name: crlf\r\n  # shallow comment\r\ndata:\r\n  a: b\r\n---\r\napiVersion: v1\r\nkind: ConfigMap`,
      // Bad indentation (dedent to no open level), tabs, a key with no space before its value.
      `x: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: a\n  namespace: b\n---\napiVersion: v1\nkind:\tConfigMap\n---\napiVersion: v1\nkind:ConfigMap\n`,
      // A quoted string of the document before runs over the marker.
      `a: "x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: q\n`,
      // Block scalars before, a document end marker, directives.
      `a: |\n  text\n${CM('c')}`,
      `a: 1\n...\n${CM('d')}`,
      `%YAML 1.2\n---\na: 1\n${CM('e')}`,
      // Values YAML reads as other types.
      ...['null', 'Null', '~', 'true', 'FALSE', '12', '0x1F', '0o17', '1e3', '.inf', '-1', '+1', 'yes', 'on', 'v1.2'].map((v) => `x: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${v}\n  namespace: ${v}\ndata:\n  k: ${v}\n`),
      // A List kind cannot hold items in a simple document.
      `x: 1\n---\napiVersion: v1\nkind: ConfigMapList\nitems:\n`,
      // Material: a base64 PEM value under an unknown key, a Secret's DER under data.
      `x: 1\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  bundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n`,
      `x: 1\n---\napiVersion: v1\nkind: Secret\ndata:\n  other: MIIBbad=\n  weird: MIH1\n`,
      `tls.crt: x\n---\napiVersion: v1\nkind: Secret\ndata:\n  other: MIHx\n`,
      // The last key without a value, then comments or blank lines before the next marker (or the end).
      '---\nkind: x\nname: # c\n# c\n---\nkind: y\n',
      '---\nkind: x\nname:\n# c\n---\nkind: y\n',
      '---\nkind: x\nname:\n\n\n---\nkind: y\n',
      '---\nkind: x\nname:\n---\nkind: y\n',
      '---\nkind: x\nname: a\n# c\n---\nkind: y\n',
      'x: 1\r\n---\r\nkind: x\r\nmetadata:\r\n  name:  # c\r\n  # c\r\n\r\n---\r\nkind: y\r\n',
      'x: 1\n---\nkind: x\nmetadata:\n  name:\n    # deeper\n---\nkind: y\nname:\n# c\n',
      'x: 1\n---\nkind: x\nname:\n# c\n--- # c\nkind: y\nname:\n\n',
    ];
    for (const text of cases) assertSameAsParser(text);
  });

  test('keys longer than 1,024 characters are an error of the parser: such documents are parsed', () => {
    const doc = (key: string, indent = ''): string => `x: 1\n---\nkind: x\nmetadata:\n${indent}${key}: v\n---\nkind: y\n`;
    for (const indent of ['', '  ']) {
      const long = doc('k'.repeat(1025), indent);
      assert.equal(simpleDocuments(long).length, 2, 'the documents before and after it are taken, not it');
      const f = parseYamlFile(long, new LineIndex(long));
      assert.ok(f.errors.some((e) => /1024/.test(e.message)), JSON.stringify(f.errors));
      assertSameAsParser(long);
      // Right after a key without a value the parser counts from the line break before the key.
      for (let n = 1018; n <= 1024; n++) assertSameAsParser(doc('k'.repeat(n), indent));
      assertSameAsParser(doc(`k${'.'.repeat(1024)}`, indent));
      assertSameAsParser(`x: 1\n---\nkind: x\n${indent ? 'a:\n' : ''}${indent}${'k'.repeat(1025)}:\n---\nkind: y\n`);
    }
    const short = doc('k'.repeat(1023 - 2), '  ');
    assert.equal(simpleDocuments(short).length, 3, 'a key whose indentation and length stay under the limit is taken');
    assertSameAsParser(short);
  });

  test('random simple-looking documents read as the parser reads them', () => {
    // A fixed-seed generator: keys, values (some that YAML types), indentation, comments.
    let seed = Number(process.env.YAML_SIMPLE_SEED ?? 20261201);
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const keys = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'data', 'labels', 'spec', 'a.b/c', 'x-y_z', '1'];
    const values = ['v1', 'ConfigMap', 'Secret', 'web', 'team-1', '42', 'null', 'true', 'on', 'a=b', '/p/q', 'LS0t', 'MIIB', '1.5', 'x+y', ''];
    let simple = 0;
    for (let n = 0; n < 400; n++) {
      const docs: string[] = ['first: doc'];
      for (let d = rnd(4) + 1; d > 0; d--) {
        const lines: string[] = [pick(['---', '--- ', '--- # c'])];
        let indent = 0;
        for (let l = rnd(9) + 1; l > 0; l--) {
          const r = rnd(10);
          if (r === 0) lines.push(' '.repeat(rnd(6)) + '# note');
          else if (r === 1) lines.push('');
          else {
            const v = pick(values);
            lines.push(`${' '.repeat(indent)}${pick(keys)}:${v ? ' ' + v : ''}${pick(['', '', '', ' # c', '  #'])}`);
            indent = v ? pick([indent, 0, Math.max(0, indent - 2), indent + 2]) : pick([indent + 2, indent + 1, indent, 0]);
          }
        }
        // Often a key without a value last, then comments or blank lines before the next marker.
        if (rnd(2)) lines.push(`${' '.repeat(indent)}${pick(keys)}:${pick(['', ' # c'])}`);
        for (let t = rnd(4); t > 0; t--) lines.push(pick(['', '# tail', '  # tail', '   ']));
        docs.push(lines.join(pick(['\n', '\n', '\r\n'])));
      }
      const text = docs.join('\n') + pick(['', '\n']);
      simple += simpleDocuments(text).length;
      assertSameAsParser(text);
    }
    // The generator must reach the lazy path often, or this test would prove nothing.
    assert.ok(simple > 200, `${simple} simple documents`);
  });

  test('a document the reader takes is not built for the index, and is built when a rule reads its fields', () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n${CM('a')}${CM('b')}`;
    const index = new KubeIndex();
    const entry = index.setFile('m.yaml', text)!;
    const docs = entry.yaml.documents;
    assert.deepEqual(docs.map((d) => d.simple?.name), ['web', 'a', 'b']);
    const unbuiltDoc = (o: object | undefined): boolean => Object.getOwnPropertyDescriptor(o, 'doc')?.get !== undefined;
    assert.ok(docs.every(unbuiltDoc), 'the documents are still unbuilt');
    assert.equal(index.find('ConfigMap', 'shop', 'b')[0]?.name, 'b');
    assert.equal(index.find('Service', 'shop', 'web')[0]?.name, 'web');
    const cm = index.find('ConfigMap', 'shop', 'a')[0]!;
    assert.ok(isUnbuilt(cm), 'its resource is unbuilt too');
    assert.equal(cm.root.get('data', 'key').str(), 'value');
    assert.ok(!isUnbuilt(cm) && !unbuiltDoc(docs[1]), 'read once, then kept');
    assert.ok(unbuiltDoc(docs[2]) && unbuiltDoc(docs[0]), 'the other documents are still unbuilt');
    assert.deepEqual(cm.nameRange, { start: { line: 7, character: 8 }, end: { line: 7, character: 9 } });
  });

  test('rules see documents the reader took: the ingress-nginx ConfigMap and a Secret', async () => {
    const now = new Date();
    const cert = (await makeCert({ cn: 'shop.example.test', dns: ['shop.example.test'], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 90 * DAY) })).pem;
    const text = [
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: ingress-nginx}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: ingress-nginx-controller',
      '  namespace: ingress-nginx',
      'data:',
      '  ssl-protocols: TLSv1',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: tls',
      '  namespace: ingress-nginx',
      'type: kubernetes.io/tls',
      'data:',
      `  tls.crt: ${Buffer.from(cert).toString('base64')}`,
      `  tls.key: ${Buffer.from('not a key').toString('base64')}`,
      '',
    ].join('\n');
    assert.equal(simpleDocuments(text).length, 3);
    const policy = resolvePolicy();
    const lint = (t: string): string[] => lintDocument(new TextDoc('m.yaml', t), { policy, now }).map((f) => `${f.ruleId} ${f.range.start.line} ${f.message}`);
    const found = lint(text);
    assert.ok(found.some((f) => f.startsWith('ingress/controller-config 10 ')), found.join('\n'));
    // The same findings when no document is taken by the reader (an anchor makes each a parsed one).
    const parsed = text.replace(/^metadata:/gm, 'metadata: &m').replace('metadata: {name: ingress-nginx}', 'metadata: &m {name: ingress-nginx}');
    assert.equal(simpleDocuments(parsed).length, 0);
    const withoutLine = (f: string): string => f.replace(/ \d+ /, ' ');
    assert.deepEqual(found.map(withoutLine).sort(), lint(parsed).map(withoutLine).sort());
    const sites = materialSites(new TextDoc('m.yaml', text));
    assert.deepEqual(sites.map((s) => [s.container, s.label]), [
      ['Secret ingress-nginx/tls · tls.crt', 'CERTIFICATE'],
      ['Secret ingress-nginx/tls · tls.key', 'PRIVATE KEY'],
    ]);
  });
});
