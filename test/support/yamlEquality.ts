import assert from 'node:assert/strict';
import type * as Yaml from 'yaml';
import { TextDoc } from '../../server/src/core';
import { materialSites } from '../../server/src/core/certs/sites';
import { parseKubeFile, type KubeResource } from '../../server/src/core/formats/kube/resources';
import { parseYamlFile, yaml, type YamlFile } from '../../server/src/core/formats/yaml/documents';
import { LineIndex } from '../../server/src/core/text';

/** A document as data, or what made that fail (an alias without anchor, an alias bomb): the same either way. */
function toJS(doc: Yaml.Document.Parsed): unknown {
  try {
    // As Maps: keys may be collections (flow maps), which plain objects would turn into strings with a warning.
    return doc.toJS({ maxAliasCount: 100, mapAsMap: true }) as unknown;
  } catch (e) {
    return `toJS failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Everything a consumer can see of a parse: per document its index, range, errors, value and every node's range. */
export function shape(f: YamlFile): unknown {
  const y = yaml();
  return {
    errors: f.errors,
    documents: f.documents.map((d) => {
      const nodes: unknown[] = [];
      y.visit(d.doc, {
        Node(_, n) {
          nodes.push([n.constructor.name, n.range, y.isScalar(n) ? [n.value, n.type, n.format, n.source] : y.isCollection(n) ? n.flow : undefined]);
        },
      });
      return { index: d.index, range: d.range, docRange: d.doc.range, errors: d.doc.errors.length, js: toJS(d.doc), nodes };
    }),
  };
}

function resourceShape(r: KubeResource): unknown {
  return {
    apiVersion: r.apiVersion,
    group: r.group,
    kind: r.kind,
    name: r.name,
    namespace: r.namespace,
    file: r.file,
    nameRange: r.nameRange,
    range: r.range,
    labels: r.labels,
    annotations: r.annotations,
    templated: r.templated,
    root: (r.root.node as Yaml.Node | undefined)?.range,
    spec: r.spec.range,
    metadata: r.metadata.range,
  };
}

/**
 * The lazy reading of `text` (documents the own reader takes, built on demand) against a plain
 * parse of every document by the `yaml` package; returns how many documents the reader took.
 */
export function assertSameAsParser(text: string): number {
  const lines = new LineIndex(text);
  const lazy = parseYamlFile(text, lines);
  const plain = parseYamlFile(text, lines, false);
  assert.ok(plain.documents.every((d) => !d.simple));
  const kubeLazy = parseKubeFile('m.yaml', text, lines, lazy);
  const kubePlain = parseKubeFile('m.yaml', text, lines, plain);
  // Index fields first (before anything forces a parse), then every field.
  assert.deepEqual(
    kubeLazy.resources.map((r) => [r.apiVersion, r.kind, r.name, r.namespace]),
    kubePlain.resources.map((r) => [r.apiVersion, r.kind, r.name, r.namespace]),
    text,
  );
  assert.deepEqual(kubeLazy.resources.map(resourceShape), kubePlain.resources.map(resourceShape), text);
  assert.deepEqual(kubeLazy.notes, kubePlain.notes, text);
  assert.deepEqual(shape(lazy), shape(plain), text);
  const doc = new TextDoc('m.yaml', text);
  assert.deepEqual(materialSites(doc, undefined, () => parseYamlFile(text, doc.lines)), materialSites(doc, undefined, () => parseYamlFile(text, doc.lines, false)), text);
  return lazy.documents.filter((d) => d.simple).length;
}
