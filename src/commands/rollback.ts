import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { jsonFlag, namespaceFlag, timeoutFlag } from '../flags';
import { helmClient } from '../helm/client';
import { rollback } from '../release/rollback';

export default class Rollback extends BaseCommand {
  static summary = 'Roll a release back, by default to the last revision that was deployed successfully';
  static description = `Without REVISION, failed revisions are skipped. A release left pending-install/upgrade/rollback by an interrupted operation is refused unless --recover is given, which rolls it back to the last good revision.`;
  static examples = ['<%= config.bin %> rollback hello', '<%= config.bin %> rollback hello 3', '<%= config.bin %> rollback hello --to-chart-version 0.1.0', '<%= config.bin %> rollback hello --recover'];
  static args = {
    release: Args.string({ required: true, description: 'release name' }),
    revision: Args.integer({ min: 1, description: 'revision to go back to (default: the last good one)' }),
  };
  static flags = {
    'to-chart-version': Flags.string({ helpValue: 'X', description: 'go back to the newest good revision of this chart version' }),
    recover: Flags.boolean({ description: 'roll back a release left pending by an interrupted operation' }),
    ...timeoutFlag,
    ...namespaceFlag,
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Rollback);
    const r = await rollback(helmClient(flags), { release: args.release, revision: args.revision, toChartVersion: flags['to-chart-version'], recover: flags.recover, timeout: flags.timeout });
    if (flags.json) return this.log(JSON.stringify(r, null, 2));
    this.log(`release ${r.release} in ${r.namespace}: rolled back from revision ${r.from.revision} (${r.from.status}, chart ${r.from.chartVersion}) to revision ${r.to.revision} (chart ${r.to.chartVersion}, app ${r.to.appVersion}); now revision ${r.revision} ${r.status}`);
  }
}
