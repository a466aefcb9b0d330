// upgrade: merge and validate values locally (chart defaults + -f + --set +
// --image-tag against the chart's own values.schema.json and the cross-field
// rules), then `helm upgrade --install` that waits and rolls back on failure.
import { join } from 'node:path';
import { GoserviceError, NotFoundError, OperationError } from '../errors';
import { HelmClient, ReleaseState } from '../helm/client';
import { ProcessError } from '../process/run';
import { loadValuesFiles, mergeValues, parseSet, ValuesObject } from '../values/merge';
import { validateValues } from '../values/validate';
import { findChartDir, readSchema, readYamlMap } from './chart';
import { serverDryRun } from './server-dry-run';
import { checkRelease, checkTimeout } from './names';

export interface UpgradeOptions {
  release: string;
  chart?: string; // chart directory; default: the single chart under ./charts
  valuesFiles?: string[];
  set?: string[];
  imageTag?: string;
  timeout?: string; // default 5m
  createNamespace?: boolean;
  dryRun?: boolean;
  rollback?: boolean; // roll back on failure (default true)
  cwd?: string;
}

export interface UpgradeResult extends ReleaseState {
  dryRun: boolean;
  warnings: string[]; // what Helm printed on stderr, e.g. Pod Security warnings
}

/** The user's values (what Helm stores for the release), checked against the chart. */
export function prepareValues(chartDir: string, o: UpgradeOptions): ValuesObject {
  const user = mergeValues(
    ...loadValuesFiles(o.valuesFiles ?? []),
    parseSet(o.set ?? []),
    o.imageTag ? { image: { tag: o.imageTag } } : {},
  );
  const effective = mergeValues(readYamlMap(join(chartDir, 'values.yaml')), user);
  validateValues(effective, readSchema(chartDir) ?? {}, `values for chart ${chartDir}`);
  return user;
}

export async function upgrade(helm: HelmClient, o: UpgradeOptions): Promise<UpgradeResult> {
  const release = checkRelease(o.release);
  const timeout = checkTimeout(o.timeout ?? '5m');
  const chart = findChartDir(o.chart, o.cwd);
  helm.major().catch(() => {}); // `helm version` (local) runs while the values are checked
  const values = prepareValues(chart, o); // invalid values stop here, before Helm touches the cluster
  const rollback = o.rollback ?? true;
  try {
    const { manifest, ...state } = await helm.upgrade({ release, chart, values, timeout, wait: true, rollbackOnFailure: rollback, createNamespace: o.createNamespace, dryRun: o.dryRun });
    if (o.dryRun) state.warnings.push(...(await serverDryRun(helm.settings, manifest, { createNamespace: o.createNamespace }))); // the API server checks every object
    return { ...state, dryRun: !!o.dryRun };
  } catch (err) {
    if (!(err instanceof ProcessError)) throw err; // typed: conflict, not found, schema
    throw await failure(helm, release, err, rollback && !o.dryRun);
  }
}

/** A failed upgrade, told with the revision that is live now. */
async function failure(helm: HelmClient, release: string, err: ProcessError, rolledBack: boolean): Promise<GoserviceError> {
  const at = err.stderr.lastIndexOf('Error: ');
  const cause = at < 0 ? err.message : err.stderr.slice(at + 7).trim().replace(/\s*\n\s*/g, '; ');
  let live = 'no revision is live';
  try {
    const revs = await helm.history(release);
    const d = revs.filter((r) => r.status === 'deployed').pop();
    const last = revs[revs.length - 1];
    if (d) live = `live revision: ${d.revision} (chart ${d.chart}-${d.chartVersion}, app ${d.appVersion})`;
    if (last && last !== d) live += `; latest revision ${last.revision} is ${last.status}`;
  } catch (e) {
    live = e instanceof NotFoundError ? 'no revision is live (the failed install was removed)' : `live revision unknown: ${(e as Error).message}`;
  }
  return new OperationError(
    `upgrade of release "${release}" in namespace "${helm.settings.namespace}" failed${rolledBack ? ' and was rolled back' : ''}: ${cause}\n${live}`,
    `see helm goservice history ${release}; check the pods (kubectl get pods -n ${helm.settings.namespace}) and fix the values, then upgrade again`,
    err.exitCode,
  );
}

