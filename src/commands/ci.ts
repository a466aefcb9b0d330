import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { DEFAULT_PLATFORMS, generateCi } from '../ci/generate';
import { DEFAULT_ENV, VERSION_FROM } from '../ci/options';
import { EXPECTED_VARIABLES } from '../ci/stages';
import { jsonFlag } from '../flags';

export default class Ci extends BaseCommand {
  static summary = 'Generate the CI pipeline (GitHub Actions or GitLab CI) that tests, publishes and deploys the service';
  static description = `Writes .github/workflows/goservice.yml (github) or .gitlab-ci.yml (gitlab): test (go vet, go test, Go caches keyed on go.sum and the Go version) -> build (helm goservice publish: image with a layer cache, chart version) -> deploy per --env (helm goservice upgrade --diff, rolls back on failure, one at a time per environment; production/prod needs approval) and a manual rollback job per environment.

Variables/secrets the pipeline expects (same names on both systems):
${EXPECTED_VARIABLES.map(([n, , w]) => `  ${n}: ${w}`).join('\n')}

Exit codes: 0 done, 2 usage, 3 invalid chart, 4 the file exists and differs (use --force), 5 module or chart not found, 7 file system.`;
  static examples = [
    '<%= config.bin %> ci github --registry oci://ghcr.io/acme --env staging=shop-staging --env production=shop',
    '<%= config.bin %> ci gitlab --env staging=shop-staging --version-from tag --stdout',
  ];
  static args = { system: Args.string({ required: true, description: 'github or gitlab' }) };
  static flags = {
    dir: Flags.string({ default: '.', description: 'root of the Go module (where go.mod is)' }),
    chart: Flags.string({ helpValue: 'DIR', description: 'chart directory inside the module (default: the single chart under charts/)' }),
    registry: Flags.string({ helpValue: 'oci://HOST/NS', description: 'registry namespace written into the pipeline (default: the GOSERVICE_REGISTRY variable)' }),
    env: Flags.string({ multiple: true, helpValue: 'NAME=NAMESPACE', description: `deployment environment and its namespace, in order (repeatable; production/prod are gated) [default: ${DEFAULT_ENV}]` }),
    branch: Flags.string({ default: 'main', description: 'branch whose pushes publish and deploy' }),
    'go-version': Flags.string({ description: 'Go version for the cache key and for runners without Go [default: go.mod toolchain/go directive]' }),
    release: Flags.string({ description: 'release name [default: the chart name]' }),
    'version-from': Flags.string({ default: 'registry', helpValue: VERSION_FROM.join('|'), description: 'registry: next patch after Chart.yaml and the registry, appVersion = commit; tag: a vX.Y.Z tag gives both' }),
    platform: Flags.string({ default: DEFAULT_PLATFORMS, description: 'image platforms (cross-compiled, no emulation)' }),
    force: Flags.boolean({ description: 'replace the file if it differs' }),
    'dry-run': Flags.boolean({ description: 'show what would be written; write nothing' }),
    stdout: Flags.boolean({ description: 'print the pipeline instead of writing it' }),
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Ci);
    const r = generateCi(args.system, {
      dir: flags.dir,
      chart: flags.chart,
      registry: flags.registry,
      env: flags.env ?? [],
      branch: flags.branch,
      goVersion: flags['go-version'],
      release: flags.release,
      versionFrom: flags['version-from'],
      platforms: flags.platform,
      force: flags.force,
      dryRun: flags['dry-run'],
      stdout: flags.stdout,
    });
    if (flags.json) return this.log(JSON.stringify(r, null, 2));
    if (r.content !== undefined) return void process.stdout.write(r.content);
    for (const f of r.files) this.log(`${f.action.padEnd(9)} ${f.path}${f.needsForce ? '  (needs --force)' : ''}`);
    if (r.dryRun) this.log('Dry run: nothing written.');
  }
}
