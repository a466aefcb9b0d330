// rollback: by default to the newest earlier revision that was deployed
// successfully (plain `helm rollback` takes current-1, which may have failed).
// A release left pending by an interrupted operation is refused unless
// --recover is given, and --recover itself refuses while an operation on the
// release may still be running (in-flight.ts says how that is known). A release
// that was never deployed has nothing to go back to: --recover uninstalls it.
import { ConflictError, InterruptedError, NotFoundError, OperationError, UsageError } from '../errors';
import { HelmClient, Revision } from '../helm/client';
import { HelmError, HelmInterrupted, withWarnings } from '../helm/errors';
import { holdInterrupts, interruption } from '../process/lifecycle';
import { readRevisions, staleDeployed, stateOf } from './history';
import { endedFor, InFlight, OperationMarkers, orphanDeadline } from './in-flight';
import { OperationGuard } from './guard';
import { checkDuration, checkRelease, checkTimeout, durationMs, isPending, wasDeployed } from './names';
import { ProgressStream } from './progress';

export interface RollbackOptions {
  release: string;
  revision?: number;
  toChartVersion?: string;
  previousVersion?: boolean; // the newest good revision of another chart version than the live one
  recover?: boolean;
  timeout?: string;
  grace?: string; // --recover: how long a pending revision may still be worked on by a Helm we cannot see (default 5m)
  notify?: (line: string) => void; // says what is about to happen (e.g. an uninstall)
  progress?: ProgressStream; // where to show progress while Helm waits (none: silent)
}

export interface RollbackResult {
  release: string;
  namespace: string;
  action: 'rollback' | 'uninstall';
  from: { revision: number; status: string; chartVersion: string; appVersion: string };
  to: { revision: number; chartVersion: string; appVersion: string } | null; // null: uninstalled
  revision: number | null; // the new revision the rollback created
  status: string; // of the new revision, or "uninstalled"
  warnings: string[];
}

const recoverHow = (release: string) => `helm goservice rollback ${release} --recover`;

/** Which revision to go back to; pure, so it is tested on its own. */
export function pickTarget(revs: Revision[], o: Pick<RollbackOptions, 'release' | 'revision' | 'toChartVersion' | 'recover' | 'previousVersion'>): Revision {
  const current = revs[revs.length - 1];
  if (!current) throw new NotFoundError(`release "${o.release}" has no revisions`);
  const good = goodRevisions(revs).filter((r) => r.revision < current.revision).pop();
  if (isPending(current.status) && !o.recover) {
    throw new ConflictError(
      `release "${o.release}" is ${current.status} (revision ${current.revision}): an operation is in progress, or was interrupted and left it locked`,
      `if a helm operation is still running, wait for it; otherwise run: ${recoverHow(o.release)}` +
        (good ? ` (goes back to revision ${good.revision}, the last good one; it first checks that nothing is still running on the release)` : ' (the release was never deployed: it uninstalls it)'),
    );
  }
  if (o.previousVersion && (o.revision !== undefined || o.toChartVersion !== undefined)) throw new UsageError('--previous-version', 'cannot be combined with REVISION or --to-chart-version', 'give one of them');
  if (o.revision !== undefined && o.toChartVersion !== undefined) throw new UsageError('--to-chart-version', 'cannot be combined with REVISION', 'give one of them');
  if (o.revision !== undefined) {
    const r = revs.find((x) => x.revision === o.revision);
    if (!r) throw new NotFoundError(`release "${o.release}" has no revision ${o.revision}`, `choose one of: ${listRevisions(revs)}`);
    return r;
  }
  if (o.toChartVersion !== undefined) {
    const r = goodRevisions(revs).filter((x) => x.chartVersion === o.toChartVersion && x.revision < current.revision).pop();
    if (!r) {
      const versions = [...new Set(revs.filter((x) => wasDeployed(x.status)).map((x) => x.chartVersion))];
      throw new NotFoundError(`release "${o.release}" has no earlier good revision with chart version ${o.toChartVersion}`, `deployed chart versions: ${versions.join(', ') || 'none'}`);
    }
    return r;
  }
  if (o.previousVersion) {
    const live = goodRevisions(revs).filter((r) => r.status === 'deployed').pop() ?? current;
    const r = goodRevisions(revs).filter((x) => x.chartVersion !== live.chartVersion && x.revision < current.revision).pop();
    if (!r) throw new NotFoundError(`release "${o.release}" has no earlier good revision of a chart version other than ${live.chartVersion}`, `see helm goservice history ${o.release}`);
    return r;
  }
  if (!good) {
    if (!revs.some((r) => wasDeployed(r.status))) {
      throw new NotFoundError(
        `release "${o.release}" was never deployed successfully (revision ${current.revision} is ${current.status}), so there is no revision to go back to`,
        `install it again with helm goservice upgrade ${o.release} (Helm upgrades a failed install), or remove it with: ${recoverHow(o.release)} (uninstalls it)`,
      );
    }
    throw new NotFoundError(`release "${o.release}" has no earlier revision that was deployed successfully`, `see helm goservice history ${o.release}`);
  }
  return good;
}

