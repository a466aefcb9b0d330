import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { jsonFlag } from '../flags';
import { bump, BUMP_LEVELS } from '../release/bump';

export default class Bump extends BaseCommand {
  static summary = 'Raise the chart version (and appVersion), keeping image.tag in step';
  static description = `Edits Chart.yaml in place (comments and key order kept). A non-empty values.yaml image.tag equal to the old appVersion follows the new one; an empty tag already follows appVersion; any other tag is a pin and is kept.`;
  static examples = ['<%= config.bin %> bump minor --app-version 1.4.0', '<%= config.bin %> bump prerelease --preid rc', '<%= config.bin %> bump 2.0.0 --chart charts/orders'];
  static args = {
    target: Args.string({ ignoreStdin: true, description: `${BUMP_LEVELS.join('|')} or an explicit version`, default: 'patch' }),
  };
  static flags = {
    chart: Flags.string({ helpValue: 'DIR', description: 'chart directory (default: the single chart under ./charts)' }),
    preid: Flags.string({ description: 'prerelease identifier for pre* levels, e.g. rc' }),
    'app-version': Flags.string({ helpValue: 'V', description: 'new appVersion (the default image tag)' }),
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Bump);
    const r = bump({ target: args.target, chart: flags.chart, preid: flags.preid, appVersion: flags['app-version'] });
    if (flags.json) return this.log(JSON.stringify(r, null, 2));
    this.log(`${r.chartDir}: version ${r.version.from} -> ${r.version.to}`);
    if (r.appVersion.from !== r.appVersion.to) this.log(`appVersion ${r.appVersion.from} -> ${r.appVersion.to}`);
    if (r.imageTag?.updated) this.log(`values.yaml image.tag ${r.imageTag.from} -> ${r.imageTag.to}`);
    else if (r.imageTag && r.imageTag.from && r.appVersion.from !== r.appVersion.to) this.log(`values.yaml image.tag stays pinned at ${r.imageTag.from}`);
  }
}
