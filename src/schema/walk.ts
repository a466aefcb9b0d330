// Reading the values schema: local $refs, property lookup, defaults.

export type Schema = Record<string, any>;

const resolved = new WeakMap<Schema, Schema | undefined>();

/**
 * Follows a local `#/definitions/...` $ref (the schema has no remote refs) and
 * folds `allOf` parts in, so a wrapped definition shows its properties. Results
 * are kept per node (schemas are not modified), as rendering asks once per value;
 * a $ref cycle resolves to nothing.
 */
export function resolve(root: Schema, node: Schema | undefined): Schema | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (resolved.has(node)) return resolved.get(node);
  let n: Schema | undefined = node;
  for (let hops = 0; n && typeof n.$ref === 'string'; hops++) {
    n = hops > 64 ? undefined : n.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((acc: any, key: string) => (acc && Object.prototype.hasOwnProperty.call(acc, key) ? acc[key] : undefined), root);
  }
  let out = n;
  if (Array.isArray(n?.allOf)) {
    const { allOf, ...own } = n!;
    out = Object.assign({}, ...allOf.map((part: Schema) => resolve(root, part)), own);
  }
  resolved.set(node, out);
  return out;
}

/** The schema of `key` inside an object schema, if it declares one (own properties only: "__proto__" is a key). */
export function propertyOf(root: Schema, node: Schema | undefined, key: string): Schema | undefined {
  const properties = resolve(root, node)?.properties;
  return properties && Object.prototype.hasOwnProperty.call(properties, key) ? resolve(root, properties[key]) : undefined;
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
  return Object.fromEntries(schemaKeyOrder(root, node, value).map((k) => [k, inSchemaOrder(root, propertyOf(root, node, k), (value as any)[k])]));
}

const declaredByNode = new WeakMap<Schema, string[]>();

/** The property names an object schema declares, in order (kept per node). */
function declaredKeys(root: Schema, node: Schema | undefined): string[] {
  const n = resolve(root, node);
  if (!n) return [];
  let keys = declaredByNode.get(n);
  if (!keys) declaredByNode.set(n, (keys = Object.keys(n.properties ?? {})));
  return keys;
}

/** An object's keys as the schema lists them (unknown keys last). */
export function schemaKeyOrder(root: Schema, node: Schema | undefined, value: object): string[] {
  const declared = declaredKeys(root, node);
  const own = Object.keys(value);
  if (!declared.length) return own;
  const keys: string[] = [];
  for (const k of declared) if (k in value) keys.push(k);
  for (const k of own) if (!declared.includes(k)) keys.push(k);
  return keys;
}
