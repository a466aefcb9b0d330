// YAML for Helm's reader. Helm 3 and 4 read values.yaml and Chart.yaml with
// go-yaml v2 (through sigs.k8s.io/yaml), which follows YAML 1.1: a plain `on`,
// `y`, `no`, `1_000`, `0b101`, `0o17` or `2024-01-02` is a boolean, a number or a
// date there, not the string we meant. The `yaml` package writes YAML 1.2, so
// every string that YAML 1.1 or go-yaml would read as another type is quoted here.
import { type CollectionTag, Document, isMap, isPair, isScalar, isSeq, Node, Scalar, type ScalarTag, type Tags, ToStringOptions } from 'yaml';
import { ValidationError, ValidationIssue } from '../errors';

const STR_TAG = 'tag:yaml.org,2002:str';

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const DROPPED = new Set(['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs', 'tag:yaml.org,2002:set']);

/**
 * The yaml package's YAML 1.1 tags, adjusted to go-yaml v2: no sexagesimal numbers
 * (190:20:30) and no timestamps (both stay strings); Go's 0o/0O/0X/0B integer
 * prefixes; floats as go-yaml matches them (".5e3" is a number, "." a string);
 * !!binary decodes to a string.
 */
export function helmTags(tags: Tags): Tags {
  const out: Tags = [];
  // The base tags of a built-in schema are tag objects, never names.
  for (const t of tags as (ScalarTag | CollectionTag)[]) {
    if (DROPPED.has(t.tag) || t.format === 'TIME') continue;
    if (t.tag === FLOAT && 'test' in t && t.test && !t.test.test('.inf')) {
      // go-yaml's float grammar (after dropping "_") replaces the float and exponent forms
      if (t.format !== 'EXP') out.push({ ...t, format: undefined, test: GO_FLOAT_WRITTEN, resolve: (src: string) => parseFloat(src.replace(/_/g, '')) });
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

// go-yaml's float grammar as written, "_" included.
const GO_FLOAT_WRITTEN = /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/;

// The plain-scalar tags of helmTags, in the order the yaml composer tries them.
const HELM_PLAIN_TAGS = (helmTags(new Document(null, { version: '1.1' }).schema.tags as Tags) as (ScalarTag | CollectionTag)[]).filter(
  (t): t is ScalarTag & { test: RegExp } => t.default === true && 'test' in t && t.test instanceof RegExp,
);
// All their patterns as one (none has flags), to pass most strings with one test.
const HELM_PLAIN_ANY = new RegExp(HELM_PLAIN_TAGS.map((t) => `(?:${t.test.source})`).join('|'));
const RESOLVE_OPTIONS = { intAsBigInt: false } as Parameters<ScalarTag['resolve']>[2];
const noError = () => undefined;

/**
 * What Helm reads a plain (unquoted, untagged) scalar `s` as: a boolean, null, a
 * number, or the string itself. The rules the values reader applies (helmTags).
 */
export function helmPlainScalar(s: string): unknown {
  if (!HELM_PLAIN_ANY.test(s)) return s;
  for (const t of HELM_PLAIN_TAGS) {
    if (t.test.test(s)) {
      const v = t.resolve(s, noError, RESOLVE_OPTIONS);
      return isScalar(v) ? v.value : v;
    }
  }
  return s;
}

// The scalar tags of the `yaml` package's YAML 1.1 schema (bool, null, int in
// every base, sexagesimal, float, .inf, timestamp ...).
const YAML11_TAGS = new Document(null, { version: '1.1' }).schema.tags.filter((t) => t.default && t.tag !== STR_TAG && t.test);
// All their patterns as one (none has flags), tried once per string.
const YAML11_ANY = new RegExp(YAML11_TAGS.map((t) => `(?:${(t.test as RegExp).source})`).join('|'));

// go-yaml v2's resolve(): the words it maps to booleans, null, NaN, infinities and merge.
const GO_YAML_WORDS = new Set(
  ['y Y yes Yes YES true True TRUE on On ON', 'n N no No NO false False FALSE off Off OFF', '~ null Null NULL', '.nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<']
    .join(' ')
    .split(' ')
    .concat(''),
);
// strconv.ParseInt/ParseUint with base 0 (sign, 0x 0o 0b prefixes in either case), after go-yaml drops every "_".
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/;
// go-yaml's yamlStyleFloat, also after dropping "_".
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
// A scalar starting with "." goes to strconv.ParseFloat as it is.
const GO_DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
// parseTimestamp's formats all start YYYY-M-D (a time may follow after T, t or a space).
const GO_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt ])/;

/** Whether go-yaml v2, reading `s` as a plain scalar, resolves it to anything but a string. */
export function goYamlReadsAsNonString(s: string): boolean {
  if (GO_YAML_WORDS.has(s)) return true;
  if (s[0] === '.') return GO_DOT_FLOAT.test(s);
  if (!/^[-+0-9]/.test(s)) return false;
  if (GO_TIMESTAMP.test(s)) return true;
  const plain = s.replace(/_/g, '');
  return GO_INT.test(plain) || GO_FLOAT.test(plain);
}

/** Whether a plain `s` would reach Helm as another type: by YAML 1.1 or by go-yaml's own rules. */
export function helmReadsAsNonString(s: string): boolean {
  return goYamlReadsAsNonString(s) || YAML11_ANY.test(s);
}

/**
 * The text of `doc` as Helm should read it: every string scalar (keys too) that
 * Helm would read as another type is double-quoted (unless a file had it so); a non-finite number (which
 * YAML writes as .inf/.nan and Helm cannot turn into JSON) is refused, naming its
 * key path, before anything is written. `source` names the file in that error.
 */
export function helmYamlText(doc: Document, source: string, options: ToStringOptions = {}): string {
  const issues: ValidationIssue[] = [];
  visit(doc.contents as Node | null, '', issues);
  if (issues.length) throw new ValidationError(issues, source);
  return doc.toString(options);
}

function visit(node: Node | null, path: string, issues: ValidationIssue[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      visit(pair.key as Node, path, issues);
      visit(pair.value as Node, path ? `${path}.${key}` : key, issues);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => visit(item as Node, `${path}[${i}]`, issues));
  } else if (isScalar(node)) {
    quoteIfAmbiguous(node, path, issues);
  }
}

function quoteIfAmbiguous(node: Scalar, path: string, issues: ValidationIssue[]): void {
  const v = node.value;
  if (typeof v === 'number' && !Number.isFinite(v)) {
    issues.push({ path: path || '(root)', message: `must be a finite number (got ${v}; a number beyond ±1.8e308 overflows to infinity)` });
  } else if (typeof v === 'string' && (node.type === undefined || node.type === Scalar.PLAIN) && !unchangedFromSource(node) && helmReadsAsNonString(v)) {
    node.type = Scalar.QUOTE_DOUBLE;
  }
}

/**
 * A plain scalar read from a file and not changed since: Helm reads it as it
 * always did (a user's `enabled: yes` stays the boolean Helm sees), so it is
 * left as written.
 */
function unchangedFromSource(node: Scalar): boolean {
  return node.type === Scalar.PLAIN && node.source !== undefined && node.source === node.value;
}
