import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { createService } from '../create/create';
import { parseNodeTerm, parsePreferredTerm } from '../create/node-terms';
import { flagValues, valueFlagDefinitions } from '../create/value-flags';
import { jsonFlag, valuesFlags } from '../flags';
import { RUNTIMES, Runtime } from '../model';

export default class Create extends BaseCommand {
  static summary = 'Generate a schema-validated Helm chart and a paired multi-stage Dockerfile for the Go module here';
  static examples = [
    '<%= config.bin %> create orders',
    '<%= config.bin %> create orders --port 9090 --runtime scratch --cpu-request 200m --memory-limit 256Mi',
    '<%= config.bin %> create orders --no-hpa --replicas 3 --node-required disktype=ssd --node-preferred 80:topology.kubernetes.io/zone=zone-a',
    '<%= config.bin %> create orders -f prod-values.yaml --set autoscaling.maxReplicas=20 --dry-run',
  ];
  static args = { name: Args.string({ required: true, description: 'service and chart name (lowercase, digits, "-")' }) };
  static flags = {
    dir: Flags.string({ default: '.', description: 'root of the Go module (where go.mod is)' }),
    'chart-dir': Flags.string({ description: 'where the chart goes, relative to --dir [default: charts/NAME]' }),
    main: Flags.string({ description: 'main package to build, e.g. ./cmd/orders [default: detected]' }),
    runtime: Flags.string({ options: [...RUNTIMES], default: 'distroless', description: 'runtime base image of the Dockerfile' }),
    'go-version': Flags.string({ description: 'golang builder image tag [default: the oldest patched Go release at least as new as the go/toolchain lines of go.mod, e.g. 1.26]' }),
    'version-var': Flags.string({ description: 'variable set to the VERSION build arg with -ldflags -X, e.g. main.version' }),
    'app-version': Flags.string({ default: '0.1.0', description: 'Chart appVersion (and default image tag)' }),
    'chart-version': Flags.string({ default: '0.1.0', description: 'Chart version' }),
    ...valueFlagDefinitions,
    'node-required': Flags.string({ multiple: true, helpValue: 'TERM', description: 'required node affinity term: key=v1,v2 | key!=v | key | !key | key>N | key<N (repeatable, all must match)' }),
    'node-preferred': Flags.string({ multiple: true, helpValue: 'WEIGHT:TERM', description: 'preferred node affinity term with weight 1-100, e.g. 80:disktype=ssd (repeatable)' }),
    ...valuesFlags,
    'chart-only': Flags.boolean({ exclusive: ['dockerfile-only'], description: 'write only the chart' }),
    'dockerfile-only': Flags.boolean({ exclusive: ['chart-only'], description: 'write only Dockerfile and .dockerignore' }),
    force: Flags.boolean({ description: 'replace existing files that differ' }),
    'dry-run': Flags.boolean({ description: 'show what would be written; write nothing' }),
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Create);
    const result = createService({
      name: args.name,
      dir: flags.dir,
      chartDir: flags['chart-dir'],
      main: flags.main,
      goVersion: flags['go-version'],
      runtime: flags.runtime as Runtime,
      versionVariable: flags['version-var'],
      appVersion: flags['app-version'],
      chartVersion: flags['chart-version'],
      flagValues: flagValues(flags),
      nodeRequired: (flags['node-required'] ?? []).map((t) => parseNodeTerm('--node-required', t)),
      nodePreferred: (flags['node-preferred'] ?? []).map((t) => parsePreferredTerm('--node-preferred', t)),
      valuesFiles: flags.values ?? [],
      set: flags.set ?? [],
      chartOnly: flags['chart-only'],
      dockerfileOnly: flags['dockerfile-only'],
      force: flags.force,
      dryRun: flags['dry-run'],
    });
    for (const w of result.module.warnings) process.stderr.write(`Warning: ${w}\n`);
    if (flags.json) return this.log(JSON.stringify(result, null, 2));
    for (const f of result.files) this.log(`${f.action.padEnd(9)} ${f.path}${f.needsForce ? '  (needs --force)' : ''}`);
    this.log(`\n${result.dryRun ? 'Dry run: nothing written.' : 'Done.'} Go module ${result.module.modulePath} (main package ${result.module.mainPackage})`);
    const blocked = result.files.filter((f) => f.needsForce).length;
    if (blocked) this.log(`${blocked} existing file(s) differ: the real run needs --force to replace them.`);
    if (!result.dryRun) this.log(`Next: helm lint ${result.chartDir} && helm goservice upgrade ${args.name} ${result.chartDir}`);
  }
}
