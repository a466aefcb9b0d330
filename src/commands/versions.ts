import { Args } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { caFileFlag, jsonFlag } from '../flags';
import { listVersions } from '../release/versions';

export default class Versions extends BaseCommand {
  static summary = 'List the chart versions published in a registry, newest first';
  static description = `Reads the registry's tag list (every page) with Helm's registry login (helm registry login; HELM_REGISTRY_CONFIG, else Helm's default). Tags that are no SemVer version are left out of the list (--json shows them as otherTags).

Exit codes: 0 done (an empty list when nothing is published), 2 usage (bad CHART, --ca-file), 6 the registry is unreachable, refused the login, is not trusted (--ca-file) or answered nonsense, 130 interrupted.`;
  static examples = ['<%= config.bin %> versions oci://ghcr.io/acme/charts/orders', '<%= config.bin %> versions oci://registry.internal:5000/team/charts/orders --ca-file ca.pem --json'];
  static args = { chart: Args.string({ required: true, description: 'published chart: oci://HOST/NAMESPACE/charts/NAME' }) };
  static flags = { ...caFileFlag, ...jsonFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Versions);
    const r = await listVersions(args.chart, { caFile: flags['ca-file'] });
    if (flags.json) return this.log(JSON.stringify(r, null, 2));
    if (!r.versions.length) return this.log(`no published versions of ${r.chart}`);
    this.log(r.versions.join('\n'));
  }
}
