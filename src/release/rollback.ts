// rollback: by default to the newest earlier revision that was deployed
// successfully (plain `helm rollback` takes current-1, which may have failed).
// A release left pending by an interrupted operation is refused unless
// --recover is given; Helm 3 and Helm 4 both roll a pending release back, which
// leaves the new rollback revision as the latest and unblocks later upgrades.
import { ConflictError, NotFoundError, UsageError } from '../errors';
import { HelmClient, Revision } from '../helm/client';
import { checkRelease, checkTimeout, isPending, wasDeployed } from './names';

export interface RollbackOptions {
  release: string;
  revision?: number;
  toChartVersion?: string;
  recover?: boolean;
  timeout?: string;
}

export interface RollbackResult {
  release: string;
  namespace: string;
  from: { revision: number; status: string; chartVersion: string; appVersion: string };
  to: { revision: number; chartVersion: string; appVersion: string };
  revision: number; // the new revision the rollback created
  status: string;
}

/** Which revision to go back to; pure, so it is tested on its own. */
export function pickTarget(revs: Revision[], o: Pick<RollbackOptions, 'release' | 'revision' | 'toChartVersion' | 'recover'>): Revision {
  const current = revs[revs.length - 1];
  if (!current) throw new NotFoundError(`release "${o.release}" has no revisions`);
  const good = revs.filter((r) => wasDeployed(r.status) && r.revision < current.revision).pop();
  if (isPending(current.status) && !o.recover) {
    throw new ConflictError(
      `release "${o.release}" is ${current.status} (revision ${current.revision}): an operation is in progress, or was interrupted and left it locked`,
      `if a helm operation is still running, wait for it; otherwise run: helm goservice rollback ${o.release} --recover` +
        (good ? ` (goes back to revision ${good.revision}, the last good one)` : ''),
    );
  }
  if (o.revision !== undefined && o.toChartVersion !== undefined) throw new UsageError('--to-chart-version', 'cannot be combined with REVISION', 'give one of them');
  if (o.revision !== undefined) {
    const r = revs.find((x) => x.revision === o.revision);
    if (!r) throw new NotFoundError(`release "${o.release}" has no revision ${o.revision}`, `choose one of: ${revs.map((x) => x.revision).join(', ')}`);
    return r;
  }
  if (o.toChartVersion !== undefined) {
    const r = revs.filter((x) => wasDeployed(x.status) && x.chartVersion === o.toChartVersion && x.revision < current.revision).pop();
    if (!r) {
      const versions = [...new Set(revs.filter((x) => wasDeployed(x.status)).map((x) => x.chartVersion))];
      throw new NotFoundError(`release "${o.release}" has no earlier good revision with chart version ${o.toChartVersion}`, `deployed chart versions: ${versions.join(', ') || 'none'}`);
    }
    return r;
  }
  if (!good) throw new NotFoundError(`release "${o.release}" has no earlier revision that was deployed successfully`, `see helm goservice history ${o.release}`);
  return good;
}

export async function rollback(helm: HelmClient, o: RollbackOptions): Promise<RollbackResult> {
  const release = checkRelease(o.release);
  const timeout = checkTimeout(o.timeout ?? '5m');
  const before = await helm.history(release);
  const from = before[before.length - 1];
  const to = pickTarget(before, o);
  await helm.rollback({ release, revision: to.revision, timeout });
  const now = await helm.status(release);
  return {
    release,
    namespace: helm.settings.namespace,
    from: { revision: from.revision, status: from.status, chartVersion: from.chartVersion, appVersion: from.appVersion },
    to: { revision: to.revision, chartVersion: to.chartVersion, appVersion: to.appVersion },
    revision: now.revision,
    status: now.status,
  };
}
