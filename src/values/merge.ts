import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { NotFoundError, UsageError } from '../errors';

export type ValuesObject = Record<string, unknown>;

const isObject = (v: unknown): v is ValuesObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Helm's merge: later layers win; objects merge key by key; arrays and scalars
 * replace; a `null` in a later layer deletes the key. Inputs are not modified.
 */
export function mergeValues(...layers: ValuesObject[]): ValuesObject {
  const out: ValuesObject = {};
  for (const layer of layers) mergeInto(out, layer);
  return out;
}

function mergeInto(target: ValuesObject, layer: ValuesObject): void {
  for (const [key, value] of Object.entries(layer)) {
    if (value === null) delete target[key];
    else if (isObject(value) && isObject(target[key])) mergeInto(target[key] as ValuesObject, value);
    else if (isObject(value)) target[key] = mergeValues(value);
    else target[key] = Array.isArray(value) ? structuredClone(value) : value;
  }
}

/** Parses YAML that must be a mapping (empty text is {}); `fail` makes the caller's error. */
export function parseMapping(text: string, fail: (problem: string) => Error): ValuesObject {
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (e) {
    throw fail(`not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw fail(`must be a YAML mapping of values (got ${Array.isArray(doc) ? 'a list' : typeof doc})`);
  return doc;
}

/** Reads `-f/--values` files: each must hold a YAML mapping. */
export function loadValuesFiles(paths: string[]): ValuesObject[] {
  return paths.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new NotFoundError(`--values: file ${file} does not exist or cannot be read`, 'check the path given to -f/--values');
    }
    return parseMapping(text, (problem) => new UsageError('--values', `${file} ${problem}`, 'write it as YAML in the shape of the chart\'s values.yaml'));
  });
}

/**
 * Parses Helm `--set` arguments (`a.b=1,c[0].d=x`, `list={a,b}`, `\.` and `\,`
 * escapes). Like Helm: true/false become booleans, null deletes, whole numbers
 * become integers, everything else stays a string.
 */
export function parseSet(args: string[]): ValuesObject {
  const out: ValuesObject = {};
  for (const arg of args) {
    for (const pair of splitUnescaped(arg, ',', true)) {
      const eq = indexUnescaped(pair, '=');
      if (eq < 0) throw new UsageError('--set', `"${pair}" is not key=value`, 'write --set key.path=value, e.g. --set image.tag=1.2.3');
      setPath(out, parsePath(pair.slice(0, eq), pair), typedValue(pair.slice(eq + 1)));
    }
  }
  return out;
}

type PathPart = string | number;

function parsePath(key: string, pair: string): PathPart[] {
  const parts: PathPart[] = [];
  for (const seg of splitUnescaped(key, '.', false)) {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(seg)!;
    if (!m[1]) throw new UsageError('--set', `"${pair}" has an empty key segment`, 'write --set key.path=value');
    parts.push(m[1].replace(/\\(.)/g, '$1'));
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
  }
  return parts;
}

function setPath(root: ValuesObject, path: PathPart[], value: unknown): void {
  let node: any = root;
  path.forEach((part, i) => {
    const last = i === path.length - 1;
    if (last) {
      node[part] = value;
      return;
    }
    const nextIsIndex = typeof path[i + 1] === 'number';
    if (node[part] === undefined || node[part] === null || typeof node[part] !== 'object') node[part] = nextIsIndex ? [] : {};
    node = node[part];
  });
}

function typedValue(raw: string): unknown {
  const v = raw.replace(/\\(.)/g, '$1');
  if (raw.startsWith('{') && raw.endsWith('}')) return splitUnescaped(raw.slice(1, -1), ',', false).filter((s) => s !== '').map(typedValue);
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (/^(0|-?[1-9]\d{0,17})$/.test(v)) return Number(v);
  return v;
}

/** Splits on `sep` where it is not escaped (and, when asked, not inside `{...}`). */
function splitUnescaped(s: string, sep: string, respectBraces: boolean): string[] {
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (respectBraces && c === '{') depth++;
    if (respectBraces && c === '}') depth = Math.max(0, depth - 1);
    if (c === sep && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function indexUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}
