// upgrade: merge and validate values locally (chart defaults + -f + --set +
// --image-tag against the chart's own values.schema.json and the cross-field
// rules), then `helm upgrade --install` that waits and rolls back on failure.
// A failure is told as it happened (was anything attempted? was it rolled back?
// did the rollback fail too?), read from Helm's text and the history after it;
// SIGINT/SIGTERM are passed to Helm, which is waited for, and the state it left
// is told with exit 130.
import { InterruptedError, OperationError } from '../errors';
import { HelmClient, ReleaseState, Revision } from '../helm/client';
import { HelmError, HelmInterrupted, HelmStopped, upgradeOutcome, UpgradeOutcome, withWarnings } from '../helm/errors';
import { checkToken } from '../inputs/grammar';
import { holdInterrupts, interruption } from '../process/lifecycle';
import { loadValuesFiles, mergeUserValues, mergeValues, parseSet, ValuesObject } from '../values/merge';
import { validateValues } from '../values/validate';
import { ChartSource, resolveChart } from './chart-source';
import { DiagnosedError, formatDiagnosis } from './diagnose';
import { OperationGuard, sensitiveStrings } from './guard';
import { ProgressStream } from './progress';
import { liveSummary, readRevisions } from './history';
import { OperationMarkers } from './in-flight';
import { checkRelease, checkTimeout, isPending } from './names';
import { serverDryRun } from './server-dry-run';

export interface UpgradeOptions {
  release: string;
  chart?: string; // chart directory, .tgz, or oci://HOST/NAMESPACE/charts/NAME; default: the single chart under ./charts
  version?: string; // the version of an oci:// chart
  caFile?: string; // a CA to trust for an oci:// chart's registry
  valuesFiles?: string[];
  set?: string[];
  imageTag?: string;
  timeout?: string; // default 5m
  createNamespace?: boolean;
  dryRun?: boolean;
  rollback?: boolean; // roll back on failure (default true)
  cwd?: string;
  progress?: ProgressStream; // where to show progress while Helm waits (none: silent)
  failFast?: boolean; // stop Helm as soon as the new pods cannot come up (default true)
  graceMs?: number; // how long an unschedulable pod is waited for (default GRACE_MS)
  prepared?: PreparedInputs; // already resolved and checked by upgradeInputs (upgrade --diff)
}

/** The release, chart and values, resolved and checked. */
export interface PreparedInputs {
  release: string;
  chart: string; // what Helm deploys: a directory or a .tgz
  values: ValuesObject;
}

export interface UpgradeResult extends ReleaseState {
  dryRun: boolean;
  warnings: string[]; // what Helm printed on stderr, e.g. Pod Security warnings
}

/**
 * The user's values (what Helm stores for the release), checked against the
 * chart's own defaults, schema and rules. --image-tag on a chart that pins an
 * image digest clears the digest, which would otherwise win over the tag.
 */
export function prepareValues(src: ChartSource, o: Pick<UpgradeOptions, 'valuesFiles' | 'set' | 'imageTag'>): ValuesObject {
  const pinned = !!(src.defaults.image as { digest?: unknown } | undefined)?.digest;
  const user = mergeUserValues(
    ...loadValuesFiles(o.valuesFiles ?? []),
    parseSet(o.set ?? []),
    o.imageTag ? { image: { tag: o.imageTag, ...(pinned ? { digest: '' } : {}) } } : {},
  );
  const effective = mergeValues(src.defaults, user);
  validateValues(effective, src.schema ?? {}, `values for chart ${src.label}`);
  return user;
}

/**
 * The release, chart and values an upgrade (or its diff) uses, all checked
 * before Helm touches the cluster: invalid values stop here.
 */
export async function upgradeInputs(helm: HelmClient, o: ChartInputs): Promise<PreparedInputs> {
  const release = checkRelease(o.release, true);
  if (o.imageTag !== undefined) checkToken('imageTag', '--image-tag', o.imageTag);
  helm.major().catch(() => {}); // `helm version` (local) runs while the chart is resolved and the values are checked
  const source = await resolveChart(helm, o.chart, { version: o.version, caFile: o.caFile, cwd: o.cwd });
  return { release, chart: source.chart, values: prepareValues(source, o) };
}

