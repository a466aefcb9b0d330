// YAML for Helm's reader. Helm 3 and 4 read values.yaml and Chart.yaml with
// go-yaml v2 (through sigs.k8s.io/yaml), which follows YAML 1.1: a plain `on`,
// `y`, `no`, `1_000`, `0b101`, `0o17` or `2024-01-02` is a boolean, a number or a
// date there, not the string we meant. The `yaml` package writes YAML 1.2, so
// every string that YAML 1.1 or go-yaml would read as another type is quoted here.
import { Document, isMap, isPair, isScalar, isSeq, Node, Scalar, ToStringOptions } from 'yaml';
import { ValidationError, ValidationIssue } from '../errors';

const STR_TAG = 'tag:yaml.org,2002:str';

// The scalar tags of the `yaml` package's YAML 1.1 schema (bool, null, int in
// every base, sexagesimal, float, .inf, timestamp ...).
const YAML11_TAGS = new Document(null, { version: '1.1' }).schema.tags.filter((t) => t.default && t.tag !== STR_TAG && t.test);

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
  return goYamlReadsAsNonString(s) || YAML11_TAGS.some((t) => (t.test as RegExp).test(s));
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
