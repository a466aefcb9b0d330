// diff: what `upgrade` with the same chart and values would change in the
// cluster. Helm renders the chart (`upgrade --install --dry-run=server`, so
// lookups see the cluster), the API server applies each object in a dry run
// (defaults, admission), and the result is compared with the LIVE object, so
// manual changes (kubectl scale, kubectl edit) show up as drift. Objects of
// the release's stored manifest that the new one drops are shown as removed.
// Nothing is stored anywhere.
import { NotFoundError, ValidationError } from '../errors';
import { HelmClient } from '../helm/client';
import { KubeClient, RawObject } from '../kube/client';
import { KubeObject, manifestObjects } from '../kube/manifest';
import { DiffSummary, hpaTargets, ObjectChange, objectChange, summarize } from './object-diff';
import { ChartInputs, PreparedInputs, upgradeInputs } from './upgrade';

export type DiffOptions = ChartInputs;

export interface DiffResult {
  release: string;
  namespace: string;
  installed: boolean; // false: the release does not exist, every object is added
  changes: ObjectChange[]; // every object, unchanged ones included
  summary: DiffSummary;
}

/** `prepared`: the inputs upgradeInputs already resolved (upgrade --diff), so the chart is read once. */
export async function diff(helm: HelmClient, o: DiffOptions, prepared?: PreparedInputs): Promise<DiffResult> {
  const { release, chart, values } = prepared ?? (await upgradeInputs(helm, o));
  const namespace = helm.settings.namespace;
  const [rendered, stored] = await Promise.all([
    helm.upgrade({ release, chart, values, timeout: '5m', wait: false, rollbackOnFailure: false, dryRun: true }),
    helm.manifest(release),
  ]);
  const objects = manifestObjects(rendered.manifest, 'manifest rendered by Helm');
  const kube = await KubeClient.connect(helm.settings);
  const outcomes = await kube.dryRunApply(objects);
  const refused = outcomes.filter((r) => r.refusal);
  if (refused.length) {
    throw new ValidationError(
      refused.map((r) => ({ path: r.ref, message: r.refusal! })),
      'objects (refused by the Kubernetes API server in a server-side dry run; nothing was stored)',
      'fix the values that produce these objects (helm template shows them), then run again',
    );
  }
  const missing = [...new Set(outcomes.flatMap((r) => (r.missingNamespace ? [r.missingNamespace] : [])))];
  if (missing.length) throw new NotFoundError(`namespace ${missing.map((n) => `"${n}"`).join(', ')} does not exist, so the release's objects cannot be compared`, 'check -n/--namespace (or HELM_NAMESPACE)');

  const applied = outcomes.map((r) => r.applied ?? {});
  const scaled = hpaTargets(applied);
  const changes: ObjectChange[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < objects.length; i++) {
    const next = applied[i];
    const ref = refOf(next, objects[i]);
    seen.add(key(ref));
    const live = await kube.read(objects[i]);
    changes.push(objectChange(ref, live, next, { hpaManaged: scaled.has(`${ref.kind}/${ref.name}`) }));
  }
  for (const old of stored === null ? [] : manifestObjects(stored, `manifest of release "${release}"`)) {
    const live = await kube.read(old);
    const ref = refOf(live, old);
    if (seen.has(key(ref))) continue;
    seen.add(key(ref));
    changes.push(objectChange(ref, live ?? old, null));
  }
  return { release, namespace, installed: stored !== null, changes, summary: summarize(changes) };
}

function refOf(server: RawObject | null, o: KubeObject): { kind: string; namespace?: string; name: string } {
  const ns = server?.metadata?.namespace ?? o.metadata.namespace;
  return { kind: o.kind, ...(ns ? { namespace: String(ns) } : {}), name: o.metadata.name };
}

const key = (r: { kind: string; namespace?: string; name: string }) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;
