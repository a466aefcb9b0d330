// What the Kubernetes client's failures mean. Errors of the connection (the API
// server cannot be reached, refuses the credentials or the user's rights) become
// typed errors with a fix; an API server's answer about one object (invalid,
// forbidden by admission, unknown kind) becomes that object's refusal message.
// Messages name the server, context, user and kubeconfig files, never a credential.
import { fsError, GoserviceError, OperationError } from '../errors';

/** Where the client connects, for messages. */
export interface KubeTarget {
  server: string;
  context: string;
  user: string;
  source: string; // kubeconfig file(s)
}

/** A Kubernetes Status from an error response (ApiException.body). */
export interface KubeStatus {
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; kind?: string };
}

const NETWORK = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED|UND_ERR_\w+)$/;
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ERR_TLS|ERR_SSL|EPROTO|ALTNAME/;

/** The API server's Status in an error thrown by the client, if it answered. */
export function statusOf(err: unknown): KubeStatus | undefined {
  const e = err as { code?: unknown; body?: unknown };
  if (typeof e?.code !== 'number') return undefined;
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {}
  }
  const b = (body && typeof body === 'object' ? body : {}) as Partial<KubeStatus>;
  const text = typeof body === 'string' ? body.trim().slice(0, 300) : '';
  return {
    code: e.code,
    reason: String(b.reason ?? ''),
    message: String(b.message ?? (text || `HTTP ${e.code}`)),
    details: b.details && typeof b.details === 'object' ? b.details : undefined,
  };
}

/**
 * The typed error for a failure of the connection itself (unreachable, TLS,
 * timeout, bad credentials, missing rights, a file the kubeconfig names);
 * undefined when the error is the API server's answer about an object.
 */
export function connectionError(err: unknown, t: KubeTarget): Error | undefined {
  if (err instanceof GoserviceError) return err;
  const where = `the Kubernetes API server ${t.server} (context "${t.context}", ${t.source})`;
  const check = 'check that the cluster is running and KUBECONFIG / helm --kube-context point at it (kubectl cluster-info)';
  const st = statusOf(err);
  if (st) {
    if (st.code === 401) {
      return new OperationError(`${where} refused the credentials of user "${t.user}" (401 Unauthorized)`, 'log in again or renew the credentials of that user (HELM_KUBETOKEN / helm --kube-token, if set, replaces them)');
    }
    if (st.code === 403 && /\bcannot (get|list|create|patch|update) resource\b/.test(st.message)) {
      return new OperationError(`${where}: user "${t.user}" may not do this: ${st.message}`, 'ask for the rights (RBAC) the release needs in that namespace, or use a context that has them');
    }
    return undefined;
  }
  const e = err as NodeJS.ErrnoException & { type?: string };
  if (e?.name === 'AbortError' || e?.type === 'request-timeout') return new OperationError(`${where} did not answer in time`, check);
  if (e?.code && NETWORK.test(e.code)) return new OperationError(`cannot reach ${where}: ${reason(e)}`, check);
  if (e?.code && TLS.test(e.code)) {
    return new OperationError(`cannot reach ${where}: TLS: ${reason(e)}`, 'check the certificate authority of the cluster (certificate-authority in the kubeconfig, HELM_KUBECAFILE) and tls-server-name');
  }
  if (e?.code && e.path) return fsError(e, e.path, 'read it (named by the kubeconfig)');
  return undefined;
}

/** A credential plugin (exec, auth-provider) that failed: its first line of output only. */
export function credentialError(err: unknown, t: KubeTarget): Error {
  const e = err as NodeJS.ErrnoException;
  if (e?.code && e.path) return fsError(e, e.path, 'read it (named by the kubeconfig)');
  const first = ((e?.message ?? String(err)).split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200);
  return new OperationError(
    `cannot get the credentials of user "${t.user}" (context "${t.context}", ${t.source}): ${first || 'the credential plugin failed'}`,
    'check the user\'s credential plugin (exec) or token in the kubeconfig, and log in again',
  );
}

/** The refusal of one object, without the "Kind "name" is invalid: " prefix the message repeats. */
export function refusalMessage(err: unknown): string {
  const st = statusOf(err);
  if (st) return st.message.replace(/^\S+ "[^"]*" is invalid: /, '');
  return err instanceof Error ? err.message : String(err);
}

/** `namespaces "x" not found`: the object's namespace does not exist. */
export function missingNamespace(err: unknown): string | undefined {
  const st = statusOf(err);
  if (st?.code === 404 && st.details?.kind === 'namespaces' && st.details.name) return st.details.name;
  return undefined;
}

function reason(e: Error): string {
  // node-fetch: "request to URL failed, reason: connect ECONNREFUSED 127.0.0.1:6443"
  return (/reason: (.*)$/s.exec(e.message)?.[1] ?? e.message).split('\n')[0].slice(0, 200);
}

/**
 * The texts of HTTP Warning headers (RFC 7234: `299 - "text"`), several of which
 * may arrive joined by ", " in one header value.
 */
export function warningTexts(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  const re = /\d{3} \S+ "((?:[^"\\]|\\.)*)"/g;
  for (let m; (m = re.exec(header)); ) out.push(m[1].replace(/\\(.)/g, '$1'));
  return out;
}
