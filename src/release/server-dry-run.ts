// The API server's half of `upgrade --dry-run`. Helm's --dry-run=server renders
// the chart (with lookups) but never sends the objects, so a name or annotation
// the API server refuses passed it and failed for real. Here every rendered
// object goes to the API server as a server-side apply with dryRun=All: it is
// validated and admitted against the live cluster, and nothing is stored.
import { NotFoundError, ValidationError } from '../errors';
import { KubeClient, KubeSettings } from '../kube/client';
import { manifestObjects } from '../kube/manifest';

export interface ServerDryRunOptions {
  createNamespace?: boolean; // the real run would create the release namespace
}

/**
 * Throws a ValidationError listing `Kind/name: reason` for every object the API
 * server refuses; returns the warnings to show (the API server's, per object,
 * and which objects could not be checked).
 */
export async function serverDryRun(settings: KubeSettings & { namespace: string }, manifest: string, o: ServerDryRunOptions = {}): Promise<string[]> {
  const objects = manifestObjects(manifest, 'manifest rendered by Helm');
  if (!objects.length) return [];
  const kube = await KubeClient.connect(settings);
  const outcomes = await kube.dryRunApply(objects);
  const missing = [...new Set(outcomes.flatMap((r) => (r.missingNamespace ? [r.missingNamespace] : [])))];

  // A namespace the real run creates first (--create-namespace, or a Namespace in
  // the manifest) is itself checked; a dry run creates nothing, so the objects
  // that go in it cannot be: they are named instead.
  const inManifest = new Set(objects.filter((x) => x.kind === 'Namespace' && x.apiVersion === 'v1').map((x) => x.metadata.name));
  const created = (n: string) => inManifest.has(n) || (!!o.createNamespace && n === settings.namespace);
  const extra = missing.includes(settings.namespace) && created(settings.namespace) && !inManifest.has(settings.namespace) ? await kube.dryRunApply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: settings.namespace } }]) : [];
  const all = [...extra, ...outcomes];
  const refused = all.filter((r) => r.refusal);
  const warnings = all.flatMap((r) => r.warnings.map((w) => `Warning: ${r.ref}: ${w}`));
  if (refused.length) {
    throw new ValidationError(
      refused.map((r) => ({ path: r.ref, message: r.refusal! })),
      'objects (refused by the Kubernetes API server in a server-side dry run; nothing was stored)',
      'fix the values, release name or namespace that produce these objects (helm template shows them), then run again',
    );
  }
  const absent = missing.filter((n) => !created(n));
  if (absent.length) {
    throw new NotFoundError(
      `namespace ${absent.map((n) => `"${n}"`).join(', ')} does not exist, so the release's objects cannot be created there`,
      absent.includes(settings.namespace) ? 'check -n/--namespace (or HELM_NAMESPACE); to create it on install, pass --create-namespace' : 'create the namespaces the chart names, or change the chart',
    );
  }
  for (const n of missing) {
    const unchecked = outcomes.filter((r) => r.missingNamespace === n).map((r) => r.ref);
    warnings.push(`Warning: namespace "${n}" does not exist yet (the real run creates it; a dry run creates nothing), so the API server could not check ${unchecked.length} object(s): ${unchecked.join(', ')}`);
  }
  return warnings;
}
