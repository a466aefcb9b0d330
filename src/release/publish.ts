// publish: release the module as artifacts. Check everything and ask the
// registry whether the chart version exists (a published version is immutable:
// exit 4 before anything is built), build the image and push it, read its
// digest from the registry, package the chart with that image pinned by digest,
// push the chart next to (never into) the image repository, and only then write
// the bump to the working copy. A failure names the step and what was already
// pushed; the working copy is untouched until the chart is in the registry.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { basename, join, resolve } from 'node:path';
import inc from 'semver/functions/inc';
import rcompare from 'semver/functions/rcompare';
import valid from 'semver/functions/valid';
import { parseDocument } from 'yaml';
import { BuilderCommands, findBuilder, parsePlatforms, readDigestFile, runSteps } from '../builder/builder';
import { ConflictError, ExitCode, GoserviceError, NotFoundError, UsageError, ValidationError } from '../errors';
import { HelmClient } from '../helm/client';
import { checkSemver, checkToken, matches, shownValue } from '../inputs/grammar';
import { holdInterrupts } from '../process/lifecycle';
import { ProcessError, Runner } from '../process/run';
import { privateTempDir, TempDir } from '../process/user-dir';
import { RegistryClient, readCaFile } from '../registry/client';
import { authFileText, readCredential } from '../registry/credentials';
import { child, OciLocation, ociUrl, parseOciUrl, tagVersion, versionTag } from '../registry/reference';
import { helmYamlText } from '../render/helm-yaml';
import { bump, nextVersion } from './bump';
import { findChartDir, readText } from './chart';
import { chartMeta } from './chart-source';

export interface PublishOptions {
  registry: string; // oci://HOST/NAMESPACE: the image goes to HOST/NAMESPACE/NAME
  chartRegistry?: string; // default: <registry>/charts
  chart?: string; // chart directory; default: the single chart under ./charts
  bump?: string; // a bump level: written to the working copy once the chart is pushed
  preid?: string;
  version?: string; // publish as this version (the working copy is left as is)
  versionFrom?: string; // "registry": next patch after Chart.yaml's and the registry's highest version
  appVersion?: string; // the image tag and the chart's appVersion
  caFile?: string;
  builder?: string;
  platform?: string; // comma-separated list
  chartOnly?: boolean; // no build: pin the image already pushed as NAME:appVersion
  dryRun?: boolean;
  cwd?: string; // the module (holds the Dockerfile)
  env?: NodeJS.ProcessEnv;
  runner?: Runner;
  progress?: (line: string) => void; // one line per step
  buildLog?: (chunk: string) => void; // the builder's output as it comes
}

export interface PublishResult {
  dryRun: boolean;
  chart: { name: string; version: string; repository: string; reference: string; digest: string | null };
  image: { repository: string; tag: string; reference: string; digest: string | null; built: boolean };
  bumped: { from: string; to: string } | null; // the working copy's version change (--bump)
  timings: { buildMs: number; imagePushMs: number; packageMs: number; chartPushMs: number };
}

type Step = 'registry check' | 'image build' | 'image push' | 'chart package' | 'chart push' | 'working copy update';

/** A failed step, told with what was already pushed; exit code and fix are the cause's. */
export class PublishError extends GoserviceError {
  constructor(readonly step: Step, readonly cause: GoserviceError | Error, pushed: string) {
    // A builder's own exit code says little: a failed build or push is exit 6 like any failed operation.
    const code = cause instanceof ProcessError || !(cause instanceof GoserviceError) ? ExitCode.failed : cause.exitCode;
    super(`publish failed at the ${step} step: ${cause.message}\n${pushed}`, code, cause instanceof GoserviceError ? cause.suggestion : undefined);
  }
}

interface Plan {
  chartDir: string;
  name: string;
  current: string; // Chart.yaml's version
  version: string;
  appVersion: string;
  imageRepo: OciLocation; // HOST/NAMESPACE/NAME
  chartRepo: OciLocation; // HOST/.../charts/NAME
  builder?: BuilderCommands;
  platforms: string[];
}

export function publish(helm: HelmClient, o: PublishOptions): Promise<PublishResult> {
  return holdInterrupts(() => publishHeld(helm, o));
}

