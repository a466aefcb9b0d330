// Helm's registry verbs (push, pull, show chart) fail with oras-go's texts, the
// same on Helm 3 and Helm 4: these are mapped to the registry's typed errors, so
// a failed `helm push` reads like a failed tag list. The ProcessError is kept as
// the cause; anything unrecognised is a plain HelmVerbError (exit 6).
import { NotFoundError, OperationError } from '../errors';
import { ProcessError } from '../process/run';
import { RegistryError, RegistryFailure } from '../registry/errors';
import { helmOutput } from './errors';

/** A local Helm verb (package, push, pull, show) that ran and failed. */
export class HelmVerbError extends OperationError {
  constructor(readonly verb: string, readonly reason: string, readonly cause: ProcessError, suggestion?: string) {
    super(`helm ${verb} failed: ${reason}`, suggestion);
  }
}

const KINDS: [RegExp, RegistryFailure][] = [
  [/x509:|certificate signed by unknown authority|tls: failed to verify|certificate is not trusted|certificate is valid for/i, 'tls'],
  [/http: server gave HTTP response to HTTPS client|tls: first record does not look like a TLS handshake/i, 'tls'],
  [/\b401\b|unauthorized|authentication required|basic credential not found|failed to authorize|invalid username\/password/i, 'auth'],
  [/\b403\b|forbidden|denied/i, 'denied'],
  [/connection refused|no such host|i\/o timeout|dial tcp|connection reset|EOF$|no route to host|network is unreachable/i, 'unreachable'],
];

/** Helm's error from a verb on `ref` (an oci:// reference or a chart path) as a typed error. */
export function mapRegistryVerbError(err: ProcessError, verb: string, ref: string, host?: string): Error {
  const { reason } = helmOutput(err.result.stderr || err.result.stdout);
  if (host) {
    const kind = KINDS.find(([re]) => re.test(reason))?.[1];
    if (kind) return new RegistryError(kind, host, `helm ${verb} ${ref}: ${reasonFor(kind, host)} (Helm: ${reason})`, err);
    if (/not found|manifest unknown|name unknown|\b404\b/i.test(reason)) return new NotFoundError(`helm ${verb} ${ref}: not in the registry (Helm: ${reason})`, `list the published versions with: helm goservice versions ${ref.replace(/:[^/:]*$/, '')}`);
  }
  if (/no such file or directory|not found/i.test(reason)) return new NotFoundError(`helm ${verb} ${ref}: ${reason}`, 'check the path');
  return new HelmVerbError(verb, reason || `exited with ${err.result.code}`, err);
}

function reasonFor(kind: RegistryFailure, host: string): string {
  switch (kind) {
    case 'tls':
      return `the certificate of ${host} is not trusted, or it does not speak HTTPS`;
    case 'auth':
      return `registry ${host} refused the login`;
    case 'denied':
      return `registry ${host} denied access`;
    default:
      return `registry ${host} is unreachable`;
  }
}
