// Maps Helm's error texts (the same on Helm 3 and Helm 4; matched without regard
// to case) to typed errors. Anything unrecognised becomes a HelmError: exit 6,
// Helm's own error text and warnings, and the ProcessError kept as `cause`.
import { ConflictError, GoserviceError, InterruptedError, NotFoundError, OperationError, ValidationError, ValidationIssue } from '../errors';
import { ProcessError } from '../process/run';

export interface HelmErrorContext {
  verb: string; // e.g. upgrade, history, rollback
  release?: string;
  namespace: string;
}

/** What Helm printed when it failed: its error text, and the warning lines before it. */
export interface HelmOutput {
  reason: string; // the text after Helm's last "Error: ", lines joined with "; "
  warnings: string[]; // e.g. Kubernetes API warnings (PodSecurity), deduplicated
}

/** A Helm verb that ran and failed (exit 6), told with Helm's reason and warnings. */
export class HelmError extends OperationError implements HelmOutput {
  readonly verb: string;
  readonly reason: string;
  readonly warnings: string[];
  readonly unreachable: boolean; // Helm could not reach the cluster: nothing was attempted
  constructor(readonly cause: ProcessError, ctx: HelmErrorContext, out: HelmOutput, unreachable = false) {
    const what = `helm ${ctx.verb}${ctx.release ? ` of release "${ctx.release}"` : ''} in namespace "${ctx.namespace}"`;
    super(
      unreachable ? `${what} was not attempted: the Kubernetes cluster is unreachable (${out.reason})` : `${what} failed: ${out.reason}${withWarnings(out.warnings)}`,
      unreachable ? 'check KUBECONFIG and the context (helm --kube-context, HELM_KUBECONTEXT), then run again; nothing was changed' : undefined,
    );
    this.verb = ctx.verb;
    this.reason = out.reason;
    this.warnings = out.warnings;
    this.unreachable = unreachable;
  }
}

/** A Helm verb stopped by a forwarded SIGINT/SIGTERM (exit 130); the caller tells the state it left. */
export class HelmInterrupted extends InterruptedError implements HelmOutput {
  readonly reason: string;
  readonly warnings: string[];
  constructor(readonly verb: string, readonly signal: string, readonly stderr: string) {
    super(`helm ${verb} was stopped by ${signal}`, 'run the command again');
    ({ reason: this.reason, warnings: this.warnings } = helmOutput(stderr));
  }
}

/** A Helm verb that goservice stopped (SIGTERM, as on an interrupt) because it could not succeed; the caller tells the state it left. */
export class HelmStopped extends OperationError implements HelmOutput {
  readonly reason: string;
  readonly warnings: string[];
  constructor(readonly verb: string, readonly stderr: string) {
    super(`helm ${verb} was stopped`);
    ({ reason: this.reason, warnings: this.warnings } = helmOutput(stderr));
  }
}

/** " (Helm warned: ...)" lines for a message, or nothing. */
export function withWarnings(warnings: string[]): string {
  return warnings.length ? `\nHelm warned:\n${warnings.map((w) => `  ${w}`).join('\n')}` : '';
}

export function mapHelmError(err: ProcessError, ctx: HelmErrorContext): GoserviceError {
  const text = err.result.stderr;
  const out = helmOutput(text);
  const rel = ctx.release ? `release "${ctx.release}"` : 'release';
  const where = `namespace "${ctx.namespace}"`;
  const again = `wait for it to finish, then see helm goservice history ${ctx.release ?? 'RELEASE'}; if it was interrupted, run: helm goservice rollback ${ctx.release ?? 'RELEASE'} --recover`;

  if (/another operation \(install\/upgrade\/rollback\) is in progress/i.test(text)) {
    return new ConflictError(`${rel} in ${where}: another operation (install/upgrade/rollback) is in progress; nothing was changed`, again);
  }
  if (/cannot re-use a name that is still in use|release: already exists|secrets? "sh\.helm\.release\.v1\.[^"]+" already exists/i.test(text)) {
    return new ConflictError(`${rel} in ${where} was written by another operation at the same time (Helm: ${out.reason}); this ${ctx.verb} changed nothing`, again);
  }
  if (/values don't meet the specifications of the schema/i.test(text)) {
    return new ValidationError(schemaIssues(text), 'values (rejected by the chart schema in helm)');
  }
  const ns = /namespaces? "([^"]+)" not found/i.exec(text);
  if (ns) {
    return new NotFoundError(`namespace "${ns[1]}" does not exist`, 'check -n/--namespace (or HELM_NAMESPACE); to create it on install, pass --create-namespace');
  }
  if (/release: not found|has no deployed releases/i.test(text)) {
    return new NotFoundError(`${rel} not found in ${where}`, `check the name and namespace: helm list -n ${ctx.namespace}`);
  }
  return new HelmError(err, ctx, out, /kubernetes cluster unreachable/i.test(text));
}

