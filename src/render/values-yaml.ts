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
// without escapes. Anything else is left to fullValuesYaml. A map or list met twice is
// written twice, as fullValuesYaml does (inSchemaOrder copies each, so yaml makes no alias).

const LEAVE = Symbol('leave to fullValuesYaml');
// Plain as the yaml package writes it: no indicator first, no ": ", " #", trailing ":" or space.
const PLAIN = /^[A-Za-z0-9_/][\x20-\x7e]*$/;
const NOT_PLAIN = /: | #|[: ]$/;
const QUOTABLE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/; // printable ASCII but " and \

export function quickValuesYaml(values: object, schema: Schema, header: string): string | undefined {
  if (!isObject(values) || !Object.keys(values).length) return undefined;
  const lines = new Lines(schema);
  for (const l of header.split('\n')) lines.out.push(`#${l}`, '\n');
  lines.out.push('\n');
  try {
    lines.map('', values, schema, true);
  } catch (e) {
    if (e === LEAVE) return undefined;
    throw e;
  }
  return lines.out.join('');
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

const wrapped = new Map<string, string[]>();

/** wrap(text) as lines, worked out once per description. */
function commentLines(text: string): string[] {
  let lines = wrapped.get(text);
  if (!lines) wrapped.set(text, (lines = wrap(text).split('\n')));
  if (!lines[0]) throw LEAVE; // no words: yaml writes no comment
  return lines;
}

const indents: string[] = [];
/** Indentation two spaces deeper than `ind`. */
const deeper = (ind: string) => (indents[ind.length + 2] ??= ' '.repeat(ind.length + 2));

/** values.yaml in pieces; a list item's "- " goes before the first line of its map or list. */
class Lines {
  readonly out: string[] = []; // joined without separators
  private lead: string | undefined; // replaces the indentation of the next line
  private readonly keys = new Map<string, string>();
  private readonly comments = new Map<string, string[]>(); // by description, then indentation

  constructor(private readonly root: Schema) {}

  /** A line: `ind` (or the pending lead), then the texts. */
  line(ind: string, a: string, b = '', c = ''): void {
    this.out.push(this.lead ?? ind, a, b, c, '\n');
    this.lead = undefined;
  }

  /** `prefix` ("key:" or "-") followed by `value`, at indentation `ind`. */
  value(ind: string, prefix: string, value: unknown, schema: Schema | undefined): void {
    const item = prefix === '-';
    if (Array.isArray(value)) {
      if (!value.length) return this.line(ind, prefix, ' []');
      if (item) this.lead = `${this.lead ?? ind}- `;
      else this.line(ind, prefix);
      const inner = deeper(ind);
      const items = itemsOf(this.root, schema);
      for (const v of value) this.value(inner, '-', v, items);
    } else if (isObject(value)) {
      if (!Object.keys(value).length) return this.line(ind, prefix, ' {}');
      if (item) this.lead = `${this.lead ?? ind}- `;
      else this.line(ind, prefix);
      this.map(deeper(ind), value, schema, false);
    } else this.line(ind, prefix, ' ', scalarText(value));
  }

  map(ind: string, map: Record<string, unknown>, schema: Schema | undefined, top: boolean): void {
    let first = true;
    for (const key of schemaKeyOrder(this.root, schema, map)) {
      if (top && !first) this.out.push('\n');
      first = false;
      const sub = propertyOf(this.root, schema, key);
      if (sub?.description) this.comment(ind, sub.description);
      this.value(ind, this.key(key), map[key], sub);
    }
  }

  /** The description as "#" lines, each block worked out once per indentation. */
  private comment(ind: string, description: string): void {
    const lines = commentLines(description);
    if (this.lead !== undefined) return lines.forEach((l) => this.line(ind, '#', l));
    let blocks = this.comments.get(description);
    if (!blocks) this.comments.set(description, (blocks = []));
    this.out.push((blocks[ind.length] ??= lines.map((l) => `${ind}#${l}\n`).join('')));
  }

  private key(key: string): string {
    let text = this.keys.get(key);
    if (text === undefined) {
      if (!key || key.length > 1000) throw LEAVE;
      this.keys.set(key, (text = `${scalarText(key)}:`));
    }
    return text;
  }

}
