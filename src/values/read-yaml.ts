// Values YAML read as Helm reads it. Helm parses values with sigs.k8s.io/yaml on
// go-yaml v2, a YAML 1.1 reader: on/off, yes/no and y/n are booleans, 0777 is
// octal, 1_000 is a number. Reading the same way means the CLI validates what
// Helm will see. Limits (depth, aliases) are checked before any recursive pass.
import { Composer, type CollectionTag, type Document, isMap as isYamlMap, isScalar, isSeq, Lexer, LineCounter, Parser, type Node, type ScalarTag, type Tags } from 'yaml';
import { shownValue } from '../inputs/grammar';
import { LIMITS } from './limits';
import { isMap, type ValuesObject } from './own';
import { shapeProblem } from './tree';

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const DROPPED = new Set(['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs', 'tag:yaml.org,2002:set']);

/**
 * The yaml package's YAML 1.1 tags, adjusted to go-yaml v2: no sexagesimal numbers
 * (190:20:30) and no timestamps (both stay strings); Go's 0o/0O/0X/0B integer
 * prefixes; floats as go-yaml matches them (".5e3" is a number, "." a string);
 * !!binary decodes to a string.
 */
function helmTags(tags: Tags): Tags {
  const out: Tags = [];
  // The base tags of a built-in schema are tag objects, never names.
  for (const t of tags as (ScalarTag | CollectionTag)[]) {
    if (DROPPED.has(t.tag) || t.format === 'TIME') continue;
    if (t.tag === FLOAT && 'test' in t && t.test && !t.test.test('.inf')) {
      // go-yaml's float grammar (after dropping "_") replaces the float and exponent forms
      if (t.format !== 'EXP') out.push({ ...t, format: undefined, test: GO_FLOAT, resolve: (src: string) => parseFloat(src.replace(/_/g, '')) });
    } else if (t.tag === 'tag:yaml.org,2002:binary') out.push({ ...(t as ScalarTag), resolve: (src: string) => Buffer.from(src, 'base64').toString('utf8') });
    else out.push(t);
  }
  out.push({
    identify: () => false,
    default: true,
    tag: INT,
    format: 'GO',
    test: /^[-+]?0(?:[oO][0-7_]+|[xX][0-9a-fA-F_]+|[bB][01_]+)$/,
    resolve: (src: string) => {
      const n = Number(src.replace(/^[-+]/, '').replace(/_/g, '').toLowerCase());
      return src.startsWith('-') ? -n : n;
    },
  });
  return out;
}

const GO_FLOAT = /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/;

const OPTIONS = { version: '1.1', customTags: helmTags, uniqueKeys: false, maxAliasCount: LIMITS.aliases } as const;

/**
 * Parses YAML that must be a mapping (empty text is {}); `fail` makes the
 * caller's error from a problem description.
 */
export function parseValuesYaml(text: string, fail: (problem: string) => Error): ValuesObject {
  const lines = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const doc = withPlainEnv(() => compose(text, lines, at, fail));
  if (!doc) return {};
  const error = doc.errors[0];
  if (error) throw fail(`not valid YAML: ${error.message.split('\n')[0]} (${at(error.pos[0])})`);
  const badKey = keyProblem(doc.contents, at);
  if (badKey) throw fail(`not valid YAML: ${badKey}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.aliases }) ?? {};
  } catch {
    // the yaml package's alias count check (an entity-expansion attack, "billion laughs")
    throw fail(`not valid YAML: its aliases expand past the limit of ${LIMITS.aliases}; use fewer aliases`);
  }
  if (!isMap(value)) throw fail(`must be a YAML mapping of values (got ${Array.isArray(value) ? 'a list' : typeof value})`);
  const bad = shapeProblem(value, LIMITS.depth, LIMITS.nodes);
  if (bad) throw fail(`${bad.path || '(root)'} ${bad.message}`);
  return value;
}

/**
 * Runs `f` with process.env replaced by a plain copy. The yaml parser reads
 * process.env.LOG_TOKENS once per token, and Node's env object is a slow native
 * proxy: a quarter of the time of a large file. `f` is synchronous, so nothing
 * else can see the copy, and the original is back before it returns.
 */
function withPlainEnv<T>(f: () => T): T {
  const env = process.env;
  process.env = { ...env };
  try {
    return f();
  } finally {
    process.env = env;
  }
}

/** Lexes and parses with a depth check on every token, then composes one document. */
function compose(text: string, lines: LineCounter, at: (offset: number) => string, fail: (problem: string) => Error): Document.Parsed | undefined {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const composer = new Composer(OPTIONS);
  const docs: Document.Parsed[] = [];
  let offset = 0;
  // The parser keeps one stack entry per open collection (plus the document and a
  // pending item or two); refusing here keeps the recursive composer within bounds.
  const maxStack = LIMITS.depth + 4;
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) docs.push(...composer.next(token));
    if (parser.stack.length > maxStack) throw fail(`nests maps and lists more than ${LIMITS.depth} levels deep (${at(offset)}); flatten the values`);
    offset += lexeme.length;
  }
  for (const token of parser.end()) docs.push(...composer.next(token));
  docs.push(...composer.end(false, text.length));
  if (docs.length > 1) throw fail('holds several YAML documents (---): Helm 3 reads only the first, Helm 4 merges them; keep one');
  return docs[0];
}

/**
 * The first key Helm cannot read as written: one that appears twice in a mapping
 * (after YAML 1.1 typing: y, yes and on are all "true"), or a list or map used as
 * a key (JSON has only string keys). A linear, iterative pass.
 */
function keyProblem(root: unknown, at: (offset: number) => string): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (isYamlMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isYamlMap(key) || isSeq(key)) return `a ${isYamlMap(key) ? 'map' : 'list'} is used as a key (${at(key.range?.[0] ?? 0)}); keys must be strings`;
        if (isScalar(key) && key.value !== '<<') {
          const name = String(key.value);
          if (seen.has(name)) {
            const typed = typeof key.value === 'boolean' ? ' (YAML 1.1, as Helm reads it, takes y, yes, on, n, no and off as booleans: quote such keys)' : '';
            return `key ${shownValue(name)} appears twice in one mapping (${at(key.range?.[0] ?? 0)}); Helm would silently keep the last one${typed}`;
          }
          seen.add(name);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push(item);
  }
  return undefined;
}
