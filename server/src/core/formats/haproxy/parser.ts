/**
 * HAProxy configuration files as HAProxy's own reader cuts them (configuration.txt "2.1
 * Configuration file format", "2.2 Quoting and escaping", "2.3 Environment variables", "2.4
 * Conditional blocks"; parse_line() in src/tools.c, parse_cfg() in src/cfgparse.c): one
 * statement per line (there is no line continuation: a backslash at the end of a line is a
 * backslash), words separated by unprotected blanks, `#` starting a comment outside quotes,
 * `\` escaping outside single quotes (`\ `, `\\`, `\#`, `\'`, `\"`, `\t`, `\n`, `\r`, `\xNN`,
 * and `\$` inside double quotes; any other backslash stays), weak double quotes in which
 * `$VAR` and `${VAR}` are expanded, strong single quotes. A section starts at a section
 * keyword and ends at the next one or at the end of the file. Every word keeps its exact
 * range; problems HAProxy treats as fatal come back located. Never throws.
 */
import { LineIndex, type Range } from '../../text';

export interface HaproxyWord {
  /** The word as HAProxy sees it: quotes removed, escapes resolved, variables left as written (`${NAME}`). */
  value: string;
  /** From its first to its last character, quotes included. */
  range: Range;
  /** Offset of the word's first character in the text. */
  offset: number;
  /** Its source text, quotes and escapes as written. */
  raw: string;
  /** It expands an environment variable: its value is known only where HAProxy runs. */
  env: boolean;
}

export interface HaproxyLine {
  /** The words; the first is the keyword. */
  words: HaproxyWord[];
  /** The keyword, lower-case as HAProxy compares it (keywords are case-sensitive there: kept as written). */
  keyword: string;
  /** `no` or `default` before the keyword (then `keyword` is the word after it). */
  modifier?: 'no' | 'default';
  /** From the first to the last word. */
  range: Range;
  /** 0-based line number. */
  line: number;
  /** Inside a `.if` block whose condition TLS Lens cannot evaluate: HAProxy may or may not read it. */
  conditional?: boolean;
}

export type SectionKind = 'global' | 'defaults' | 'frontend' | 'backend' | 'listen' | 'other';

export interface HaproxySection {
  kind: SectionKind;
  /** The section keyword line (`frontend web from tcp-defaults`). */
  header: HaproxyLine;
  /** The section's name, when it has one. */
  name?: HaproxyWord;
  /** The defaults section it names with `from`. */
  from?: HaproxyWord;
  /** Its statements, in order (the header excluded). */
  lines: HaproxyLine[];
  /** From the header to the end of its last statement. */
  range: Range;
  /** Some of its lines are inside `.if` blocks TLS Lens cannot evaluate. */
  conditional: boolean;
}

export interface HaproxyProblem {
  message: string;
  range: Range;
  /** HAProxy refuses the file (`fatal`), or only warns. */
  fatal: boolean;
  /** The oldest HAProxy for which this is fatal (older ones warn or accept it). */
  fatalSince?: string;
}

export interface HaproxyConfig {
  sections: HaproxySection[];
  problems: HaproxyProblem[];
  lines: LineIndex;
}

/** Section keywords (REGISTER_CONFIG_SECTION in HAProxy's sources); the ones TLS Lens reads have their own kind. */
export const SECTION_KEYWORDS: ReadonlySet<string> = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'userlist',
  'peers',
  'resolvers',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'cache',
  'fcgi-app',
  'crt-store',
  'log-forward',
  'log-profile',
  'traces',
  'acme',
  'healthcheck',
  'namespace_list',
  'spoe-agent',
  'spoe-group',
  'spoe-message',
]);

/** HAProxy cuts a line into at most this many words (MAX_LINE_ARGS). */
const MAX_WORDS = 64;

const KINDS: Record<string, SectionKind> = { global: 'global', defaults: 'defaults', frontend: 'frontend', backend: 'backend', listen: 'listen' };

interface Cut {
  words: HaproxyWord[];
  problem?: { message: string; offset: number };
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f' || c === '\v';
}

const HEX = /^[0-9a-fA-F]{2}$/;
/** Characters that end a run of plain characters: outside quotes, and inside double quotes. */
const PLAIN_SPECIAL = new Set([' ', '\t', '\f', '\v', '#', '"', "'", '\\']);
const DQUOTE_SPECIAL = new Set(['"', '\\', '$']);