/**
 * Revisions that were deployed successfully, oldest first. A "deployed" one
 * older than the live one was not superseded as Helm does on success: an
 * operation finished out of order, so it is not trusted as "good".
 */
function goodRevisions(revs: Revision[]): Revision[] {
  const live = revs.filter((r) => r.status === 'deployed').pop();
  return revs.filter((r) => r.status === 'superseded' || r === live);
}

function listRevisions(revs: Revision[]): string {
  const n = revs.map((x) => x.revision);
  return n.length > 20 ? `${n.slice(0, 5).join(', ')}, ..., ${n.slice(-10).join(', ')} (${n.length} in all)` : n.join(', ');
}

/**
 * Refuses when an operation on the release may still be running: a live
 * goservice upgrade/rollback, a Helm process here working on it, or (for a
 * pending revision) an operation elsewhere that may still be within `grace`.
 */
export function checkNothingRunning(f: InFlight, current: Revision, o: { release: string; namespace: string; grace: string; recover: boolean }, now = Date.now()): void {
  const refuse = (why: string, fix: string) => new ConflictError(`release "${o.release}" in namespace "${o.namespace}": ${why}; refusing to ${o.recover ? 'recover' : 'roll back'}, which would race it`, fix);
  const m = f.running[0];
  if (m) {
    throw refuse(
      `goservice ${m.command} (pid ${m.pid}, started ${m.startedAt}, --timeout ${m.timeout}) is still running on it (its marker in the per-user operations directory, pid and start time checked)`,
      `wait for it to finish, or stop it with: kill -TERM ${m.pid} (it passes the signal to Helm and waits for Helm to exit)`,
    );
  }
  const h = f.helms[0];
  if (h) throw refuse(`a Helm process on this machine is working on it: pid ${h.pid} (helm ${h.args})`, `wait for it, or stop it with: kill -TERM ${h.pid} (Helm then marks the revision failed)`);
  if (!isPending(current.status) || endedFor(f, current) || durationMs(o.grace) === 0) return;
  const orphan = f.procUsable ? undefined : f.orphaned.find((x) => orphanDeadline(x).getTime() > now);
  if (orphan) {
    throw refuse(
      `goservice ${orphan.command} (pid ${orphan.pid}, started ${orphan.startedAt}) ended without cleaning up, and the Helm it started may run until ${orphanDeadline(orphan).toISOString()} (twice its --timeout ${orphan.timeout})`,
      `wait until then, or if you know no Helm is running on this release: ${recoverHow(o.release)} --grace 0s`,
    );
  }
  const at = current.updated ? Date.parse(current.updated) : NaN;
  const until = at + durationMs(o.grace);
  if (until > now) {
    throw refuse(
      `revision ${current.revision} became ${current.status} ${Math.max(0, Math.round((now - at) / 1000))}s ago (${current.updated}), within the grace period of ${o.grace}: a Helm elsewhere (another machine, CI) may still be working on it, and goservice sees only its own operations and the Helm processes on this machine`,
      `wait until ${new Date(until).toISOString()} and run again, or if you know no Helm is running on this release: ${recoverHow(o.release)} --grace 0s`,
    );
  }
}

