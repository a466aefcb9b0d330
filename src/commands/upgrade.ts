import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { deployFlags, jsonFlag, namespaceFlag, releaseChartArgs, timeoutFlag } from '../flags';
import { helmClient } from '../helm/client';
import { diff } from '../release/diff';
import { formatDiff, useColour } from '../release/object-diff';
import { checkTimeout } from '../release/names';
import { upgrade, upgradeInputs } from '../release/upgrade';

export default class Upgrade extends BaseCommand {
  static summary = 'Validate values locally, then install or upgrade the release, rolling back on failure';
  static description = `RELEASE names the chart's objects, so it must be a DNS-1035 label: a lowercase letter first, then lowercase letters, digits and "-", at most 53 characters.

While Helm waits, progress goes to stderr: on a terminal one live line, otherwise one line per change, at most one every 2 s (none with --json or --quiet). As soon as the new pods certainly cannot come up (unschedulable for more than 10s, CrashLoopBackOff, ImagePullBackOff, ErrImagePull, InvalidImageName, CreateContainerConfigError for more than 10s, ProgressDeadlineExceeded), Helm is stopped (unless --no-fail-fast), which marks the revision failed and (unless --no-rollback) rolls back; the message gives the diagnosis: the reason, the pod's recent events, each container's state, last state and exit code, and its last 20 log lines. With --json the error object on stdout carries it: {"error": {..., "diagnosis": {...}}}.

On failure the message says what happened: not attempted (nothing changed), failed and rolled back, failed and the rollback failed too, or left in place (--no-rollback); with Helm's warnings (e.g. Pod Security) and the live revision. Values are never shown.

SIGINT/SIGTERM are passed on to Helm, which is waited for: it marks the new revision failed and, unless --no-rollback, rolls back (waiting up to --timeout). The message then says what state the release is in.

A published chart (oci://HOST/NAMESPACE/charts/NAME --version X) is pulled into the per-user cache ($GOSERVICE_CACHE/charts, keyed by its digest) with Helm's registry login; the values are checked against the schema inside that version before the cluster is touched, and Helm deploys that archive. A .tgz is read the same way.

Exit codes: 0 done, 2 usage (bad RELEASE, --image-tag, --timeout, --version, --ca-file, HELM_BIN), 3 invalid values, 4 another operation on the release is in progress or won a race, 5 chart, chart version, release or namespace not found, 6 the upgrade failed or was stopped with a diagnosis (or the cluster or registry is unreachable: nothing attempted), 7 a file could not be read, 130 interrupted.`;
  static examples = ['<%= config.bin %> upgrade hello --image-tag 1.4.0', '<%= config.bin %> upgrade orders oci://ghcr.io/acme/charts/orders --version 1.4.0 --diff', '<%= config.bin %> upgrade hello charts/hello -f prod.yaml --set replicaCount=3'];
  static args = releaseChartArgs;
  static flags = {
    ...deployFlags,
    ...timeoutFlag,
    'create-namespace': Flags.boolean({ description: 'create the namespace if it does not exist' }),
    'dry-run': Flags.boolean({ description: 'server-side dry run: render and validate in the cluster, store nothing' }),
    'no-rollback': Flags.boolean({ description: 'leave a failed upgrade in place instead of rolling back' }),
    diff: Flags.boolean({ description: 'first print what the upgrade will change (as helm goservice diff does), then apply it' }),
    'no-fail-fast': Flags.boolean({ description: 'wait the whole --timeout even when the new pods cannot come up (e.g. while a cluster autoscaler adds nodes)' }),
    quiet: Flags.boolean({ char: 'q', description: 'no progress lines while Helm waits' }),
    ...namespaceFlag,
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Upgrade);
    const helm = helmClient(flags);
    const inputs = { release: args.release, chart: args.chart, version: flags.version, caFile: flags['ca-file'], valuesFiles: flags.values, set: flags.set, imageTag: flags['image-tag'] };
    checkTimeout(flags.timeout); // a bad flag stops the command before the diff reads anything
    const prepared = flags.diff ? await upgradeInputs(helm, inputs) : undefined; // resolved once for the diff and the upgrade
    const changes = prepared ? await diff(helm, inputs, prepared) : undefined;
    if (changes && !flags.json) this.log(formatDiff(changes.changes, useColour(process.stdout, process.env)));
    const r = await upgrade(helm, {
      progress: flags.json || flags.quiet ? undefined : process.stderr,
      ...inputs,
      prepared,
      timeout: flags.timeout,
      createNamespace: flags['create-namespace'],
      dryRun: flags['dry-run'],
      rollback: !flags['no-rollback'],
      failFast: !flags['no-fail-fast'],
    });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    if (flags.json) return this.log(JSON.stringify(changes ? { ...r, diff: changes } : r, null, 2));
    this.log(`${r.dryRun ? '[dry run] ' : ''}release ${r.name} in ${r.namespace}: revision ${r.revision} ${r.status} (chart ${r.chart}-${r.chartVersion}, app ${r.appVersion})`);
  }
}