async function publishHeld(helm: HelmClient, o: PublishOptions): Promise<PublishResult> {
  const env = o.env ?? process.env;
  const p = await plan(o, env);
  const registry = new RegistryClient(p.imageRepo.host, { caFile: o.caFile, env });
  const chartRegistry = p.chartRepo.host === p.imageRepo.host ? registry : new RegistryClient(p.chartRepo.host, { caFile: o.caFile, env });
  const timings = { buildMs: 0, imagePushMs: 0, packageMs: 0, chartPushMs: 0 };
  const imageRef = `${p.imageRepo.host}/${p.imageRepo.path}:${p.appVersion}`;
  const result: PublishResult = {
    dryRun: !!o.dryRun,
    chart: { name: p.name, version: p.version, repository: ociUrl(p.chartRepo), reference: `${p.chartRepo.host}/${p.chartRepo.path}:${versionTag(p.version)}`, digest: null },
    image: { repository: `${p.imageRepo.host}/${p.imageRepo.path}`, tag: p.appVersion, reference: imageRef, digest: null, built: !o.chartOnly },
    bumped: null,
    timings,
  };
  let pushed = 'nothing was pushed; the working copy is unchanged';
  let step: Step = 'registry check';
  const timed = async <T>(s: Step, key: keyof typeof timings | undefined, fn: () => Promise<T>): Promise<T> => {
    step = s;
    if (key) o.progress?.(`${s}...`);
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      if (key) timings[key] = Date.now() - t0;
    }
  };
  const work = privateTempDir('goservice-publish-', { env });
  try {
    // 1. Read-only checks: the version must be new; --chart-only needs the image already there.
    if (o.versionFrom !== undefined) {
      const taken = (await chartRegistry.tags(p.chartRepo.path)).map(tagVersion).filter((v) => valid(v) === v);
      p.version = inc([p.current, ...taken].sort(rcompare)[0], 'patch')!;
      result.chart.version = p.version;
      result.chart.reference = `${p.chartRepo.host}/${p.chartRepo.path}:${versionTag(p.version)}`;
    }
    const existing = await chartRegistry.digest(p.chartRepo.path, versionTag(p.version));
    if (existing) {
      throw new ConflictError(
        `chart ${p.name} version ${p.version} is already published (${result.chart.reference}, ${existing}); a published version is never replaced`,
        `publish a new version: --bump patch (or minor, major), --version X.Y.Z, or --version-from registry; see the published ones with: helm goservice versions ${ociUrl(p.chartRepo)}`,
      );
    }
    if (o.chartOnly) {
      result.image.digest = await registry.digest(p.imageRepo.path, p.appVersion);
      if (!result.image.digest) throw new NotFoundError(`--chart-only: there is no image ${imageRef} in the registry to pin`, 'publish without --chart-only to build and push it, or give the --app-version of an image that was pushed');
    }
    if (o.dryRun) return result;

    // 2. The image: built, pushed, its digest read back from the registry.
    if (p.builder) {
      const b = p.builder;
      const cwd = resolve(o.cwd ?? process.cwd());
      const buildArgs = imageBuildArgs(env, p.appVersion, p.platforms, b.name);
      await timed('image build', 'buildMs', () => runSteps(b.build({ context: cwd, dockerfile: join(cwd, 'Dockerfile'), image: imageRef, platforms: p.platforms, buildArgs }), { env, cwd, runner: o.runner, onOutput: o.buildLog }));
      const auth = builderAuth(work, b, p.imageRepo.host, o.caFile, env);
      const digestFile = join(work.path, 'digest');
      await timed('image push', 'imagePushMs', async () => {
        await runSteps(b.push({ image: imageRef, platforms: p.platforms, authDir: auth.dir, certDir: auth.certDir, digestFile }), { env, cwd, runner: o.runner, onOutput: o.buildLog });
        pushed = `already pushed: the image ${imageRef} (harmless: no chart version refers to it); no chart version was pushed; the working copy is unchanged`;
        const digest = await registry.digest(p.imageRepo.path, p.appVersion);
        const reported = readDigestFile(digestFile);
        if (!digest) throw new NotFoundError(`${b.name} pushed ${imageRef}, but the registry does not list it`);
        if (reported && reported !== digest) throw new ConflictError(`${b.name} pushed ${imageRef} as ${reported}, but the registry now has ${digest} under that tag: something else pushed it meanwhile`, 'publish again');
        result.image.digest = digest;
        pushed = `already pushed: the image ${imageRef}@${digest} (harmless: no chart version refers to it); no chart version was pushed; the working copy is unchanged`;
      });
    }

    // 3. The chart, with the image pinned by digest, packaged from a copy; 4. pushed.
    const archive = await timed('chart package', 'packageMs', () => packageChart(helm, p, result.image.repository, result.image.digest!, work.path));
    await timed('chart push', 'chartPushMs', async () => {
      if (await chartRegistry.digest(p.chartRepo.path, versionTag(p.version))) throw new ConflictError(`chart ${p.name} version ${p.version} was published by someone else meanwhile`, 'publish a new version');
      const remote = ociUrl({ host: p.chartRepo.host, path: p.chartRepo.path.split('/').slice(0, -1).join('/') });
      result.chart.digest = (await helm.push(archive, remote, { caFile: o.caFile, host: p.chartRepo.host })).digest;
    });
    pushed = `already pushed: the image ${imageRef}@${result.image.digest} and the chart ${result.chart.reference} (${result.chart.digest})`;

    // 5. Only now the working copy.
    if (o.bump !== undefined) {
      step = 'working copy update';
      const b = bump({ target: p.version, chart: p.chartDir, appVersion: o.appVersion, cwd: o.cwd });
      result.bumped = b.version;
    }
    return result;
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const left = step === 'working copy update' ? `${pushed}; the working copy was not updated: run helm goservice bump ${p.version}${o.appVersion ? ` --app-version ${o.appVersion}` : ''}` : pushed;
    throw new PublishError(step, err, left);
  } finally {
    work.remove();
    registry.close();
    if (chartRegistry !== registry) chartRegistry.close();
  }
}

