import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import type { Range } from '../text';
import { NGINX_BASES } from '../formats/nginx/stock';
import { NGINX_VERSION, REQUIREMENT_KEYS, RETIRED_RULE_IDS, RULE_LEVELS, THRESHOLD_KEYS, VERSION_KEYS, isNginxBase, isRuleLevel, unknownRuleMessage, type PolicyInput, type VersionKey } from './policy';
import { PROFILES, isProfileName } from './profiles';
import { closest } from '../words';

export const POLICY_FILE_NAME = '.tls-lens.yaml';
/** Names a policy file may have, searched in this order in each folder (JSON is YAML too). */
export const POLICY_FILE_NAMES = [POLICY_FILE_NAME, '.tls-lens.json'] as const;

/** The keys a policy file may have (schemas/tls-lens-policy.schema.json describes them). */
export const POLICY_KEYS = ['extends', 'nginxVersion', ...VERSION_KEYS, 'thresholds', 'require', 'rules', 'ignore', 'privateKeyAllowedPaths', 'pathMappings', 'nginx', 'keystorePasswords'] as const;

/** The keys of the `nginx` section. */
export const NGINX_POLICY_KEYS = ['base'] as const;

export interface PolicyFileProblem {
  message: string;
  range: Range;
  /** A likely correction of the word at `range` ("did you mean"), offered as a quick fix. */
  suggestion?: string;
}

export interface PolicyFile {
  input: PolicyInput;
  problems: PolicyFileProblem[];
}

/**
 * Reads a `.tls-lens.yaml` policy file. Never throws: every problem comes back located,
 * and whatever parts are valid are kept.
 */
