// A chart's values.schema.json comes from whoever wrote the chart. Before it is
// compiled: its depth is checked (iteratively), and every pattern is compiled by
// RE2, the linear-time engine of Go's regexp that Helm validates with, so a
// pattern Helm cannot use (lookahead, backreference) is named here, and none can
// backtrack for minutes.
import type { RE2JS } from 're2js';
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
  if (!re) {
    const engine: typeof RE2JS = require('re2js').RE2JS; // loaded only for a chart's own schema: it is slow to start
    compiled.set(pattern, (re = engine.compile(pattern)));
  }
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
  const cost = expansion(schema);
  if (cost === 'endless') {
    throw new ValidationError([{ path: '#', message: 'refers to itself without end: a $ref cycle (through allOf, anyOf, oneOf, not, if/then/else) that never moves into a property or item' }], source);
  }
  if (cost > LIMITS.schemaChecks) {
    throw new ValidationError([{ path: '#', message: `expands to more than ${LIMITS.schemaChecks} subschema checks (e.g. $refs that fan out level after level); a chart schema this costly is refused` }], source);
  }
}

type Edge = [object, boolean]; // a subschema, and whether it applies to a child value (a property or item)

const IN_PLACE_ONE = new Set(['not', 'if', 'then', 'else']);
const IN_PLACE_LIST = new Set(['allOf', 'anyOf', 'oneOf']);
const IN_PLACE_MAP = new Set(['dependencies', 'dependentSchemas']);
const CHILD_ONE = new Set(['additionalProperties', 'additionalItems', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'items']);
const CHILD_LIST = new Set(['prefixItems', 'items']);
const CHILD_MAP = new Set(['properties', 'patternProperties']);

/** The subschemas of a schema object, local $refs followed. */
function edgesOf(root: object, node: Record<string, unknown>): Edge[] {
  const out: Edge[] = [];
  const add = (v: unknown, child: boolean) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push([v, child]);
  };
  for (const [key, v] of Object.entries(node)) {
    if (key === '$ref' && typeof v === 'string') add(resolveRef(root, v), false);
    else if (IN_PLACE_ONE.has(key)) add(v, false);
    else if (IN_PLACE_LIST.has(key) && Array.isArray(v)) v.forEach((x) => add(x, false));
    else if (IN_PLACE_MAP.has(key) && typeof v === 'object' && v) Object.values(v).forEach((x) => add(x, false));
    else if (CHILD_LIST.has(key) && Array.isArray(v)) v.forEach((x) => add(x, true));
    else if (CHILD_ONE.has(key)) add(v, true);
    else if (CHILD_MAP.has(key) && typeof v === 'object' && v) Object.values(v).forEach((x) => add(x, true));
  }
  return out;
}

/** The target of a local $ref ("#" or "#/a/b"), if there is one. */
function resolveRef(root: object, ref: string): unknown {
  if (ref !== '#' && !ref.startsWith('#/')) return undefined; // not local: ajv reports it
  let node: unknown = root;
  for (const raw of ref === '#' ? [] : ref.slice(2).split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

interface Frame {
  node: object;
  descents: number; // child edges taken from the root to here
  edges: Edge[];
  next: number;
  cost: number;
}

/**
 * How many subschema checks one value can cost, with $refs expanded: a cycle that
 * moves into a property or item is counted once (its cost follows the data, which
 * is bounded), a cycle that stays on the same value is 'endless'. Iterative.
 */
function expansion(root: object): number | 'endless' {
  const memo = new Map<object, number>();
  const open = new Map<object, number>(); // nodes on the current path -> their descents
  const stack: Frame[] = [{ node: root, descents: 0, edges: edgesOf(root, root as Record<string, unknown>), next: 0, cost: 1 }];
  open.set(root, 0);
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.next < f.edges.length) {
      const [child, intoChild] = f.edges[f.next++];
      const descents = f.descents + (intoChild ? 1 : 0);
      const known = memo.get(child);
      if (known !== undefined) f.cost += known;
      else if (open.has(child)) {
        if (open.get(child) === descents) return 'endless';
        f.cost += 1;
      } else {
        open.set(child, descents);
        stack.push({ node: child, descents, edges: edgesOf(root, child as Record<string, unknown>), next: 0, cost: 1 });
      }
      continue;
    }
    stack.pop();
    open.delete(f.node);
    memo.set(f.node, f.cost);
    if (f.cost > LIMITS.schemaChecks) return f.cost;
    if (stack.length) stack[stack.length - 1].cost += f.cost;
  }
  return memo.get(root) ?? 1;
}

function patternIssue(pattern: string, at: Visit, issues: ValidationIssue[]): void {
  try {
    re2(pattern);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    issues.push({ path: pointer(at), message: `pattern ${shownValue(pattern)} is not valid in Go's RE2 syntax, which Helm validates with (${why.slice(0, 120)}); rewrite it without lookaround or backreferences` });
  }
}
