// Typed errors thrown by the core. The base command turns each into one message
// (what is wrong, where, how to fix it) and a stable exit code.
import { shownValue } from './inputs/grammar';

export const ExitCode = {
  usage: 2, // a bad flag, argument or value: nothing was changed
  validation: 3, // values or a chart that fail the schema or a cross-field rule
  conflict: 4, // a target exists (use --force) or a release operation is in progress
  notFound: 5, // a file, chart, release or namespace that does not exist
  failed: 6, // an operation ran and failed (e.g. an upgrade rolled back)
  filesystem: 7, // a file or directory could not be read or written (permissions, disk full, ...)
  interrupted: 130, // stopped by SIGINT/SIGTERM after cleaning up (128 + SIGINT)
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

/** Values that break the schema or a cross-field rule; lists every problem found (the first 50 in the message). */
export class ValidationError extends GoserviceError {
  constructor(readonly issues: ValidationIssue[], readonly source = 'values', suggestion = 'fix the listed keys (see the chart README or values.schema.json) and run again') {
    super(
      `invalid ${source}:\n` +
        issues
          .slice(0, MAX_LISTED)
          .map((i) => `  - ${formatIssue(i)}`)
          .concat(issues.length > MAX_LISTED ? [`  - ... and ${issues.length - MAX_LISTED} more`] : [])
          .join('\n'),
      ExitCode.validation,
      suggestion,
    );
  }
}

const MAX_LISTED = 50;

/** One issue for a message: the key path, what is expected, and the value where it is safe to show. */
export function formatIssue(i: ValidationIssue): string {
  return `${i.path || '(root)'}: ${i.message}${shownIssueValue(i)}`;
}

// Keys whose values may be secret; everything under env is treated alike.
export const SECRET_KEY = /pass(word|wd|phrase)?|token|secret|key|credential|auth/i;

/**
 * " (got ...)" for an issue: lists and maps by their kind only (they may hold
 * anything), scalars under secret-like keys or under env by their type only,
 * long strings cut.
 */
export function shownIssueValue(i: ValidationIssue): string {
  const v = i.value;
  if (v === undefined) return '';
  if (v === null) return ' (got null)';
  if (Array.isArray(v)) return ` (got a list of ${v.length} item${v.length === 1 ? '' : 's'})`;
  if (typeof v === 'object') return ' (got a map)';
  const segments = i.path.split(/[.[\]\s]+/);
  if (segments.some((s) => s === 'env' || SECRET_KEY.test(s))) return ` (got a ${typeof v}, not shown: it may be secret)`;
  return ` (got ${typeof v === 'string' ? shownValue(v) : String(v)})`;
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

/** Stopped by SIGINT/SIGTERM; the message says what state things were left in. */
export class InterruptedError extends GoserviceError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.interrupted, suggestion);
  }
}

/** A file or directory that cannot be read or written; names the path, the cause and a fix. */
export class FileSystemError extends GoserviceError {
  constructor(readonly path: string, message: string, suggestion?: string, exitCode: number = ExitCode.filesystem) {
    super(`${path}: ${message}`, exitCode, suggestion);
  }
}

// errno -> [what happened, how to fix it, exit code]
const ERRNO: Record<string, [string, string, number]> = {
  ENOENT: ['does not exist', 'check the path', ExitCode.notFound],
  EACCES: ['permission denied', 'check the owner and mode of the path (ls -ld), or run as a user who may write there', ExitCode.filesystem],
  EPERM: ['operation not permitted', 'check the owner, mode and attributes of the path (ls -ld, lsattr)', ExitCode.filesystem],
  EROFS: ['is on a read-only file system', 'run where the module is writable', ExitCode.filesystem],
  ENOSPC: ['no space left on the device', 'free some space (df -h) and run again', ExitCode.filesystem],
  EDQUOT: ['disk quota exceeded', 'free some space and run again', ExitCode.filesystem],
  EXDEV: ['cannot be moved across file systems', 'keep the path on the same file system as the module', ExitCode.filesystem],
  EISDIR: ['is a directory where a file is needed', 'remove or rename the directory', ExitCode.conflict],
  ENOTDIR: ['has a file where a directory is needed', 'remove or rename the file in the way', ExitCode.conflict],
  EEXIST: ['already exists', 'remove it, or run again with --force', ExitCode.conflict],
  ENOTEMPTY: ['is a directory that is not empty', 'remove or rename it', ExitCode.conflict],
  ELOOP: ['has too many levels of symbolic links', 'fix the link', ExitCode.filesystem],
  ENAMETOOLONG: ['is too long a name', 'use a shorter path', ExitCode.usage],
  EMFILE: ['too many open files', 'raise the limit (ulimit -n) and run again', ExitCode.filesystem],
  EBUSY: ['is busy', 'close what uses it and run again', ExitCode.filesystem],
  EIO: ['input/output error', 'check the disk', ExitCode.filesystem],
};

/**
 * A Node file-system error (EACCES, EXDEV, ...) as a FileSystemError naming the
 * path and what was being done; anything else is returned unchanged.
 */
export function fsError(err: unknown, path: string, doing: string): Error {
  if (err instanceof GoserviceError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const known = code ? ERRNO[code] : undefined;
  if (!known) return err instanceof Error ? err : new Error(String(err));
  const [what, fix, exit] = known;
  return new FileSystemError(path, `cannot ${doing}: ${what} (${code})`, fix, exit);
}
