import type { ErrorObject, ValidateFunction } from 'ajv';
import { ValidationError, ValidationIssue } from '../errors';
import { SCHEMA_TEXT } from '../generated/assets';
import packagedValidator from '../generated/values-validator';
import AJV_OPTIONS from './ajv-options.json';
import { checkRules } from './rules';

const compiled = new WeakMap<object, ValidateFunction>();
let packagedSchema: string | undefined;

/**
 * The packaged schema uses the validator precompiled by `npm run gen`; another
 * schema (a chart edited by its user) is compiled here with the same options.
 */
function compile(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    packagedSchema ??= JSON.stringify(JSON.parse(SCHEMA_TEXT));
    if (JSON.stringify(schema) === packagedSchema) fn = packagedValidator as ValidateFunction;
    else {
      const Ajv = require('ajv').default; // loaded only when needed: it is slow to start
      fn = new Ajv(AJV_OPTIONS).compile(schema) as ValidateFunction;
    }
    compiled.set(schema, fn);
  }
  return fn;
}

/** Schema problems then cross-field rule problems, as key-path issues. */
export function valuesIssues(values: object, schema: object): ValidationIssue[] {
  const validate = compile(schema);
  if (!validate(values)) return schemaIssues(validate.errors ?? [], values);
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

function toIssue(e: ErrorObject, values: object): ValidationIssue {
  const path = pointerToPath(e.instancePath);
  const value = valueAt(values, e.instancePath);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as any)?.properties ?? {});
      return {
        path: join(path, p.additionalProperty),
        message: `unknown key${allowed.length ? `; expected one of: ${allowed.join(', ')}` : ''}`,
      };
    }
    case 'required':
      return { path: join(path, p.missingProperty), message: 'is required' };
    case 'enum':
      return { path, value, message: `must be one of: ${p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { path, value, message: `must be ${[p.type].flat().join(' or ')}` };
    case 'pattern': {
      const def = /#\/definitions\/(\w+)/.exec(e.schemaPath)?.[1];
      return { path, value, message: (def && PATTERN_HINTS[def]) || `must match ${p.pattern}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, value, message: `must be ${p.comparison} ${p.limit}` };
    case 'minItems':
      return { path, value, message: `must have at least ${p.limit} item(s)` };
    case 'maxItems':
      return { path, value, message: `must have at most ${p.limit} item(s)` };
    default:
      return { path, value, message: e.message ?? 'is invalid' };
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i ? `.${s}` : s))
    .join('');
}

function valueAt(root: unknown, pointer: string): unknown {
  let node: any = root;
  for (const seg of pointer.split('/').slice(1)) node = node?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}
