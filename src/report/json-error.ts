// The JSON error contract: with --json, a failing command prints one object on
// stdout, {"error": {code, exitCode, message, suggestion, issues}}, so a pipeline
// reads failure the way it reads success. `code` is the stable name of the exit code.
import { ExitCode, GoserviceError, shownIssueValue, UsageError, ValidationError } from '../errors';

export interface JsonIssue {
  path: string; // the key path or flag at fault
  message: string; // what is expected
  got?: string; // the offending value, only where it is safe to show
}

export interface JsonError {
  error: { code: string; exitCode: number; message: string; suggestion?: string; issues: JsonIssue[]; diagnosis?: unknown };
}

const CODE_NAMES = new Map<number, string>(Object.entries(ExitCode).map(([name, code]) => [code, name]));

/** The stable name of an exit code: usage, validation, conflict, notFound, failed, filesystem, interrupted. */
export function exitCodeName(exitCode: number): string {
  return CODE_NAMES.get(exitCode) ?? 'failed'; // a child's own exit code passed through
}

/** The error object for a typed error, or for an oclif parse error (exit 2) or anything else. */
export function jsonError(err: Error & { oclif?: { exit?: number } }): JsonError {
  if (err instanceof GoserviceError) {
    // A failed rollout also carries its diagnosis (release/diagnose.ts DiagnosedError).
    const diagnosis = (err as { diagnosis?: unknown }).diagnosis;
    return { error: { code: exitCodeName(err.exitCode), exitCode: err.exitCode, message: err.message, suggestion: err.suggestion, issues: issuesOf(err), ...(diagnosis === undefined ? {} : { diagnosis }) } };
  }
  const exitCode = err.oclif?.exit ?? 1;
  const code = exitCode === ExitCode.usage ? 'usage' : 'internal';
  return { error: { code, exitCode, message: err.message, suggestion: exitCode === ExitCode.usage ? 'see --help' : undefined, issues: [] } };
}

function issuesOf(err: GoserviceError): JsonIssue[] {
  if (err instanceof ValidationError) {
    return err.issues.map((i) => {
      const shown = shownIssueValue(i).match(/^ \(got (.*)\)$/s)?.[1];
      return { path: i.path || '(root)', message: i.message, ...(shown === undefined || shown.includes('not shown') ? {} : { got: shown }) };
    });
  }
  if (err instanceof UsageError) return [{ path: err.field, message: err.message.slice(err.field.length + 2) }];
  return [];
}
