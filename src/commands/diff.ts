import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { chartVersionFlags, jsonFlag, namespaceFlag, valuesFlags } from '../flags';
import { helmClient } from '../helm/client';
import { diff } from '../release/diff';
import { formatDiff, useColour } from '../release/object-diff';

export default class Diff extends BaseCommand {
  static summary = 'Show what an upgrade with the same chart and values would change in the cluster';
  static description = `Helm renders the chart (upgrade --install --dry-run=server), the API server applies each object in a dry run (defaults and admission included), and the result is compared with the LIVE object, so manual changes (kubectl scale, kubectl edit) show as drift. Per object (Kind/namespace/name) a unified diff, then a summary line. Left out: status, managedFields, resourceVersion, uid, generation, timestamps, controller annotations, and the replicas of a workload an HPA scales. Secret values are never shown: keys read <changed>, <unchanged> or <added>. A release that does not exist yet shows every object as added. Nothing is stored.

Colours on a terminal only (not with NO_COLOR).

Exit codes: 0 done (with --detailed-exitcode: no changes), 2 usage, or with --detailed-exitcode: changes, 3 invalid values (or objects the API server refuses), 4 another operation on the release is in progress, 5 chart or namespace not found, 6 Helm or the API server failed, 7 a file could not be read, 130 interrupted.`;
  static examples = ['<%= config.bin %> diff hello', '<%= config.bin %> diff orders oci://ghcr.io/acme/charts/orders --version 1.4.1', '<%= config.bin %> diff hello charts/hello -f prod.yaml --set replicaCount=3 --detailed-exitcode'];
  static args = {
    release: Args.string({ required: true, description: 'release name' }),
    chart: Args.string({ description: 'chart directory, packaged chart (.tgz), or published chart oci://HOST/NAMESPACE/charts/NAME with --version (default: the single chart under ./charts)' }),
  };
  static flags = {
    ...valuesFlags,
    ...chartVersionFlags,
    'image-tag': Flags.string({ description: 'image tag to deploy (sets image.tag): letters, digits, "_", ".", "-", at most 128' }),
    'detailed-exitcode': Flags.boolean({ description: 'exit 2 when there are changes, 0 when there are none' }),
    ...namespaceFlag,
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diff);
    const r = await diff(helmClient(flags), { release: args.release, chart: args.chart, version: flags.version, caFile: flags['ca-file'], valuesFiles: flags.values, set: flags.set, imageTag: flags['image-tag'] });
    this.log(flags.json ? JSON.stringify(r, null, 2) : formatDiff(r.changes, useColour(process.stdout, process.env)));
    if (flags['detailed-exitcode'] && r.summary.changed + r.summary.added + r.summary.removed > 0) this.exit(2);
  }
}
