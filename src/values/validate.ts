import type { ErrorObject, ValidateFunction } from 'ajv';
import { ValidationError, ValidationIssue } from '../errors';
import { SCHEMA_TEXT } from '../generated/assets';
import packagedValidator from '../generated/values-validator';
import { shownValue } from '../inputs/grammar';
import AJV_OPTIONS from './ajv-options.json';
import { checkRules } from './rules';
import { checkSchemaShape, re2RegExp } from './schema-check';
import { formatPath, PathPart } from './tree';

interface Compiled {
  validate: ValidateFunction;
  source: string;
}

const compiled = new WeakMap<object, Compiled>();
let packagedSchema: string | undefined;

/**
 * The validator of a schema, compiled once. The packaged schema uses the validator
 * precompiled by `npm run gen`; another schema (a chart's own, maybe hostile) is
 * checked for shape first, then compiled with the same options and RE2 patterns.
 * Problems in the schema itself are ValidationErrors naming `source`.
 */
export function compileSchema(schema: object, source = 'values.schema.json'): ValidateFunction {
  const known = compiled.get(schema);
  if (known) return known.validate;
  packagedSchema ??= JSON.stringify(JSON.parse(SCHEMA_TEXT));
  let validate: ValidateFunction;
  if (sameJson(schema, packagedSchema)) validate = packagedValidator as ValidateFunction;
  else {
    checkSchemaShape(schema, source); // before anything recursive
    const Ajv = require('ajv').default; // loaded only when needed: it is slow to start
    try {
      const ajv = new Ajv({ ...AJV_OPTIONS, code: { regExp: re2RegExp } });
      ajv.removeKeyword('uniqueItems').addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', validate: uniqueItems });
      validate = ajv.compile(schema) as ValidateFunction;
    } catch (e) {
      throw schemaError(e, source);
    }
  }
  compiled.set(schema, { validate, source });
  return validate;
}

/** Whether `schema` serializes to `json`; a schema too deep to serialize is not it. */
function sameJson(schema: object, json: string): boolean {
  try {
    return JSON.stringify(schema) === json;
  } catch {
    return false; // RangeError: nested too deep for the stack
  }
}

/** JSON Schema's uniqueItems in linear time (ajv's own compares every pair of objects). */
function uniqueItems(unique: boolean, items: unknown[]): boolean {
  if (!unique) return true;
  const seen = new Set<string>();
  for (const item of items) {
    const key = canonical(item);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** A value as JSON with sorted keys: equal JSON values give equal strings. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function schemaError(e: unknown, source: string): ValidationError {
  const message =
    e instanceof RangeError
      ? 'refers to itself without end (a $ref cycle that never reaches a value) or is too large to compile'
      : `cannot be compiled: ${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300)}`;
  return new ValidationError([{ path: '#', message }], source);
}

/** Schema problems then cross-field rule problems, as key-path issues. */
export function valuesIssues(values: object, schema: object): ValidationIssue[] {
  const validate = compileSchema(schema);
  let valid: boolean;
  try {
    valid = validate(values) as boolean;
  } catch (e) {
    throw schemaError(e, compiled.get(schema)!.source);
  }
  if (!valid) return schemaIssues(validate.errors ?? [], values);
  return checkRules(values as Record<string, any>);
}

/** Throws one ValidationError listing every problem, or returns quietly. */
export function validateValues(values: object, schema: object, source = 'values'): void {
  const issues = valuesIssues(values, schema);
  if (issues.length) throw new ValidationError(issues, source);
}

// Friendly wording for the patterns the schema names in its definitions.
const PATTERN_HINTS: Record<string, string> = {
  quantity: 'must be a Kubernetes quantity such as 250m, 1, 0.5, 128Mi or 1Gi (not MB/GB)',
  integerString: 'must be a single whole number written as a string, e.g. "3"',
  dnsLabel: 'must be lowercase letters, digits and "-", starting and ending with a letter or digit (max 63)',
  labelKey: 'must be a label key such as disktype or topology.kubernetes.io/zone',
  httpPath: 'must be an HTTP path starting with "/"',
  envName: 'must be an environment variable name (letters, digits, "_", not starting with a digit)',
};

function schemaIssues(errors: ErrorObject[], values: object): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue; // the failing "then" branch is reported on its own
    const issue = toIssue(e, values);
    const key = `${issue.path}|${issue.message}`;
    if (!seen.has(key)) issues.push(issue), seen.add(key);
  }
  return issues;
}

/** A list for a message: at most `max` entries, then how many more. */
function listed(items: string[], max: number): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

const shownConst = (v: unknown) => (typeof v === 'string' ? shownValue(v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'a list' : 'a map') : String(v));

function toIssue(e: ErrorObject, values: object): ValidationIssue {
  const { parts, value } = locate(values, e.instancePath);
  const path = formatPath(parts);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as any)?.properties ?? {});
      return {
        path: formatPath([...parts, String(p.additionalProperty)]),
        message: `unknown key${allowed.length ? `; expected one of: ${listed(allowed, 40)}` : ''}`,
      };
    }
    case 'required':
      return { path: formatPath([...parts, String(p.missingProperty)]), message: 'is required' };
    case 'enum':
      return { path, value, message: `must be one of: ${listed((p.allowedValues as unknown[]).map(shownConst), 20)}` };
    case 'type':
      return { path, value, message: `must be ${[p.type].flat().join(' or ')}` };
    case 'pattern': {
      const def = /#\/definitions\/(\w+)/.exec(e.schemaPath)?.[1];
      return { path, value, message: (def && PATTERN_HINTS[def]) || `must match the pattern ${shownValue(String(p.pattern))}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, value, message: `must be ${p.comparison} ${p.limit}` };
    case 'not': {
      const required = (e.schema as { required?: unknown })?.required;
      const both = Array.isArray(required) && required.length > 1 ? `must not set ${listed(required.map(String), 10)} together` : undefined;
      return { path, value, message: both ?? 'must not match the schema under "not"' };
    }
    case 'uniqueItems':
      return { path, value, message: 'must not have duplicate items' };
    case 'minItems':
      return { path, value, message: `must have at least ${p.limit} item(s)` };
    case 'maxItems':
      return { path, value, message: `must have at most ${p.limit} item(s)` };
    default:
      return { path, value, message: (e.message ?? 'is invalid').slice(0, 200) };
  }
}

/** The key path (array indexes as numbers) and the value a JSON pointer names in `values`. */
function locate(values: object, pointer: string): { parts: PathPart[]; value: unknown } {
  const parts: PathPart[] = [];
  let node: any = values;
  for (const raw of pointer ? pointer.slice(1).split('/') : []) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    parts.push(Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg);
    node = typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, seg) ? node[seg] : undefined;
  }
  return { parts, value: node };
}
