// Typed failures of talking to a registry. `kind` lets an action tell which
// step failed and why (publish names the step); the message names the registry
// and what to do, never a credential.
import { ExitCode, GoserviceError } from '../errors';

export type RegistryFailure = 'unreachable' | 'tls' | 'auth' | 'denied' | 'answer' | 'status';

const FIX: Record<RegistryFailure, (host: string) => string> = {
  unreachable: (h) => `check that the registry ${h} is running and reachable from here, then run again`,
  tls: () => 'trust the registry\'s certificate authority with --ca-file FILE (a PEM file), or fix the registry\'s certificate',
  auth: (h) => `log in with: helm registry login ${h} (goservice reads Helm's registry login: HELM_REGISTRY_CONFIG, else Helm's default)`,
  denied: (h) => `check that the login for ${h} may read and push this repository`,
  answer: (h) => `the registry ${h} answered something no OCI registry should; check what serves that address`,
  status: (h) => `check the registry ${h} (its log says more), then run again`,
};

export class RegistryError extends GoserviceError {
  constructor(readonly kind: RegistryFailure, readonly host: string, message: string, readonly cause?: unknown) {
    super(message, ExitCode.failed, FIX[kind](host));
  }
}

// Node's TLS verification codes: the server's certificate is not trusted.
const TLS_CODES = /^(?:UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|INVALID_CA)$/;

/** A socket-level failure (refused, unknown host, TLS, timeout) as a RegistryError. */
export function connectionError(e: NodeJS.ErrnoException, host: string, what: string): RegistryError {
  const code = e.code ?? '';
  if (TLS_CODES.test(code)) return new RegistryError('tls', host, `${what}: the certificate of ${host} is not trusted (${code})`, e);
  if (/^ERR_SSL|^EPROTO$/.test(code)) return new RegistryError('tls', host, `${what}: no TLS connection to ${host} (${code}); goservice talks to registries over HTTPS only`, e);
  const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unknown host' : code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' ? 'timed out' : code || e.message;
  return new RegistryError('unreachable', host, `${what}: registry ${host} is unreachable (${why})`, e);
}
