import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { jsonFlag, namespaceFlag, timeoutFlag, valuesFlags } from '../flags';
import { helmClient } from '../helm/client';
import { upgrade } from '../release/upgrade';

export default class Upgrade extends BaseCommand {
  static summary = 'Validate values locally, then install or upgrade the release, rolling back on failure';
  static examples = ['<%= config.bin %> upgrade hello --image-tag 1.4.0', '<%= config.bin %> upgrade hello charts/hello -f prod.yaml --set replicaCount=3'];
  static args = {
    release: Args.string({ required: true, description: 'release name' }),
    chart: Args.string({ description: 'chart directory (default: the single chart under ./charts)' }),
  };
  static flags = {
    ...valuesFlags,
    'image-tag': Flags.string({ description: 'image tag to deploy (sets image.tag)' }),
    ...timeoutFlag,
    'create-namespace': Flags.boolean({ description: 'create the namespace if it does not exist' }),
    'dry-run': Flags.boolean({ description: 'server-side dry run: render and validate in the cluster, store nothing' }),
    'no-rollback': Flags.boolean({ description: 'leave a failed upgrade in place instead of rolling back' }),
    ...namespaceFlag,
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Upgrade);
    const r = await upgrade(helmClient(flags), {
      release: args.release,
      chart: args.chart,
      valuesFiles: flags.values,
      set: flags.set,
      imageTag: flags['image-tag'],
      timeout: flags.timeout,
      createNamespace: flags['create-namespace'],
      dryRun: flags['dry-run'],
      rollback: !flags['no-rollback'],
    });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    if (flags.json) return this.log(JSON.stringify(r, null, 2));
    this.log(`${r.dryRun ? '[dry run] ' : ''}release ${r.name} in ${r.namespace}: revision ${r.revision} ${r.status} (chart ${r.chart}-${r.chartVersion}, app ${r.appVersion})`);
  }
}