export function parsePolicyFile(text: string, knownRuleIds: ReadonlySet<string>): PolicyFile {
  // Loaded on first use: most runs read no policy file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LineCounter, parseDocument, isMap, isScalar, isSeq } = require('yaml') as typeof Yaml;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: PolicyFileProblem[] = [];
  const at = (offsets: readonly number[] | undefined): Range => {
    const [s = 0, e = s] = offsets ?? [];
    const a = lc.linePos(s);
    const b = lc.linePos(e);
    return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
  };
  const nodeRange = (n: Node | null | undefined): Range => at(n?.range ? [n.range[0], n.range[1]] : undefined);
  /** An unknown word at `node`: with a close candidate, "did you mean" and the suggestion; else the list. */
  const unknown = (node: Node | null | undefined, what: string, word: string, candidates: readonly string[], list = true): void => {
    const close = closest(word, candidates);
    if (close !== undefined) problems.push({ message: `unknown ${what} "${word}"; did you mean "${close}"?`, range: nodeRange(node), suggestion: close });
    else problems.push({ message: `unknown ${what} "${word}"${list ? ` (expected ${candidates.join(', ')})` : ''}`, range: nodeRange(node) });
  };
  // Errors found at the end of input (an unclosed bracket) are shown on the last real character instead.
  const lastChar = text.trimEnd().length - 1;
  for (const err of doc.errors) {
    const [s, e] = err.pos;
    const pos: [number, number] = s > lastChar && lastChar >= 0 ? [lastChar, lastChar + 1] : [s, e];
    problems.push({ message: err.message.split('\n')[0]!, range: at(pos) });
  }
  const input: PolicyInput = {};
  if (doc.errors.length) return { input, problems };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { input, problems };
  if (!isMap(root)) {
    problems.push({ message: `a policy file must be a mapping (${POLICY_KEYS.join(', ')})`, range: nodeRange(root) });
    return { input, problems };
  }
  /** A mapping of known keys to values of one kind (`thresholds`, `require`); problems located per entry. */
  const keyedMap = <K extends string, V>(
    node: Node,
    section: string,
    noun: string,
    keys: readonly K[],
    expected: string,
    plural: string,
    valid: (v: unknown) => v is V,
  ): Partial<Record<K, V>> | undefined => {
    if (!isMap(node)) {
      problems.push({ message: `"${section}" must map ${keys.join(', ')} to ${plural}`, range: nodeRange(node) });
      return undefined;
    }
    const out: Partial<Record<K, V>> = {};
    for (const item of node.items) {
      const kNode = item.key as Node;
      const k = isScalar(kNode) ? String(kNode.value) : '';
      const vNode = item.value as Node | null;
      const v = isScalar(vNode) ? vNode.value : undefined;
      if (!(keys as readonly string[]).includes(k)) unknown(kNode, noun, k, keys);
      else if (!valid(v)) problems.push({ message: `${noun} "${k}" must be ${expected}`, range: nodeRange(vNode ?? kNode) });
      else out[k as K] = v;
    }
    return out;
  };
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value as Node | null;
    switch (key) {
      case 'extends': {
        const v = isScalar(value) ? value.value : undefined;
        if (isProfileName(v)) input.profile = v;
        else {
          const shown = value?.range ? text.slice(value.range[0], value.range[1]).trim() : '(nothing)';
          const close = typeof v === 'string' ? closest(v, Object.keys(PROFILES)) : undefined;
          const problem: PolicyFileProblem = { message: `unknown profile ${shown}; ${close ? `did you mean "${close}"?` : `expected one of ${Object.keys(PROFILES).join(', ')}`}`, range: nodeRange(value ?? keyNode) };
          if (close && value) problem.suggestion = close;
          problems.push(problem);
        }
        break;
      }
      case 'rules': {
        if (!isMap(value)) {
          problems.push({ message: '"rules" must map rule ids to off, info, warning or error', range: nodeRange(value ?? keyNode) });
          break;
        }
        const rules: Record<string, string> = {};
        for (const r of value.items) {
          const idNode = r.key as Node;
          const id = isScalar(idNode) ? String(idNode.value) : '';
          const lvNode = r.value as Node | null;
          const level = isScalar(lvNode) ? lvNode.value : undefined;
          // A retired rule says what replaced it; another unknown id may be a typo of a known one.
          if (!knownRuleIds.has(id)) {
            if (RETIRED_RULE_IDS[id]) problems.push({ message: unknownRuleMessage(id), range: nodeRange(idNode) });
            else unknown(idNode, 'rule', id, [...knownRuleIds], false);
          } else if (!isRuleLevel(level)) {
            const close = typeof level === 'string' ? closest(level, RULE_LEVELS) : undefined;
            const problem: PolicyFileProblem = { message: `rule "${id}": expected off, hint, info, warning or error${close ? `; did you mean "${close}"?` : ''}`, range: nodeRange(lvNode ?? idNode) };
            if (close && lvNode) problem.suggestion = close;
            problems.push(problem);
          }
          else rules[id] = level;
        }
        input.rules = rules;
        break;
      }
      case 'ignore': {
        if (!isSeq(value)) {
          problems.push({ message: '"ignore" must be a list of glob patterns', range: nodeRange(value ?? keyNode) });
          break;
        }
        input.ignore = [];
        for (const item of value.items) {
          if (isScalar(item) && typeof item.value === 'string') input.ignore.push(item.value);
          else problems.push({ message: 'an ignore pattern must be a string', range: nodeRange(item as Node) });
        }
        break;
      }
      case 'nginxVersion': {
        // A number would lose digits (1.20 is 1.2), so only strings are accepted.
        const v = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
        if (v !== undefined && NGINX_VERSION.test(v)) input.nginxVersion = v;
        else problems.push({ message: 'nginxVersion must be a quoted version like "1.24.0"', range: nodeRange(value ?? keyNode) });
        break;
      }
      case 'thresholds': {
        const t = keyedMap(value ?? keyNode, 'thresholds', 'threshold', THRESHOLD_KEYS, 'a number ≥ 0', 'numbers', (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
        if (t) input.thresholds = t;
        break;
      }
      case 'require': {
        const r = keyedMap(value ?? keyNode, 'require', 'requirement', REQUIREMENT_KEYS, 'true or false', 'true or false', (v): v is boolean => typeof v === 'boolean');
        if (r) input.require = r;
        break;
      }
      case 'privateKeyAllowedPaths': {
        if (!isSeq(value)) {
          problems.push({ message: '"privateKeyAllowedPaths" must be a list of glob patterns', range: nodeRange(value ?? keyNode) });
          break;
        }
        input.privateKeyAllowedPaths = [];
        for (const item of value.items) {
          if (isScalar(item) && typeof item.value === 'string') input.privateKeyAllowedPaths.push(item.value);
          else problems.push({ message: 'a path pattern must be a string', range: nodeRange(item as Node) });
        }
        break;
      }
      case 'pathMappings': {
        if (!isMap(value)) {
          problems.push({ message: '"pathMappings" must map server paths (/etc/nginx/) to workspace folders', range: nodeRange(value ?? keyNode) });
          break;
        }
        const mappings: Record<string, string> = {};
        for (const item of value.items) {
          const kNode = item.key as Node;
          const vNode = item.value as Node | null;
          const from = isScalar(kNode) ? String(kNode.value) : '';
          if (!from.startsWith('/')) problems.push({ message: `a mapped server path must be absolute ("${from}")`, range: nodeRange(kNode) });
          else if (!isScalar(vNode) || typeof vNode.value !== 'string') problems.push({ message: `"${from}" must map to a workspace folder (a string)`, range: nodeRange(vNode ?? kNode) });
          else mappings[from] = vNode.value;
        }
        input.pathMappings = mappings;
        break;
      }
      case 'keystorePasswords': {
        // Glob → a literal password (for stores whose password is no secret, a trust store's "changeit") or { env: NAME }.
        if (!isMap(value)) {
          problems.push({ message: '"keystorePasswords" must map glob patterns of keystore files to a password or { env: VARIABLE }', range: nodeRange(value ?? keyNode) });
          break;
        }
        const entries: NonNullable<PolicyInput['keystorePasswords']> = [];
        for (const item of value.items) {
          const kNode = item.key as Node;
          const vNode = item.value as Node | null;
          const pattern = isScalar(kNode) ? String(kNode.value) : '';
          if (isScalar(vNode) && (typeof vNode.value === 'string' || typeof vNode.value === 'number')) entries.push({ pattern, password: String(vNode.value) });
          else if (isMap(vNode) && vNode.items.length === 1 && isScalar(vNode.items[0]!.key) && vNode.items[0]!.key.value === 'env' && isScalar(vNode.items[0]!.value) && typeof vNode.items[0]!.value.value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(vNode.items[0]!.value.value)) {
            entries.push({ pattern, env: vNode.items[0]!.value.value });
          } else problems.push({ message: `"${pattern}" must map to a password (a string) or to { env: VARIABLE_NAME }`, range: nodeRange(vNode ?? kNode) });
        }
        input.keystorePasswords = entries;
        break;
      }
      case 'nginx': {
        const n = keyedMap(value ?? keyNode, 'nginx', 'nginx setting', NGINX_POLICY_KEYS, `one of ${NGINX_BASES.join(', ')}`, 'values', (v): v is string => isNginxBase(v));
        if (n?.base) input.nginxBase = n.base;
        break;
      }
      default: {
        if ((VERSION_KEYS as readonly string[]).includes(key)) {
          const v = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
          if (v !== undefined && NGINX_VERSION.test(v)) input[key as VersionKey] = v;
          else problems.push({ message: `${key} must be a quoted version like "2.8"`, range: nodeRange(value ?? keyNode) });
          break;
        }
        unknown(keyNode, 'key', key, POLICY_KEYS);
      }
    }
  }
  return { input, problems };
}
