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

  // A namespace the real run creates (--create-namespace) is itself checked; a dry
  // run creates nothing, so the objects that go in it cannot be: they are named.
  const created = o.createNamespace && missing.includes(settings.namespace) ? await kube.dryRunApply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: settings.namespace } }]) : [];
  const refused = [...created, ...outcomes].filter((r) => r.refusal);
  const warnings = [...created, ...outcomes].flatMap((r) => r.warnings.map((w) => `Warning: ${r.ref}: ${w}`));
  if (refused.length) {
    throw new ValidationError(
      refused.map((r) => ({ path: r.ref, message: r.refusal! })),
      `objects (refused by the Kubernetes API server in a server-side dry run; nothing was stored)`,
      'fix the values or the release name that produce these objects (helm template shows them), then run again',
    );
  }
  const uncreated = missing.filter((ns) => !(o.createNamespace && ns === settings.namespace));
  if (uncreated.length) {
    throw new NotFoundError(
      `namespace ${uncreated.map((n) => `"${n}"`).join(', ')} does not exist, so the release's objects cannot be created there`,
      uncreated.includes(settings.namespace) ? 'check -n/--namespace (or HELM_NAMESPACE); to create it on install, pass --create-namespace' : 'create the namespaces the chart names, or change the chart',
    );
  }
  const unchecked = outcomes.filter((r) => r.missingNamespace);
  if (unchecked.length) {
    warnings.push(
      `Warning: namespace "${settings.namespace}" does not exist yet (the real run creates it; a dry run creates nothing), so the API server could not check ${unchecked.length} object(s): ${unchecked.map((r) => r.ref).join(', ')}`,
    );
  }
  return warnings;
}
