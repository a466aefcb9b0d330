// Reading the values schema: local $refs, property lookup, defaults.

export type Schema = Record<string, any>;

/**
 * Follows a local `#/definitions/...` $ref (the schema has no remote refs) and
 * folds `allOf` parts in, so a wrapped definition shows its properties.
 */
export function resolve(root: Schema, node: Schema | undefined): Schema | undefined {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    n = n.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((acc: any, key: string) => acc?.[key], root);
  }
  if (!Array.isArray(n?.allOf)) return n;
  const { allOf, ...own } = n!;
  return Object.assign({}, ...allOf.map((part: Schema) => resolve(root, part)), own);
}

/** The schema of `key` inside an object schema, if it declares one. */
export function propertyOf(root: Schema, node: Schema | undefined, key: string): Schema | undefined {
  return resolve(root, resolve(root, node)?.properties?.[key]);
}

/** The schema of the items of an array schema. */
export function itemsOf(root: Schema, node: Schema | undefined): Schema | undefined {
  return resolve(root, resolve(root, node)?.items);
}

/** The values the schema's `default`s describe, nested objects included. */
export function schemaDefaults(root: Schema, node: Schema = root): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(resolve(root, node)?.properties ?? {})) {
    const sub = propertyOf(root, node, key)!;
    if (sub.default !== undefined) out[key] = structuredClone(sub.default);
    else if (sub.properties) {
      const nested = schemaDefaults(root, sub);
      if (Object.keys(nested).length) out[key] = nested;
    }
  }
  return out;
}

/** Reorders an object's keys as the schema lists them (unknown keys last). */
export function inSchemaOrder(root: Schema, node: Schema | undefined, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => inSchemaOrder(root, itemsOf(root, node), v));
  if (typeof value !== 'object' || value === null) return value;
  const declared = Object.keys(resolve(root, node)?.properties ?? {});
  const keys = [...declared.filter((k) => k in value), ...Object.keys(value).filter((k) => !declared.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, inSchemaOrder(root, propertyOf(root, node, k), (value as any)[k])]));
}
