// Checks on release names and durations, before anything is sent to Helm.
import { UsageError } from '../errors';

// Helm's own rule for release names (DNS-1123 subdomain, at most 53 characters).
const RELEASE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkRelease(name: string): string {
  if (!RELEASE.test(name) || name.length > 53) {
    throw new UsageError('RELEASE', `"${name}" is not a valid release name`, 'use lowercase letters, digits, "-" and "." (max 53), e.g. hello');
  }
  return name;
}

/** A Go duration such as 90s, 5m or 1h30m, as Helm's --timeout expects. */
export function checkTimeout(t: string): string {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(t)) throw new UsageError('--timeout', `"${t}" is not a duration`, 'write it like 90s, 5m or 1h30m');
  return t;
}

export const isPending = (status: string) => status.startsWith('pending-');
/** Revisions that were deployed successfully at some point. */
export const wasDeployed = (status: string) => status === 'deployed' || status === 'superseded';
