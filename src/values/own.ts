// Values trees as plain objects that any key may name: "__proto__", "constructor"
// and "prototype" are ordinary keys here, never a way to an object's prototype.

export type ValuesObject = Record<string, unknown>;

export const isMap = (v: unknown): v is ValuesObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object's own value for `key` (never an inherited one such as Object.prototype). */
export function getOwn(obj: ValuesObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Sets an own, enumerable `key`; "__proto__" becomes a plain key, not a prototype change. */
export function setOwn(obj: ValuesObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
