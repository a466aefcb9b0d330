import { Document, isMap, isScalar, isSeq, Node } from 'yaml';
import { inSchemaOrder, itemsOf, propertyOf, Schema, schemaKeyOrder } from '../schema/walk';
import { helmReadsAsNonString, helmYamlText } from './helm-yaml';

/**
 * values.yaml: the chart's values in schema order, each key preceded by the
 * schema's description as a comment, top-level keys separated by a blank line;
 * written for Helm's YAML 1.1 reader (src/render/helm-yaml.ts).
 */
export function renderValuesYaml(values: object, schema: Schema, header: string): string {
  return quickValuesYaml(values, schema, header) ?? fullValuesYaml(values, schema, header);
}

/** The yaml package's rendering: the reference for quickValuesYaml, and every case it leaves. */
export function fullValuesYaml(values: object, schema: Schema, header: string): string {
  const doc = new Document(inSchemaOrder(schema, schema, values));
  annotate(doc.contents as Node, schema, schema, true);
  doc.commentBefore = header;
  return helmYamlText(doc, 'values', { lineWidth: 0 });
}

function annotate(node: Node | null, nodeSchema: Schema | undefined, root: Schema, top = false): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const sub = propertyOf(root, nodeSchema, key);
      if (sub?.description && isScalar(pair.key)) pair.key.commentBefore = wrap(sub.description);
      if (top && pair !== node.items[0] && isScalar(pair.key)) pair.key.spaceBefore = true;
      annotate(pair.value as Node, sub, root);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) annotate(item as Node, itemsOf(root, nodeSchema), root);
  }
}

/** Comment text wrapped to ~90 columns; yaml prefixes each line with "#". */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > 88) lines.push(line), (line = '');
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ` ${l}`).join('\n');
}

// The same text as fullValuesYaml, written directly for values made of maps, lists,
// finite numbers, booleans, null and strings of printable ASCII that the yaml package
// writes plain or, when Helm would read them as another type, in double quotes
// without escapes. Anything else (and a map or list met twice, which yaml writes as an
// alias) is left to fullValuesYaml: a 30,000-item list takes milliseconds here.

const LEAVE = Symbol('leave to fullValuesYaml');
// Plain as the yaml package writes it: no indicator first, no ": ", " #", trailing ":" or space.
const PLAIN = /^[A-Za-z0-9_/][\x20-\x7e]*$/;
const NOT_PLAIN = /: | #|[: ]$/;
const QUOTABLE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/; // printable ASCII but " and \

export function quickValuesYaml(values: object, schema: Schema, header: string): string | undefined {
  if (!isObject(values) || !Object.keys(values).length) return undefined;
  const out = [...header.split('\n').map((l) => `#${l}`), ''];
  try {
    writeMap(values, schema, schema, '', out, new Set(), true);
  } catch (e) {
    if (e === LEAVE) return undefined;
    throw e;
  }
  out.push('');
  return out.join('\n');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarText(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) throw LEAVE;
    return String(v);
  }
  if (typeof v !== 'string') throw LEAVE;
  if (helmReadsAsNonString(v)) {
    if (!QUOTABLE.test(v)) throw LEAVE;
    return `"${v}"`;
  }
  if (!PLAIN.test(v) || NOT_PLAIN.test(v)) throw LEAVE;
  return v;
}

const comments = new Map<string, string[]>();

/** wrap(text) as lines, worked out once per description. */
function commentLines(text: string): string[] {
  let lines = comments.get(text);
  if (!lines) comments.set(text, (lines = wrap(text).split('\n')));
  if (!lines.join('')) throw LEAVE;
  return lines;
}

function once(v: object, seen: Set<object>): void {
  if (seen.has(v)) throw LEAVE;
  seen.add(v);
}

/** `prefix` ("key:" or "-") followed by `value`, at indentation `ind`. */
function writeValue(prefix: string, value: unknown, schema: Schema | undefined, root: Schema, ind: string, out: string[], seen: Set<object>): void {
  if (Array.isArray(value)) {
    if (!value.length) return void out.push(`${ind}${prefix} []`);
    once(value, seen);
    const first = out.length;
    const inner = `${ind}  `;
    if (prefix !== '-') out.push(`${ind}${prefix}`);
    const items = itemsOf(root, schema);
    for (const item of value) writeValue('-', item, items, root, inner, out, seen);
    if (prefix === '-') out[first] = `${ind}- ${out[first].slice(inner.length)}`;
  } else if (isObject(value)) {
    if (!Object.keys(value).length) return void out.push(`${ind}${prefix} {}`);
    once(value, seen);
    const first = out.length;
    if (prefix !== '-') out.push(`${ind}${prefix}`);
    writeMap(value, schema, root, `${ind}  `, out, seen, false);
    if (prefix === '-') out[first] = `${ind}- ${out[first].slice(ind.length + 2)}`;
  } else out.push(`${ind}${prefix} ${scalarText(value)}`);
}

function writeMap(map: Record<string, unknown>, schema: Schema | undefined, root: Schema, ind: string, out: string[], seen: Set<object>, top: boolean): void {
  let first = true;
  for (const key of schemaKeyOrder(root, schema, map)) {
    if (top && !first) out.push('');
    first = false;
    const sub = propertyOf(root, schema, key);
    if (sub?.description) {
      const comment = commentLines(sub.description);
      for (const line of comment) out.push(`${ind}#${line}`);
    }
    if (!key || key.length > 1000) throw LEAVE;
    writeValue(`${scalarText(key)}:`, map[key], sub, root, ind, out, seen);
  }
}
