import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { BUILDERS } from '../builder/builder';
import { caFileFlag, jsonFlag } from '../flags';
import { helmClient } from '../helm/client';
import { BUMP_LEVELS } from '../release/bump';
import { publish } from '../release/publish';

export default class Publish extends BaseCommand {
  static summary = 'Build and push the image, then package and push the chart pinned to that image by digest';
  static description = `Steps: (with --bump, --version or --version-from) choose the chart version; refuse (exit 4) if the registry already has it, before building anything; build the image from ./Dockerfile with buildah, podman or docker (the first on PATH, or --builder) and push it as HOST/NAMESPACE/NAME:APPVERSION (NAME: the last segment of the chart's image.repository); read its digest from the registry; package a copy of the chart with image.repository, image.tag and image.digest set, so that installing that version with no values runs exactly the pushed image; push it to oci://HOST/NAMESPACE/charts (--chart-registry to put charts elsewhere). With --bump, Chart.yaml (and values.yaml's image.tag when it follows appVersion) is written only after the chart push succeeded; --version and --version-from publish without editing the working copy (for CI).

Credentials: Helm's registry login (helm registry login HOST; HELM_REGISTRY_CONFIG, else Helm's default), for the image and the chart; they reach the builder only as a private authfile and are never printed. --ca-file trusts a private CA for both pushes (buildah/podman --cert-dir).

A failure says which step failed and what was already pushed (an image alone is harmless: no chart version refers to it).

Exit codes: 0 done, 2 usage (bad --registry, --version, --app-version, --platform, --ca-file, --builder), 3 invalid chart, 4 the chart version is already published, 5 no chart, Dockerfile or image builder found, 6 a build, push or registry call failed, 7 a file could not be read or written, 130 interrupted.`;
  static examples = [
    '<%= config.bin %> publish --registry oci://ghcr.io/acme --bump patch',
    '<%= config.bin %> publish --registry oci://ghcr.io/acme --version-from registry --app-version "$(git rev-parse --short HEAD)"',
    '<%= config.bin %> publish --registry oci://registry.internal:5000/team --version 1.4.0 --app-version 1.4.0 --ca-file ca.pem --platform linux/amd64,linux/arm64',
  ];
  static flags = {
    registry: Flags.string({ required: true, helpValue: 'oci://HOST/NAMESPACE', description: 'where the image goes (HOST/NAMESPACE/NAME) and, under charts/, the chart' }),
    'chart-registry': Flags.string({ helpValue: 'oci://HOST/PATH', description: 'where the chart goes instead of <registry>/charts' }),
    chart: Flags.string({ helpValue: 'DIR', description: 'chart directory (default: the single chart under ./charts)' }),
    bump: Flags.string({ helpValue: 'LEVEL', options: [...BUMP_LEVELS], description: 'raise the chart version like bump does; written only after the chart is pushed' }),
    preid: Flags.string({ description: 'prerelease identifier for --bump pre* levels, e.g. rc' }),
    version: Flags.string({ helpValue: 'X.Y.Z', description: 'publish as this chart version (the working copy is not edited)' }),
    'version-from': Flags.string({ helpValue: 'registry', description: 'registry: the next patch after the highest of Chart.yaml\'s version and the published ones (the working copy is not edited)' }),
    'app-version': Flags.string({ helpValue: 'V', description: 'appVersion and image tag (default: Chart.yaml\'s appVersion)' }),
    builder: Flags.string({ helpValue: BUILDERS.join('|'), description: 'image builder (default: the first of them on PATH)' }),
    platform: Flags.string({ helpValue: 'LIST', description: 'build for these platforms, e.g. linux/amd64,linux/arm64 (a manifest list)' }),
    'chart-only': Flags.boolean({ description: 'build nothing: pin the image already pushed as NAME:APPVERSION' }),
    'dry-run': Flags.boolean({ description: 'print the plan (versions, references); build, push and write nothing' }),
    ...caFileFlag,
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Publish);
    const r = await publish(helmClient({}), {
      registry: flags.registry,
      chartRegistry: flags['chart-registry'],
      chart: flags.chart,
      bump: flags.bump,
      preid: flags.preid,
      version: flags.version,
      versionFrom: flags['version-from'],
      appVersion: flags['app-version'],
      caFile: flags['ca-file'],
      builder: flags.builder,
      platform: flags.platform,
      chartOnly: flags['chart-only'],
      dryRun: flags['dry-run'],
      progress: (line) => process.stderr.write(`${line}\n`),
      buildLog: (chunk) => process.stderr.write(chunk),
    });
    if (flags.json) return this.log(JSON.stringify(r, null, 2));
    const dry = r.dryRun ? '[dry run] would publish ' : '';
    this.log(`${dry}chart ${r.chart.repository} version ${r.chart.version}${r.chart.digest ? ` (${r.chart.digest})` : ''}`);
    this.log(`${dry ? '[dry run] ' : ''}image ${r.image.reference}${r.image.digest ? `@${r.image.digest}` : ''}${r.image.built ? '' : ' (already in the registry)'}`);
    if (r.bumped) this.log(`Chart.yaml version ${r.bumped.from} -> ${r.bumped.to}`);
    if (!r.dryRun) this.log(`deploy it with: helm goservice upgrade RELEASE ${r.chart.repository} --version ${r.chart.version}`);
  }
}
