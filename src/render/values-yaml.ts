import { Document, isMap, isScalar, isSeq, Node } from 'yaml';
import { inSchemaOrder, itemsOf, propertyOf, Schema } from '../schema/walk';
import { helmYamlText } from './helm-yaml';

/**
 * values.yaml: the chart's values in schema order, each key preceded by the
 * schema's description as a comment, top-level keys separated by a blank line;
 * written for Helm's YAML 1.1 reader (src/render/helm-yaml.ts).
 */
export function renderValuesYaml(values: object, schema: Schema, header: string): string {
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