// klog's API-warning lines: "W1128 12:00:00.123456   123 warnings.go:70] would violate ..."
const KLOG_WARNING = /^W\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] (.*)$/;
// Helm 4's log lines that only restate the error printed after them:
// level=WARN msg="upgrade failed" name=hello error="context canceled", level=ERROR ...
const RESTATED = /^level=(?:ERROR\b|WARN msg="?[^"]*\bfailed\b)/i;

/** Helm's error text and the warnings printed before it (Helm 3: "Warning: ..." or klog lines; Helm 4: slog lines). */
export function helmOutput(stderr: string): HelmOutput {
  const lines = stderr.split('\n').map((l) => l.trimEnd());
  const at = lines.map((l) => l.startsWith('Error: ')).lastIndexOf(true);
  const reason = at < 0 ? '' : lines.slice(at).join('\n').slice(7).trim().replace(/\s*\n\s*/g, '; ');
  const warnings: string[] = [];
  for (const line of at < 0 ? lines : lines.slice(0, at)) {
    const w = RESTATED.test(line) ? '' : (KLOG_WARNING.exec(line)?.[1] ?? line).trim();
    if (w && !warnings.includes(w) && warnings.length < 20) warnings.push(w.length > 500 ? `${w.slice(0, 497)}...` : w);
  }
  return { reason: reason || lines.filter((l) => l.trim()).slice(-1)[0] || 'no error text', warnings };
}

/** Helm lists schema problems as "- path: message" (older Helm 3) or "- at '/path': message" (Helm 3.18+, Helm 4). */
function schemaIssues(text: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*- (?:at '([^']*)': (.*)|([^:]+): (.*))$/.exec(line);
    if (!m || /^'(allOf|anyOf|oneOf)' failed$/.test(m[2] ?? '')) continue; // wrappers of the nested lines
    if (m[1] !== undefined) issues.push({ path: m[1].replace(/^\//, '').replace(/\//g, '.'), message: m[2] });
    else issues.push({ path: m[3].trim() === '(root)' ? '' : m[3].trim(), message: m[4] });
  }
  const unique = issues.filter((i, n) => issues.findIndex((j) => j.path === i.path && j.message === i.message) === n);
  return unique.length ? unique : [{ path: '', message: text.trim().split('\n').slice(-3).join(' ') }];
}

/** What Helm says happened after a failed upgrade or install (texts of Helm 3 "atomic" and Helm 4 "rollback-on-failure"). */
export type UpgradeOutcome =
  | { kind: 'rolled-back'; cause: string } // the upgrade failed, Helm rolled back to the last good revision
  | { kind: 'uninstalled'; cause: string } // the first install failed, Helm removed it
  | { kind: 'rollback-failed'; cause: string } // ... and that rollback (or removal) failed too: "<upgrade error>: <rollback error>"
  | { kind: 'no-rollback-target'; cause: string } // nothing good to roll back to
  | { kind: 'failed'; cause: string }; // no rollback was tried

const OUTCOMES: [RegExp, UpgradeOutcome['kind']][] = [
  [/^release \S+ failed, and has been rolled back due to (?:atomic|rollback-on-failure) being set: (.*)$/is, 'rolled-back'],
  [/^release \S+ failed, and has been uninstalled due to (?:atomic|rollback-on-failure) being set: (.*)$/is, 'uninstalled'],
  [/^an error occurred while (?:rolling back|uninstalling) the release\. original (?:upgrade|install) error: (.*)$/is, 'rollback-failed'],
  [/^an error occurred while finding last successful release\. original upgrade error: (.*)$/is, 'rollback-failed'],
  [/^unable to find a previously successful release when attempting to rollback\. original upgrade error:? (.*)$/is, 'no-rollback-target'],
];

export function upgradeOutcome(reason: string): UpgradeOutcome {
  const text = reason.replace(/^(?:UPGRADE|INSTALLATION) FAILED: /i, '');
  for (const [re, kind] of OUTCOMES) {
    const m = re.exec(text);
    if (m) return { kind, cause: m[1] } as UpgradeOutcome;
  }
  return { kind: 'failed', cause: text };
}
