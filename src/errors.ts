// Typed errors thrown by the core. The base command turns each into one message
// (what is wrong, where, how to fix it) and a stable exit code.

export const ExitCode = {
  usage: 2, // a bad flag, argument or value: nothing was changed
  validation: 3, // values or a chart that fail the schema or a cross-field rule
  conflict: 4, // a target exists (use --force) or a release operation is in progress
  notFound: 5, // a file, chart, release or namespace that does not exist
  failed: 6, // an operation ran and failed (e.g. an upgrade rolled back)
} as const;

export class GoserviceError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag, argument or input that cannot be used; `field` names it. */
export class UsageError extends GoserviceError {
  constructor(readonly field: string, message: string, suggestion?: string) {
    super(`${field}: ${message}`, ExitCode.usage, suggestion);
  }
}

export interface ValidationIssue {
  path: string; // dotted key path, e.g. resources.limits.memory
  value?: unknown; // the offending value, when there is one
  message: string; // what is expected
}

/** Values that break the schema or a cross-field rule; lists every problem found. */
export class ValidationError extends GoserviceError {
  constructor(readonly issues: ValidationIssue[], readonly source = 'values') {
    super(
      `invalid ${source}:\n` + issues.map((i) => `  - ${formatIssue(i)}`).join('\n'),
      ExitCode.validation,
      'fix the listed keys (see the chart README or values.schema.json) and run again',
    );
  }
}

export function formatIssue(i: ValidationIssue): string {
  const shown = i.value === undefined ? '' : ` (got ${JSON.stringify(i.value)})`;
  return `${i.path || '(root)'}: ${i.message}${shown}`;
}

export class NotFoundError extends GoserviceError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.notFound, suggestion);
  }
}

export class ConflictError extends GoserviceError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.conflict, suggestion);
  }
}

/** An external operation ran and failed; `exitCode` may be the child's own. */
export class OperationError extends GoserviceError {
  constructor(message: string, suggestion?: string, exitCode: number = ExitCode.failed) {
    super(message, exitCode, suggestion);
  }
}