/** What names the chart and the values of an upgrade or a diff. */
export type ChartInputs = Pick<UpgradeOptions, 'release' | 'chart' | 'version' | 'caFile' | 'valuesFiles' | 'set' | 'imageTag' | 'cwd'>;

/** Signals are held for the whole command: one arriving before Helm starts stops it there, with nothing changed. */
export function upgrade(helm: HelmClient, o: UpgradeOptions): Promise<UpgradeResult> {
  return holdInterrupts(() => upgradeHeld(helm, o));
}

async function upgradeHeld(helm: HelmClient, o: UpgradeOptions): Promise<UpgradeResult> {
  const timeout = checkTimeout(o.timeout ?? '5m');
  const { release, chart, values } = o.prepared ?? (await upgradeInputs(helm, o));
  const rollback = o.rollback ?? true;
  const args = { release, chart, values, timeout, wait: true, rollbackOnFailure: rollback, createNamespace: o.createNamespace, dryRun: o.dryRun };
  if (o.dryRun) {
    const { manifest, ...state } = await helm.upgrade(args);
    state.warnings.push(...(await serverDryRun(helm.settings, manifest, { createNamespace: o.createNamespace }))); // the API server checks every object
    return { ...state, dryRun: true };
  }

  const marker = new OperationMarkers(helm.settings, release).begin('upgrade', timeout);
  const started = Date.now();
  const what = `upgrade of release "${release}" in namespace "${helm.settings.namespace}"`;
  const guard = new OperationGuard(helm.settings, release, { since: started, progress: o.progress, label: `upgrade ${release}: `, failFast: o.failFast ?? true, graceMs: o.graceMs, redact: sensitiveStrings(values) });
  try {
    const { manifest: _rendered, ...state } = await helm.upgrade({ ...args, stop: guard.signal, onStart: () => guard.start() });
    return { ...state, dryRun: false };
  } catch (err) {
    guard.stop();
    const at = { helm, release, started, rollback, major: await helm.major().catch(() => 0) };
    if (err instanceof HelmStopped && guard.failure) {
      const { diagnosis, afterMs } = guard.failure;
      const told = await tell(at, upgradeOutcome(err.reason));
      if (told.pending) marker.leftPending(told.pending.revision, told.pending.status);
      throw new DiagnosedError(
        `${what} was stopped after ${Math.round(afterMs / 1000)}s: the new pods cannot come up\n${formatDiagnosis(diagnosis)}\nHelm was stopped; the upgrade ${told.what}${withWarnings(err.warnings)}`,
        told.fix,
        diagnosis,
      );
    }
    if (err instanceof HelmInterrupted && err.verb === 'upgrade') {
      const told = await tell({ ...at, interrupted: true }, upgradeOutcome(err.reason));
      if (told.pending) marker.leftPending(told.pending.revision, told.pending.status);
      throw new InterruptedError(`${what} was interrupted by ${err.signal}; Helm was told to stop and has exited: ${told.what}${withWarnings(err.warnings)}`, told.fix);
    }
    if (err instanceof InterruptedError) throw new InterruptedError(`${what} was interrupted by ${interruption() ?? 'a signal'} before Helm started it: nothing was changed`, 'run the upgrade again');
    if (err instanceof HelmError && err.verb === 'upgrade' && !err.unreachable) {
      const told = await tell(at, upgradeOutcome(err.reason));
      throw new OperationError(`${what} ${told.what}${withWarnings(err.warnings)}`, told.fix);
    }
    throw err; // typed: nothing attempted (unreachable, HELM_BIN), conflict, not found, schema
  } finally {
    guard.stop();
    marker.end();
  }
}

interface Attempt {
  helm: HelmClient;
  release: string;
  started: number; // ms: revisions written since belong to this attempt
  rollback: boolean;
  major: number;
  interrupted?: boolean;
}

