// Maps Helm's stable error texts (the same on Helm 3 and Helm 4) to typed errors.
// Anything unrecognised stays a ProcessError carrying Helm's own exit code.
import { ConflictError, GoserviceError, NotFoundError, OperationError, ValidationError, ValidationIssue } from '../errors';
import { ProcessError } from '../process/run';

export interface HelmErrorContext {
  release?: string;
  namespace: string;
}

export function mapHelmError(err: ProcessError, ctx: HelmErrorContext): GoserviceError {
  const text = err.result.stderr;
  const rel = ctx.release ? `release "${ctx.release}"` : 'release';
  const where = `namespace "${ctx.namespace}"`;

  if (/another operation \(install\/upgrade\/rollback\) is in progress/.test(text) || /secrets? "sh\.helm\.release\.v1\.[^"]+" already exists/.test(text)) {
    return new ConflictError(
      `${rel} in ${where}: another operation (install/upgrade/rollback) is in progress`,
      `wait for it to finish and run again; if it was interrupted, run: helm goservice rollback ${ctx.release ?? 'RELEASE'} --recover`,
    );
  }
  if (/values don't meet the specifications of the schema/.test(text)) {
    return new ValidationError(schemaIssues(text), 'values (rejected by the chart schema in helm)');
  }
  const ns = /namespaces? "([^"]+)" not found/.exec(text);
  if (ns) {
    return new NotFoundError(`namespace "${ns[1]}" does not exist`, 'check -n/--namespace (or HELM_NAMESPACE); to create it on install, pass --create-namespace');
  }
  if (/release: not found|has no deployed releases/.test(text)) {
    return new NotFoundError(`${rel} not found in ${where}`, `check the name and namespace: helm list -n ${ctx.namespace}`);
  }
  const unreachable = /kubernetes cluster unreachable: (.*)/.exec(text);
  if (unreachable) {
    return new OperationError(`the Kubernetes cluster is unreachable: ${unreachable[1]}`, 'check KUBECONFIG and the context (helm --kube-context, HELM_KUBECONTEXT)', err.exitCode);
  }
  return err;
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
