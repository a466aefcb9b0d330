import { ExitCode, NotFoundError, UsageError } from '../errors';
import { readBounded } from '../files/read';
import { LIMITS } from './limits';
import { getOwn, isMap, setOwn, type ValuesObject } from './own';
import { parseValuesYaml } from './read-yaml';

export type { ValuesObject } from './own';
export { parseSet } from './set';

/**
 * Helm's merge: later layers win; objects merge key by key; arrays and scalars
 * replace; a `null` in a later layer deletes the key. Inputs are not modified.
 * Every key, "__proto__" included, is an ordinary own key of the result.
 */
export function mergeValues(...layers: ValuesObject[]): ValuesObject {
  const out: ValuesObject = {};
  for (const layer of layers) mergeInto(out, layer);
  return out;
}

/**
 * Helm's merge of a user's own layers (-f files, then --set, as `helm upgrade`
 * combines them): like mergeValues, except that a `null` is kept, so that it still
 * deletes the chart's default when the result is merged over the chart's values.
 */
export function mergeUserValues(...layers: ValuesObject[]): ValuesObject {
  const out: ValuesObject = {};
  for (const layer of layers) mergeInto(out, layer, true);
  return out;
}

function mergeInto(target: ValuesObject, layer: ValuesObject, keepNull = false): void {
  for (const key of Object.keys(layer)) {
    const value = layer[key];
    const current = getOwn(target, key);
    if (value === null) {
      if (keepNull) setOwn(target, key, null);
      else delete target[key];
    } else if (isMap(value) && isMap(current)) mergeInto(current, value, keepNull);
    else if (isMap(value)) setOwn(target, key, keepNull ? mergeUserValues(value) : mergeValues(value));
    else setOwn(target, key, Array.isArray(value) ? copyList(value) : value);
  }
}

/** A deep copy of a list of values; nulls stay, "__proto__" stays an own key. */
function copyList(list: unknown[]): unknown[] {
  return list.map(copyValue);
}

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return copyList(v);
  if (!isMap(v)) return v;
  const out: ValuesObject = {};
  for (const key of Object.keys(v)) setOwn(out, key, copyValue(v[key]));
  return out;
}

/** Reads `-f/--values` files: each a regular file of at most 16 MiB holding a YAML mapping. */
export function loadValuesFiles(paths: string[]): ValuesObject[] {
  return paths.map((file) => {
    let text: string;
    try {
      text = readBounded(file, { maxBytes: LIMITS.valuesFileBytes, field: '--values' });
    } catch (e) {
      if ((e as { exitCode?: number }).exitCode === ExitCode.notFound) {
        throw new NotFoundError(`--values: file ${file} does not exist`, 'check the path given to -f/--values');
      }
      throw e;
    }
    return parseValuesYaml(text, (problem) => new UsageError('--values', `${file} ${problem}`, "write it as YAML in the shape of the chart's values.yaml"));
  });
}