/** What a failed or interrupted upgrade did, from Helm's outcome and the history after it. */
async function tell(a: Attempt, out: UpgradeOutcome): Promise<{ what: string; fix: string; pending?: Revision }> {
  const { release } = a;
  const revs = await readRevisions(a.helm, release);
  const history = `see helm goservice history ${release}`;
  if (revs instanceof Error) return { what: `${describe(out, a)}; the state could not be read: ${revs.message}`, fix: history };
  if (revs === null || !revs.length) {
    const what = out.kind === 'uninstalled' ? `failed on its first install and was removed again (Helm uninstalled it): ${out.cause}; nothing of it is left` : `was not attempted (${out.cause}); the release does not exist, nothing was changed`;
    return { what, fix: a.interrupted ? 'nothing is left to clean up; run the upgrade again when you want it' : 'fix the cause above and run the upgrade again' };
  }
  const mine = revs.filter((r) => r.updated && Date.parse(r.updated) >= a.started - 1000);
  const last = revs[revs.length - 1];
  const state = liveSummary(revs);
  if (isPending(last.status)) {
    return {
      what: `${describe(out, a)}; revision ${last.revision} is left ${last.status} and no Helm is working on it any more (${state})`,
      fix: `run: helm goservice rollback ${release} --recover`,
      pending: last,
    };
  }
  // Helm's own words prove an attempt; otherwise no revision written since we started means none was made.
  if (out.kind === 'failed' && !mine.length && revs.some((r) => r.updated)) {
    return { what: `was not attempted: Helm refused it before changing anything: ${out.cause}; nothing was changed (${state})`, fix: 'fix the cause above and run the upgrade again' };
  }
  const failedRev = mine.find((r) => r.status === 'failed') ?? revs.filter((r) => r.status === 'failed').pop() ?? last;
  switch (out.kind) {
    case 'rolled-back':
      return {
        what: `failed and was rolled back: ${out.cause}\nrevision ${failedRev.revision} is failed; ${state}`,
        fix: a.interrupted ? 'nothing is left to clean up; run the upgrade again when you want it' : `${history}; check the pods (kubectl get pods -n ${a.helm.settings.namespace}) and fix the values, then upgrade again`,
      };
    case 'rollback-failed':
      return { what: `failed, and the automatic rollback failed too: ${out.cause}\n${state}`, fix: `${history}; the cluster may run parts of several revisions: run helm goservice rollback ${release} to go back to the last good revision` };
    case 'no-rollback-target':
      return { what: `failed, and there is no earlier good revision to roll back to: ${out.cause}\n${state}`, fix: `${history}; fix the values and upgrade again, or remove the release with helm goservice rollback ${release} --recover` };
    case 'uninstalled':
      return { what: `failed on its first install and was removed again: ${out.cause}\n${state}`, fix: 'fix the cause above and run the upgrade again' };
    default: {
      const left = a.rollback ? 'Helm did not roll it back' : 'it was left in place (--no-rollback)';
      const deployed = revs.filter((r) => r.status === 'deployed').pop();
      const note = deployed ? `; revision ${deployed.revision} is still marked deployed, but the cluster runs what revision ${failedRev.revision} applied` : '';
      // Helm 3 computes an upgrade's changes from the deployed revision, so it would keep what the failed one applied.
      const fix = deployed && a.major === 3 ? `go back first with helm goservice rollback ${release}, then fix the values and upgrade again (Helm 3 computes an upgrade's changes from revision ${deployed.revision}, so it would not undo what revision ${failedRev.revision} applied)` : `fix the values and upgrade again, or go back with helm goservice rollback ${release}`;
      return { what: `failed, ${left}: ${out.cause}\nrevision ${failedRev.revision} is ${failedRev.status}${note}`, fix: `${history}; ${fix}` };
    }
  }
}

/** The outcome in words, for an interrupted upgrade. */
function describe(out: UpgradeOutcome, a: Attempt): string {
  switch (out.kind) {
    case 'rolled-back':
      return 'Helm marked the new revision failed and rolled back';
    case 'rollback-failed':
      return `Helm marked the new revision failed, but its rollback failed: ${out.cause}`;
    case 'uninstalled':
      return 'Helm removed the failed install';
    default:
      return a.rollback ? `Helm stopped: ${out.cause}` : `Helm stopped (--no-rollback): ${out.cause}`;
  }
}
