// Values YAML read as Helm reads it. Helm parses values with sigs.k8s.io/yaml on
// go-yaml v2, a YAML 1.1 reader: on/off, yes/no and y/n are booleans, 0777 is
// octal, 1_000 is a number. Reading the same way means the CLI validates what
// Helm will see. Limits (depth, aliases) are checked before any recursive pass.
import { Composer, type Document, isMap as isYamlMap, isScalar, isSeq, Lexer, LineCounter, Parser, type Node } from 'yaml';
import { FAILSAFE_SCHEMA, load, type LoadOptions, Type } from 'js-yaml';
import { helmPlainScalar, helmTags } from '../render/helm-yaml';
import { shownValue } from '../inputs/grammar';
import { LIMITS } from './limits';
import { isMap, type ValuesObject } from './own';
import { shapeProblem } from './tree';

/** How a problem text starts when the document is not a mapping (a list, a scalar): for callers with their own words. */
export const NOT_A_MAPPING = 'must be a YAML mapping of values';

const OPTIONS = { version: '1.1', customTags: helmTags, uniqueKeys: false, maxAliasCount: LIMITS.aliases } as const;

/**
 * Parses YAML that must be a mapping (empty text is {}); `fail` makes the
 * caller's error from a problem description.
 */
export function parseValuesYaml(text: string, fail: (problem: string) => Error): ValuesObject {
  return quickRead(text) ?? fullRead(text, fail);
}

/** Constructs that quickRead leaves to fullRead: explicit keys (?), collections as keys, %directives. */
const NOT_QUICK = /\?|[\]}][ \t]*:|^%/m;
const HELM_PLAIN = 'tag:yaml.org,2002:helm-plain';
const QUICK_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:seq', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:binary']);

/**
 * The values of an ordinary values file, read by js-yaml (several times faster
 * than fullRead) with plain scalars typed by helmPlainScalar; undefined when the
 * text holds anything fullRead must judge: an error, an anchor or merge key, a
 * tag other than !!str, !!binary, !!map and !!seq, a null key, a shape problem,
 * or a construct of NOT_QUICK. What it returns is what fullRead returns.
 */
export function quickRead(text: string): ValuesObject | undefined {
  if (NOT_QUICK.test(text)) return undefined;
  let plainValue: unknown;
  let odd = false; // a merge key or a tag quickRead does not read
  const plain = new Type(HELM_PLAIN, {
    kind: 'scalar',
    resolve: (s: string) => {
      if (s === '<<') odd = true;
      plainValue = helmPlainScalar(s);
      return typeof plainValue !== 'string';
    },
    construct: () => plainValue,
  });
  const binary = new Type('tag:yaml.org,2002:binary', { kind: 'scalar', resolve: () => true, construct: (s: string) => Buffer.from(s, 'base64').toString('utf8') });
  let state: LoaderState | undefined;
  let value: unknown;
  try {
    // maxDepth: js-yaml 4.3 stops nesting there (the types predate the option)
    value = load(text, {
      schema: FAILSAFE_SCHEMA.extend({ implicit: [plain], explicit: [binary] }),
      maxDepth: LIMITS.depth + 3,
      listener: (event: string, s: LoaderState) => {
        state = s;
        if (event === 'close' && s.tag !== null && s.tag !== '?' && s.tag !== HELM_PLAIN && !QUICK_TAGS.has(s.tag)) odd = true;
      },
    } as unknown as LoadOptions);
  } catch {
    return undefined;
  }
  if (odd || (state && Object.keys(state.anchorMap).length)) return undefined;
  value ??= {};
  // js-yaml names a null key "null" where fullRead makes it ""
  if (!isMap(value) || hasKey(value, 'null') || shapeProblem(value, LIMITS.depth, LIMITS.nodes)) return undefined;
  return value;
}

/** The loader state js-yaml passes to a listener (the parts read here). */
interface LoaderState {
  tag: string | null;
  anchorMap: object;
}

/** Whether any map in the tree has the own key `key` (iterative; quickRead's trees are bounded by maxDepth). */
function hasKey(root: unknown, key: string): boolean {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isMap(node)) {
      if (Object.prototype.hasOwnProperty.call(node, key)) return true;
      for (const k of Object.keys(node)) stack.push(node[k]);
    }
  }
  return false;
}

/** The reader of record: every error message and every construct of YAML 1.1. */
export function fullRead(text: string, fail: (problem: string) => Error): ValuesObject {
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
  if (!isMap(value)) throw fail(`${NOT_A_MAPPING} (got ${Array.isArray(value) ? 'a list' : typeof value})`);
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