/** Signals are held for the whole command: one arriving before Helm starts the rollback stops it there, with nothing changed. */
export function rollback(helm: HelmClient, o: RollbackOptions): Promise<RollbackResult> {
  return holdInterrupts(() => rollbackHeld(helm, o));
}

async function rollbackHeld(helm: HelmClient, o: RollbackOptions): Promise<RollbackResult> {
  const release = checkRelease(o.release);
  const timeout = checkTimeout(o.timeout ?? '5m');
  const grace = checkDuration('--grace', o.grace ?? '5m');
  const namespace = helm.settings.namespace;
  helm.major().catch(() => {}); // local, while the history is read
  const before = await helm.history(release);
  const from = before[before.length - 1];
  const neverDeployed = !!from && !before.some((r) => wasDeployed(r.status));
  const to = neverDeployed && o.recover && o.revision === undefined && o.toChartVersion === undefined ? null : pickTarget(before, o);
  const markers = new OperationMarkers(helm.settings, release);
  checkNothingRunning(markers.scan(), from, { release, namespace, grace, recover: !!o.recover });
  const stale = before.filter((r) => r.status === 'deployed').slice(0, -1);
  const warnings = stale.length ? [staleDeployed(stale, before.filter((r) => r.status === 'deployed').pop()!.revision)] : [];
  const fromInfo = { revision: from.revision, status: from.status, chartVersion: from.chartVersion, appVersion: from.appVersion };

  const marker = markers.begin('rollback', timeout);
  const verb = to ? `rollback of release "${release}" in namespace "${namespace}" to revision ${to.revision}` : `uninstall of release "${release}" in namespace "${namespace}"`;
  try {
    if (!to) {
      o.notify?.(`release "${release}" in namespace "${namespace}" was never deployed (revision ${from.revision} is ${from.status}): there is nothing to roll back to, so --recover uninstalls it (helm uninstall ${release} -n ${namespace})`);
      await helm.uninstall(release, timeout);
      markers.clearEnded();
      return { release, namespace, action: 'uninstall', from: fromInfo, to: null, revision: null, status: 'uninstalled', warnings };
    }
    const guard = new OperationGuard(helm.settings, release, { since: Date.now(), progress: o.progress, label: `rollback ${release}: `, failFast: false });
    try {
      await helm.rollback({ release, revision: to.revision, timeout, onStart: () => guard.start() });
    } finally {
      guard.stop();
    }
    if (o.recover) markers.clearEnded();
    const now = await helm.status(release);
    return {
      release,
      namespace,
      action: 'rollback',
      from: fromInfo,
      to: { revision: to.revision, chartVersion: to.chartVersion, appVersion: to.appVersion },
      revision: now.revision,
      status: now.status,
      warnings,
    };
  } catch (err) {
    if (err instanceof HelmInterrupted && (err.verb === 'rollback' || err.verb === 'uninstall')) {
      const revs = await readRevisions(helm, release);
      const last = Array.isArray(revs) ? revs[revs.length - 1] : undefined;
      if (last && isPending(last.status)) marker.leftPending(last.revision, last.status);
      const state = stateOf(revs);
      const left = last && isPending(last.status) ? `; revision ${last.revision} is left ${last.status} and no Helm is working on it any more` : '';
      throw new InterruptedError(`${verb} was interrupted by ${err.signal}; Helm was stopped and has exited${left} (${state})`, last && isPending(last.status) ? `run: ${recoverHow(release)}` : `see helm goservice history ${release}`);
    }
    if (err instanceof InterruptedError) throw new InterruptedError(`${verb} was interrupted by ${interruption() ?? 'a signal'} before Helm started it: nothing was changed`, 'run the rollback again');
    if (err instanceof HelmError && (err.verb === 'rollback' || err.verb === 'uninstall')) {
      const state = stateOf(await readRevisions(helm, release));
      throw new OperationError(
        err.unreachable ? `${verb} was not attempted: the Kubernetes cluster is unreachable (${err.reason})` : `${verb} failed: ${err.reason}${withWarnings(err.warnings)}\n${state}`,
        err.unreachable ? err.suggestion : `see helm goservice history ${release}; fix the cause above and run the rollback again`,
      );
    }
    throw err;
  } finally {
    marker.end();
  }
}
