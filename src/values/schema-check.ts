// A chart's values.schema.json comes from whoever wrote the chart. Before it is
// compiled: its depth is checked (iteratively), and every pattern is compiled by
// RE2, the linear-time engine of Go's regexp that Helm validates with, so a
// pattern Helm cannot use (lookahead, backreference) is named here, and none can
// backtrack for minutes.
import { RE2JS } from 're2js';
import { ValidationError, ValidationIssue } from '../errors';
import { shownValue } from '../inputs/grammar';
import { LIMITS } from './limits';

// Keywords whose value is a schema, a list of schemas, or a map of schemas.
const ONE = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'if', 'then', 'else', 'not', 'unevaluatedProperties', 'unevaluatedItems']);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const MAP = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas']);

type Kind = 'schema' | 'list' | 'map' | 'data';

interface Visit {
  value: unknown;
  kind: Kind;
  depth: number;
  key: string;
  parent: Visit | null;
}

const compiled = new Map<string, RE2JS>();

/** The pattern compiled by RE2 (cached); throws RE2's syntax error. */
export function re2(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = RE2JS.compile(pattern)));
  return re;
}

/** ajv's `code.regExp`: patterns run by RE2 with Go's semantics, in linear time. */
export const re2RegExp = Object.assign(
  (pattern: string) => {
    const re = re2(pattern);
    return { test: (s: string) => re.test(s), toString: () => pattern }; // ajv keys compiled patterns by toString
  },
  { code: 're2js' },
);

function pointer(v: Visit): string {
  const parts: string[] = [];
  for (let n: Visit | null = v; n && n.parent; n = n.parent) parts.push(n.key.replace(/~/g, '~0').replace(/\//g, '~1'));
  const p = `#/${parts.reverse().join('/')}`;
  return p.length > 120 ? `${p.slice(0, 117)}...` : p;
}

/**
 * Throws a ValidationError naming `source` and the schema location when the
 * schema is not an object, nests deeper than the limit, or holds a pattern RE2
 * cannot compile.
 */
export function checkSchemaShape(schema: unknown, source: string): void {
  if (typeof schema === 'boolean') return;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new ValidationError([{ path: '#', message: 'must be a JSON Schema object' }], source);
  }
  const issues: ValidationIssue[] = [];
  const stack: Visit[] = [{ value: schema, kind: 'schema', depth: 0, key: '', parent: null }];
  while (stack.length && issues.length < 20) {
    const v = stack.pop()!;
    if (typeof v.value !== 'object' || v.value === null) continue;
    if (v.depth >= LIMITS.schemaDepth) {
      throw new ValidationError([{ path: pointer(v), message: `nests objects and arrays more than ${LIMITS.schemaDepth} levels deep; a chart schema this deep is refused` }], source);
    }
    const push = (value: unknown, kind: Kind, key: string) => stack.push({ value, kind, depth: v.depth + 1, key, parent: v });
    if (Array.isArray(v.value)) {
      v.value.forEach((item, i) => push(item, v.kind === 'list' ? 'schema' : 'data', String(i)));
      continue;
    }
    for (const [key, value] of Object.entries(v.value)) {
      if (v.kind === 'map') push(value, 'schema', key);
      else if (v.kind !== 'schema') push(value, 'data', key);
      else if (key === 'pattern' && typeof value === 'string') patternIssue(value, { value, kind: 'data', depth: v.depth + 1, key, parent: v }, issues);
      else if (key === 'items' && Array.isArray(value)) push(value, 'list', key);
      else if (ONE.has(key)) push(value, 'schema', key);
      else if (LIST.has(key)) push(value, 'list', key);
      else if (MAP.has(key)) {
        if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
          for (const p of Object.keys(value)) patternIssue(p, { value: p, kind: 'data', depth: v.depth + 2, key: p, parent: { value, kind: 'map', depth: v.depth + 1, key, parent: v } }, issues);
        }
        push(value, 'map', key);
      } else push(value, 'data', key);
    }
  }
  if (issues.length) throw new ValidationError(issues, source);
}

function patternIssue(pattern: string, at: Visit, issues: ValidationIssue[]): void {
  try {
    re2(pattern);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    issues.push({ path: pointer(at), message: `pattern ${shownValue(pattern)} is not valid in Go's RE2 syntax, which Helm validates with (${why.slice(0, 120)}); rewrite it without lookaround or backreferences` });
  }
}