/** Every flag checked and the chart read; nothing asked of the registry yet. */
async function plan(o: PublishOptions, env: NodeJS.ProcessEnv): Promise<Plan> {
  const base = parseOciUrl('--registry', o.registry, 'oci://ghcr.io/acme');
  const charts = o.chartRegistry === undefined ? child(base, 'charts') : parseOciUrl('--chart-registry', o.chartRegistry, 'oci://ghcr.io/acme/charts');
  const chosen = [o.bump !== undefined && '--bump', o.version !== undefined && '--version', o.versionFrom !== undefined && '--version-from'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(String(chosen[1]), `cannot be combined with ${chosen[0]}`, 'give one way of choosing the version');
  if (o.versionFrom !== undefined && o.versionFrom !== 'registry') throw new UsageError('--version-from', `${shownValue(o.versionFrom)} is not a version source`, 'use --version-from registry');
  if (o.preid !== undefined && o.bump === undefined) throw new UsageError('--preid', 'needs --bump', 'add --bump prerelease (or premajor, preminor, prepatch)');
  const version = o.version === undefined ? undefined : checkSemver('--version', o.version);
  if (o.appVersion !== undefined) checkToken('imageTag', '--app-version', o.appVersion);
  const platforms = parsePlatforms(o.platform);
  if (o.chartOnly && (o.builder !== undefined || o.platform !== undefined)) throw new UsageError(o.builder !== undefined ? '--builder' : '--platform', 'cannot be combined with --chart-only, which builds nothing', 'drop one of them');
  if (o.caFile !== undefined) readCaFile(o.caFile);
  const builder = o.chartOnly ? undefined : findBuilder(o.builder, env);
  if (builder?.name === 'docker' && o.caFile !== undefined) throw new UsageError('--ca-file', 'docker takes a registry\'s CA from its daemon, not from the command line', `put the CA in /etc/docker/certs.d/${base.host}/ca.crt, or use --builder buildah or podman`);
  if (builder) {
    const dockerfile = join(resolve(o.cwd ?? process.cwd()), 'Dockerfile');
    if (!existsSync(dockerfile)) throw new NotFoundError(`no Dockerfile in ${resolve(o.cwd ?? process.cwd())}`, 'run publish in the module directory (helm goservice create writes the Dockerfile), or publish the chart alone with --chart-only');
  }

  const chartDir = findChartDir(o.chart, o.cwd);
  const chartFile = join(chartDir, 'Chart.yaml');
  const meta = chartMeta(readText(chartFile), chartFile);
  if (!matches('chartName', meta.name)) throw new ValidationError([{ path: 'name', value: meta.name, message: 'must be a chart name: lowercase letters, digits and "-"' }], chartFile);
  if (valid(meta.version) !== meta.version) throw new ValidationError([{ path: 'version', value: meta.version, message: 'must be a SemVer 2 version such as 0.1.0' }], chartFile);
  const appVersion = o.appVersion ?? meta.appVersion;
  if (!matches('imageTag', appVersion)) {
    throw new ValidationError([{ path: 'appVersion', value: appVersion, message: 'is the image tag, so it must be one: letters, digits, "_", ".", "-"' }], chartFile, 'set appVersion in Chart.yaml, or give --app-version');
  }
  const repository = parseDocument(readText(join(chartDir, 'values.yaml'))).getIn(['image', 'repository']);
  if (typeof repository !== 'string' || !matches('imageRepository', repository)) {
    throw new ValidationError([{ path: 'image.repository', message: 'must name the image, e.g. ghcr.io/acme/orders: its last path segment is the image name in the registry' }], join(chartDir, 'values.yaml'));
  }
  const imageName = repository.split('/').pop()!;
  const chartRepo = child(charts, meta.name);
  const imageRepo = child(base, imageName);
  if (imageRepo.host === chartRepo.host && imageRepo.path === chartRepo.path) throw new UsageError('--chart-registry', `puts the chart into the image's repository ${ociUrl(imageRepo)}, where a chart version and an image tag could collide`, 'use another repository for charts, e.g. the default <registry>/charts');
  const next = o.bump !== undefined ? nextVersion(meta.version, o.bump, o.preid) : version ?? meta.version;
  return { chartDir, name: meta.name, current: meta.version, version: next, appVersion, imageRepo, chartRepo, builder, platforms };
}

/** VERSION (the app version, stamped into the binary), the Go module settings of this environment, BUILDPLATFORM for a cross-build. */
export function imageBuildArgs(env: NodeJS.ProcessEnv, appVersion: string, platforms: string[], builder: string): Record<string, string> {
  const args: Record<string, string> = { VERSION: appVersion };
  for (const k of ['GOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOFLAGS']) if (env[k]) args[k] = env[k]!;
  if (platforms.length && builder !== 'docker') args.BUILDPLATFORM = `linux/${GOARCH[arch()] ?? arch()}`;
  return args;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** The builder's private credentials (only this registry's login) and CA directory, inside `work`. */
function builderAuth(work: TempDir, b: BuilderCommands, host: string, caFile: string | undefined, env: NodeJS.ProcessEnv): { dir: string; certDir?: string } {
  const dir = join(work.path, 'auth');
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, b.authFileName), authFileText(host, readCredential(host, env)), { mode: 0o600, flag: 'wx' });
  if (!caFile) return { dir };
  const certDir = join(work.path, 'certs');
  mkdirSync(certDir, { mode: 0o700 });
  writeFileSync(join(certDir, 'ca.crt'), readCaFile(caFile), { mode: 0o600 });
  return { dir, certDir };
}

/** A copy of the chart with the version, appVersion and the image pinned by digest, packaged by Helm. */
async function packageChart(helm: HelmClient, p: Plan, repository: string, digest: string, work: string): Promise<string> {
  const copy = join(work, 'chart', p.name);
  cpSync(p.chartDir, copy, { recursive: true, filter: (src) => !basename(src).startsWith('.goservice-') });
  const chartFile = join(copy, 'Chart.yaml');
  const chart = parseDocument(readFileSync(chartFile, 'utf8'));
  chart.set('version', p.version);
  chart.set('appVersion', p.appVersion);
  writeFileSync(chartFile, helmYamlText(chart, chartFile));
  const valuesFile = join(copy, 'values.yaml');
  const values = parseDocument(readFileSync(valuesFile, 'utf8'));
  values.setIn(['image', 'repository'], repository);
  values.setIn(['image', 'tag'], p.appVersion);
  values.setIn(['image', 'digest'], digest);
  writeFileSync(valuesFile, helmYamlText(values, valuesFile));
  return helm.package(copy, join(work, 'out'));
}
