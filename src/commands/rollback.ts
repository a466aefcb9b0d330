import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { jsonFlag, namespaceFlag, timeoutFlag } from '../flags';
import { helmClient } from '../helm/client';
import { rollback } from '../release/rollback';

export default class Rollback extends BaseCommand {
  static summary = 'Roll a release back, by default to the last revision that was deployed successfully';
  static description = `Without REVISION, failed revisions are skipped (and so is an older revision still marked deployed after an operation finished out of order).

A release left pending-install/upgrade/rollback by an interrupted operation is refused unless --recover is given, which rolls it back to the last good revision, or, when the release was never deployed (only a pending-install or failed first install), uninstalls it after saying so.

Every rollback first checks that no operation on the release may still be running, and refuses (exit 4) if:
  - a goservice upgrade or rollback on the same context, namespace and release is still running: each one keeps a marker (pid and process start time, checked for liveness) in the per-user operations directory ($GOSERVICE_CACHE, else $XDG_CACHE_HOME/goservice, else ~/.cache/goservice);
  - a Helm process on this machine is working on the release (its arguments, read from /proc);
  - with --recover, the pending revision was written less than --grace ago: a Helm on another machine cannot be seen, and may still be waiting (up to its --timeout). A goservice command interrupted by SIGINT/SIGTERM waits for its Helm to exit and records that, so its pending revision is recovered at once.

While Helm waits, progress goes to stderr: on a terminal one live line, otherwise one line per change, at most one every 2 s (none with --json or --quiet).

Exit codes: 0 done, 2 usage, 4 an operation may still be running (or the release is pending: --recover), 5 release, revision or namespace not found, 6 the rollback failed, 130 interrupted (SIGINT/SIGTERM: passed on to Helm, which is waited for; the message says what state the release is in).`;
  static examples = ['<%= config.bin %> rollback hello', '<%= config.bin %> rollback hello 3', '<%= config.bin %> rollback hello --to-chart-version 0.1.0', '<%= config.bin %> rollback hello --recover', '<%= config.bin %> rollback hello --previous-version'];
  static args = {
    release: Args.string({ required: true, description: 'release name' }),
    revision: Args.integer({ min: 1, ignoreStdin: true, description: 'revision to go back to (default: the last good one)' }),
  };
  static flags = {
    'to-chart-version': Flags.string({ helpValue: 'X', description: 'go back to the newest good revision of this chart version' }),
    'previous-version': Flags.boolean({ description: 'go back to the newest good revision of the chart version before the live one (after an automatic rollback, the version before that)' }),
    recover: Flags.boolean({ description: 'roll back a release left pending by an interrupted operation (uninstall it if it was never deployed), once nothing may still be running on it' }),
    grace: Flags.string({ default: '5m', helpValue: 'DURATION', description: 'with --recover: refuse while the pending revision is younger than this (a Helm elsewhere may still work on it); 0s when you know none does' }),
    quiet: Flags.boolean({ char: 'q', description: 'no progress lines while Helm waits' }),
    ...timeoutFlag,
    ...namespaceFlag,
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Rollback);
    const r = await rollback(helmClient(flags), {
      release: args.release,
      revision: args.revision,
      toChartVersion: flags['to-chart-version'],
      previousVersion: flags['previous-version'],
      recover: flags.recover,
      timeout: flags.timeout,
      grace: flags.grace,
      notify: (line) => process.stderr.write(`${line}\n`),
      progress: flags.json || flags.quiet ? undefined : process.stderr,
    });
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    if (flags.json) return this.log(JSON.stringify(r, null, 2));
    if (!r.to) return this.log(`release ${r.release} in ${r.namespace}: uninstalled (it was never deployed; revision ${r.from.revision} was ${r.from.status})`);
    this.log(`release ${r.release} in ${r.namespace}: rolled back from revision ${r.from.revision} (${r.from.status}, chart ${r.from.chartVersion}) to revision ${r.to.revision} (chart ${r.to.chartVersion}, app ${r.to.appVersion}); now revision ${r.revision} ${r.status}`);
  }
}