/** Cuts one line (`start`..`end` offsets in `text`) into words as parse_line() does. */
function cutLine(text: string, start: number, end: number, lines: LineIndex): Cut {
  const words: HaproxyWord[] = [];
  let i = start;
  let value = '';
  let wordStart = -1;
  let env = false;
  let squote = false;
  let dquote = false;
  let quoteAt = -1;
  const begin = (at: number): void => {
    if (wordStart < 0) wordStart = at;
  };
  const finish = (at: number): void => {
    if (wordStart < 0) return;
    words.push({ value, range: lines.rangeOf(wordStart, at), offset: wordStart, raw: text.slice(wordStart, at), env });
    value = '';
    wordStart = -1;
    env = false;
  };
  while (i < end) {
    const c = text[i]!;
    if (c === '#' && !squote && !dquote) break;
    // A double quote outside single quotes, or a single quote outside double quotes, opens or closes.
    if ((c === '"' && !squote) || (c === "'" && !dquote)) {
      begin(i);
      if (c === '"') dquote = !dquote;
      else squote = !squote;
      quoteAt = dquote || squote ? i : -1;
      i++;
      continue;
    }
    if (c === '\\' && !squote) {
      begin(i);
      const n = text[i + 1];
      if (n === ' ' || n === '\\' || n === '#' || n === "'" || n === '"') {
        value += n;
        i += 2;
      } else if (n === 't' || n === 'n' || n === 'r') {
        value += n === 't' ? '\t' : n === 'n' ? '\n' : '\r';
        i += 2;
      } else if (n === '$' && dquote) {
        value += '$';
        i += 2;
      } else if (n === 'x') {
        const hex = text.slice(i + 2, i + 4);
        if (i + 4 > end || !HEX.test(hex)) return { words, problem: { message: 'truncated or invalid hexadecimal sequence (\\xNN)', offset: i } };
        value += String.fromCharCode(parseInt(hex, 16));
        i += 4;
      } else {
        value += '\\';
        i++;
      }
      continue;
    }
    if (isSpace(c) && !squote && !dquote) {
      finish(i);
      i++;
      continue;
    }
    if (c === '$' && dquote) {
      begin(i);
      const varStart = i;
      i++;
      const brace = text[i] === '{';
      if (brace) i++;
      const first = text[i] ?? '';
      if (!/[A-Za-z_.]/.test(first) || i >= end) return { words, problem: { message: 'forbidden first character in an environment variable name', offset: i } };
      if (first === '.') i++;
      while (i < end && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      if (brace) {
        if (text.startsWith('[*]', i)) i += 3;
        else if (text[i] === '[') return { words, problem: { message: 'truncated or invalid word expansion sequence (expected [*])', offset: i } };
        if (text[i] === '-') while (i < end && text[i] !== '}') i++;
        if (text[i] !== '}') return { words, problem: { message: 'unmatched brace in an environment variable name', offset: varStart + 1 } };
        i++;
      }
      value += text.slice(varStart, i);
      env = true;
      continue;
    }
    begin(i);
    // A run of plain characters at once (most of every file).
    let j = i + 1;
    if (squote) while (j < end && text[j] !== "'") j++;
    else if (dquote) while (j < end && !DQUOTE_SPECIAL.has(text[j]!)) j++;
    else while (j < end && !PLAIN_SPECIAL.has(text[j]!)) j++;
    value += text.slice(i, j);
    i = j;
  }
  if (squote || dquote) return { words, problem: { message: 'unmatched quote', offset: quoteAt } };
  finish(i);
  return { words };
}

/**
 * What a `.if`/`.elif` condition says when TLS Lens can tell without the running HAProxy:
 * a plain number (0 is false, others true, as `.if 0` is used to comment blocks out).
 * Predicates (version_atleast, defined, feature …) are undefined: unknown here.
 */
function evaluateCondition(words: readonly HaproxyWord[]): boolean | undefined {
  if (words.length !== 1 || words[0]!.env) return undefined;
  const v = words[0]!.value.trim();
  let neg = false;
  let w = v;
  while (w.startsWith('!')) {
    neg = !neg;
    w = w.slice(1);
  }
  if (!/^\d+$/.test(w)) return undefined;
  const r = Number(w) !== 0;
  return neg ? !r : r;
}

/** State of one `.if` level: whether lines are read, skipped, or unknown. */
interface Cond {
  /** 'take' (read), 'drop' (skipped), 'unknown'. */
  state: 'take' | 'drop' | 'unknown';
  /** Whether an earlier branch was (or may have been) taken. */
  taken: boolean | undefined;
  elseSeen: boolean;
  at: Range;
}

/** Parses a whole configuration file. */
export function parseHaproxy(text: string, lines: LineIndex = new LineIndex(text)): HaproxyConfig {
  const sections: HaproxySection[] = [];
  const problems: HaproxyProblem[] = [];
  const conds: Cond[] = [];
  let current: HaproxySection | undefined;
  const problemAt = (message: string, range: Range, fatal = true, fatalSince?: string): void => {
    const p: HaproxyProblem = { message, range, fatal };
    if (fatalSince) p.fatalSince = fatalSince;
    problems.push(p);
  };
  const n = lines.lineCount;
  for (let ln = 0; ln < n; ln++) {
    const start = lines.offsetAt({ line: ln, character: 0 });
    let end = ln + 1 < n ? lines.offsetAt({ line: ln + 1, character: 0 }) : text.length;
    while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    let s = start;
    while (s < end && isSpace(text[s]!)) s++;
    // "[scope]" lines name a scope for later messages; they hold no statement.
    if (text[s] === '[') continue;
    const cut = cutLine(text, s, end, lines);
    if (cut.problem) {
      const at = cut.problem.offset;
      problemAt(cut.problem.message, lines.rangeOf(at, Math.min(at + 1, end)));
      continue;
    }
    const words = cut.words;
    if (words.length === 0) continue;
    const first = words[0]!;
    const range: Range = { start: first.range.start, end: words[words.length - 1]!.range.end };
    if (words.length > MAX_WORDS) {
      problemAt(`too many words (HAProxy reads at most ${MAX_WORDS} on a line)`, words[MAX_WORDS]!.range);
      continue;
    }
    // Conditional blocks.
    if (first.value.startsWith('.')) {
      const kw = first.value;
      const inDropped = conds.some((c) => c.state === 'drop');
      if (kw === '.if') {
        const value = inDropped ? false : evaluateCondition(words.slice(1));
        conds.push({ state: value === undefined ? 'unknown' : value ? 'take' : 'drop', taken: value, elseSeen: false, at: range });
        continue;
      }
      if (kw === '.elif' || kw === '.else' || kw === '.endif') {
        const top = conds[conds.length - 1];
        if (!top) {
          problemAt(`lone '${kw}' with no matching '.if'`, first.range);
          continue;
        }
        if (kw !== '.endif' && top.elseSeen) {
          problemAt(`'${kw}' after '.else' is not permitted`, first.range);
          continue;
        }
        if ((kw === '.else' || kw === '.endif') && words.length > 1) {
          problemAt(`unexpected argument '${words[1]!.value}' for '${kw}'`, words[1]!.range);
          continue;
        }
        if (kw === '.endif') {
          conds.pop();
          continue;
        }
        const outerDropped = conds.slice(0, -1).some((c) => c.state === 'drop');
        const value = kw === '.else' ? true : evaluateCondition(words.slice(1));
        if (outerDropped || top.taken === true) top.state = 'drop';
        else if (top.taken === undefined) top.state = 'unknown';
        else top.state = value === undefined ? 'unknown' : value ? 'take' : 'drop';
        if (top.state === 'take') top.taken = true;
        else if (top.state === 'unknown') top.taken = undefined;
        if (kw === '.else') top.elseSeen = true;
        continue;
      }
      if (inDropped) continue;
      if (kw === '.diag' || kw === '.notice' || kw === '.warning' || kw === '.alert') {
        if (words.length > 2) problemAt(`unexpected argument '${words[2]!.value}' for '${kw}' (quote the message if it holds spaces)`, words[2]!.range);
        else if (kw === '.alert' && !conds.some((c) => c.state === 'unknown')) problemAt(`.alert stops HAProxy here: ${words[1]?.value ?? ''}`, range);
        continue;
      }
      problemAt(`unknown directive '${kw}'`, first.range);
      continue;
    }
    if (conds.some((c) => c.state === 'drop')) continue;
    const conditional = conds.some((c) => c.state === 'unknown');
    let modifier: HaproxyLine['modifier'];
    let keyword = first.value;
    if ((keyword === 'no' || keyword === 'default') && words.length > 1) {
      modifier = keyword;
      keyword = words[1]!.value;
    }
    const line: HaproxyLine = { words, keyword, range, line: ln };
    if (modifier) line.modifier = modifier;
    if (conditional) line.conditional = true;
    if (!modifier && SECTION_KEYWORDS.has(keyword)) {
      const kind = KINDS[keyword] ?? 'other';
      const section: HaproxySection = { kind, header: line, lines: [], range, conditional };
      const rest = words.slice(1);
      const fromAt = rest.findIndex((w) => w.value === 'from');
      if (kind !== 'global' && rest[0] && fromAt !== 0) section.name = rest[0];
      if (fromAt >= 0 && rest[fromAt + 1] && (kind === 'defaults' || kind === 'frontend' || kind === 'backend' || kind === 'listen')) section.from = rest[fromAt + 1];
      sections.push(section);
      current = section;
      continue;
    }
    if (!current) {
      problemAt(`unknown keyword '${keyword}' out of section: a configuration starts with a section (global, defaults, frontend, backend, listen …)`, first.range);
      continue;
    }
    current.lines.push(line);
    current.range = { start: current.range.start, end: range.end };
    if (conditional) current.conditional = true;
  }
  for (const c of conds) problemAt("non-terminated '.if' block", c.at);
  // HAProxy 2.3+ refuses a last line without LF: the file may have been truncated.
  if (text.length > 0 && !text.endsWith('\n')) {
    const last = lines.positionAt(text.length);
    problemAt('missing LF on the last line: HAProxy takes the file for truncated', { start: { line: last.line, character: 0 }, end: last }, true, '2.3');
  }
  return { sections, problems, lines };
}
