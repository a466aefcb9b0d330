// Checks on release names and durations, before anything is sent to Helm.
import { UsageError } from '../errors';
import { shownValue } from '../inputs/grammar';

// Helm's own rule for release names (DNS-1123 subdomain, at most 53 characters).
const HELM_RELEASE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// What a goservice chart can deploy: its Service and other objects are named
// after the release (fullname in _helpers.tpl), and a Service name must be a
// DNS-1035 label (a lowercase letter first, then letters, digits and "-").
const DEPLOYABLE_RELEASE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_RELEASE = 53; // Helm's limit (it leaves room for suffixes within 63)

/**
 * A release name Helm accepts. With `deploy`, also one a goservice chart can
 * deploy (upgrade); reading or rolling back any existing release needs only
 * Helm's rule.
 */
export function checkRelease(name: string, deploy = false): string {
  const ok = name.length <= MAX_RELEASE && (deploy ? DEPLOYABLE_RELEASE : HELM_RELEASE).test(name);
  if (ok) return name;
  if (deploy && name.length <= MAX_RELEASE && HELM_RELEASE.test(name)) {
    throw new UsageError(
      'RELEASE',
      `${shownValue(name)} cannot be deployed by this chart: its Service is named after the release, and a Service name must start with a lowercase letter and contain only lowercase letters, digits and "-" (no ".")`,
      `use a name such as ${suggestName(name)}`,
    );
  }
  throw new UsageError('RELEASE', `${shownValue(name)} is not a valid release name`, `use lowercase letters, digits and "-" (at most ${MAX_RELEASE}, starting with a letter), e.g. ${suggestName(name)}`);
}

function suggestName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, MAX_RELEASE).replace(/-+$/, '');
  return s || 'hello';
}

// Go's time.ParseDuration units, in nanoseconds; Helm stores a duration as int64 ns.
const UNIT_NS: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n };
const MAX_NS = (1n << 63n) - 1n;

/** Nanoseconds of a Go duration (digits, optional fraction, unit; repeated), or undefined when it is not one. */
function durationNs(t: string): bigint | undefined {
  if (t.length > 64 || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(t)) return undefined;
  let ns = 0n;
  for (const [, whole, frac = '', unit] of t.matchAll(/(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)/g)) {
    const u = UNIT_NS[unit];
    ns += BigInt(whole) * u + (frac ? (BigInt(frac) * u) / 10n ** BigInt(frac.length) : 0n);
  }
  return ns;
}

/**
 * A Go duration such as 90s, 5m or 1h30m, as Helm's --timeout expects, that
 * fits Go's int64 nanoseconds (Helm would refuse 9999999999h only after
 * starting). `min` (in ns) refuses e.g. a zero timeout.
 */
export function checkDuration(field: string, t: string, min = 0n): string {
  const ns = durationNs(t);
  if (ns === undefined) throw new UsageError(field, `${shownValue(t)} is not a duration`, 'write it like 90s, 5m or 1h30m');
  if (ns > MAX_NS) throw new UsageError(field, `${shownValue(t)} is too long (Helm's limit is about 2562047h, 292 years)`, 'give a shorter duration, e.g. 10m');
  if (ns < min) throw new UsageError(field, `${shownValue(t)} is too short`, `give at least ${formatNs(min)}, e.g. 5m`);
  return t;
}

/** A timeout: at least 1s (a shorter --wait can never succeed). */
export const checkTimeout = (t: string, field = '--timeout') => checkDuration(field, t, 1000000000n);

/** A checked duration in milliseconds. */
export const durationMs = (t: string) => Number((durationNs(t) ?? 0n) / 1000000n);

function formatNs(ns: bigint): string {
  return ns % 1000000000n === 0n ? `${ns / 1000000000n}s` : `${ns}ns`;
}

export const isPending = (status: string) => status.startsWith('pending-');
/** Revisions that were deployed successfully at some point. */
export const wasDeployed = (status: string) => status === 'deployed' || status === 'superseded';
