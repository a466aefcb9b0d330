import { propertyOf, resolve, Schema } from '../schema/walk';

export interface ValueRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

/**
 * One row per documented value: leaves and free-form objects/lists, in schema
 * order; `default` is what this chart's values.yaml sets ("" when unset).
 */
export function valueRows(schema: Schema, values: object): ValueRow[] {
  const rows: ValueRow[] = [];
  const visit = (node: Schema, value: any, prefix: string) => {
    for (const key of Object.keys(resolve(schema, node)?.properties ?? {})) {
      const sub = propertyOf(schema, node, key)!;
      const path = prefix ? `${prefix}.${key}` : key;
      if (sub.properties && !sub.additionalProperties) visit(sub, value?.[key], path);
      else rows.push({ key: path, type: typeName(schema, sub), default: shown(value?.[key]), description: sub.description ?? '' });
    }
  };
  visit(schema, values, '');
  return rows;
}

function typeName(root: Schema, node: Schema): string {
  if (node.type) return [node.type].flat().join(' \\| ');
  const alts = (node.oneOf ?? node.anyOf) as Schema[] | undefined;
  if (alts) return alts.map((a) => typeName(root, resolve(root, a)!)).join(' \\| ');
  return 'any';
}

const shown = (v: unknown) => (v === undefined ? '' : '`' + JSON.stringify(v).replace(/\|/g, '\\|') + '`');
