// HelmClient: the Helm verbs the release flow needs, above the process runner.
// It detects Helm 3 vs Helm 4 once, builds the flags each major understands, and
// turns `-o json` output into one shape for both.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import valid from 'semver/functions/valid';
import { NotFoundError, OperationError, UsageError } from '../errors';
import { ProcessError, redactText, Runner, RunResult, processRunner, secretStrings } from '../process/run';
import { privateTempDir } from '../process/user-dir';
import { HelmInterrupted, helmOutput, HelmStopped, mapHelmError } from './errors';
import { mapRegistryVerbError } from './registry-errors';
import { HELM_VERSION, helmVersionCache } from './version-cache';

export type HelmMajor = 3 | 4;

/** Where and how to call Helm, from Helm's plugin environment. */
export interface HelmSettings {
  bin: string; // HELM_BIN (set by Helm for plugins), else "helm"
  namespace: string; // --namespace flag, else HELM_NAMESPACE, else "default"
  kubeContext?: string; // HELM_KUBECONTEXT
  env: NodeJS.ProcessEnv; // passed to Helm as is (KUBECONFIG, HELM_* ...)
}

/** HELM_BIN, HELM_NAMESPACE (unless -n), HELM_KUBECONTEXT and KUBECONFIG from the environment. */
export function helmClient(flags: { namespace?: string }): HelmClient {
  return new HelmClient(helmSettings(process.env, flags.namespace));
}

export function helmSettings(env: NodeJS.ProcessEnv = process.env, namespace?: string): HelmSettings {
  return {
    bin: env.HELM_BIN || 'helm',
    namespace: namespace || env.HELM_NAMESPACE || 'default',
    kubeContext: env.HELM_KUBECONTEXT || undefined,
    env,
  };
}

/** One revision of a release, the same on Helm 3 and Helm 4. */
export interface Revision {
  revision: number;
  updated: string | null; // ISO 8601, UTC
  status: string; // deployed, superseded, failed, pending-upgrade, ...
  chart: string; // chart name
  chartVersion: string;
  appVersion: string;
  description: string;
}

export interface ReleaseState extends Revision {
  name: string;
  namespace: string;
}

export interface UpgradeArgs {
  release: string;
  chart: string; // chart directory
  values: object; // written to a private temp file, passed with -f
  timeout: string; // Go duration, e.g. 5m
  wait: boolean; // wait until the release is ready (up to timeout)
  rollbackOnFailure: boolean;
  createNamespace?: boolean;
  dryRun?: boolean; // server-side dry run: nothing is stored
  stop?: AbortSignal; // stops Helm (SIGTERM): it marks the revision failed and, with rollbackOnFailure, rolls back
  onStart?: () => void; // Helm has started
}

export interface RollbackArgs {
  release: string;
  revision: number;
  timeout: string;
  onStart?: () => void; // Helm has started
}

export class HelmClient {
  private majorP?: Promise<HelmMajor>;

  constructor(readonly settings: HelmSettings, private readonly runner: Runner = processRunner) {}

  /** The Helm major version: `helm version` once per Helm binary (see version-cache.ts). */
  major(): Promise<HelmMajor> {
    this.majorP ??= (async () => {
      const { bin, env } = this.settings;
      const cache = helmVersionCache(bin, { env });
      const cached = cache?.read();
      let version = cached;
      if (!version) {
        const r = await this.runner.run(bin, ['version', '--template', '{{.Version}}'], { env });
        if (r.interrupted) throw new HelmInterrupted('version', r.interrupted, r.stderr);
        version = r.stdout.trim();
        if (r.code !== 0 || !/^v\d+\.\d+\.\d+\S*$/.test(version)) {
          const said = r.code !== 0 ? `exited with ${r.code}${r.stderr.trim() ? `: ${helmOutput(r.stderr).reason}` : ' and printed nothing'}` : `printed ${JSON.stringify(version.slice(0, 80))}`;
          throw new UsageError('HELM_BIN', `"${bin}" is not a working Helm: \`${bin} version\` ${said}; nothing was attempted`, 'point HELM_BIN at a Helm 3 or Helm 4 binary (run as a Helm plugin, Helm sets it)');
        }
      }
      const major = Number(/^v(\d+)\./.exec(version)?.[1]);
      if ((major !== 3 && major !== 4) || !HELM_VERSION.test(version)) throw new OperationError(`unsupported Helm version ${version} ("${bin}"); nothing was attempted`, 'use Helm 3 or Helm 4');
      if (!cached) cache?.write(version);
      return major;
    })();
    return this.majorP;
  }

  /** The argv of `helm upgrade --install` for this Helm major (values file given). */
  async upgradeArgs(a: UpgradeArgs, valuesFile: string): Promise<string[]> {
    const major = await this.major();
    const args = ['upgrade', a.release, a.chart, '--install', '--values', valuesFile, '--timeout', a.timeout, '--output', 'json'];
    if (a.createNamespace) args.push('--create-namespace');
    if (a.dryRun) args.push('--dry-run=server');
    else {
      if (a.wait) args.push(...waitFlag(major));
      if (a.rollbackOnFailure) args.push(major === 4 ? '--rollback-on-failure' : '--atomic');
    }
    return args;
  }

  /**
   * The new release, the warnings Helm relayed (e.g. Kubernetes API warnings)
   * and what it rendered (the manifest and hooks). The values go to Helm as a private file (0600 in a 0700
   * directory) that is removed on every exit path; no error or warning shows
   * any of their strings.
   */
  async upgrade(a: UpgradeArgs): Promise<ReleaseState & { warnings: string[]; manifest: string }> {
    const redact = secretStrings(a.values);
    const tmp = privateTempDir('goservice-values-', { env: this.settings.env });
    try {
      const file = join(tmp.path, 'values.json'); // JSON is YAML, and cheaper to load
      writeFileSync(file, JSON.stringify(a.values), { mode: 0o600, flag: 'wx' });
      const r = await this.helm(await this.upgradeArgs(a, file), { verb: 'upgrade', release: a.release, redact, stop: a.stop, onStart: a.onStart });
      const rel = parseJson(r.stdout, 'upgrade');
      return { ...toState(rel), warnings: helmOutput(r.stderr).warnings, manifest: renderedManifest(rel) };
    } finally {
      tmp.remove();
    }
  }

  /** Every stored revision, oldest first (Helm's --max default, 256, would hide older ones). */
  async history(release: string): Promise<Revision[]> {
    const args = ['history', release, '--output', 'json', '--max', String(ALL_REVISIONS)];
    const rows = parseJson((await this.helm(args, { verb: 'history', release, read: true })).stdout, 'history') as any[];
    return rows.map(toRevision).sort((x, y) => x.revision - y.revision);
  }

  /** The latest revision (`helm get metadata`: `helm status -o json` leaves out the chart). */
  async status(release: string): Promise<ReleaseState> {
    return fromMetadata(parseJson((await this.helm(['get', 'metadata', release, '--output', 'json'], { verb: 'get metadata', release, read: true })).stdout, 'get metadata'));
  }

  /** The manifest Helm stored for the release's latest revision; null when the release does not exist. */
  async manifest(release: string): Promise<string | null> {
    try {
      return (await this.helm(['get', 'manifest', release], { verb: 'get manifest', release, read: true })).stdout;
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  }

  async rollbackArgs(a: RollbackArgs): Promise<string[]> {
    return ['rollback', a.release, String(a.revision), '--timeout', a.timeout, ...waitFlag(await this.major())];
  }

  async rollback(a: RollbackArgs): Promise<void> {
    await this.helm(await this.rollbackArgs(a), { verb: 'rollback', release: a.release, onStart: a.onStart });
  }

  /** `helm uninstall` (waits for the objects to go), for a release that was never deployed. */
  async uninstall(release: string, timeout: string): Promise<void> {
    const major = await this.major();
    await this.helm(['uninstall', release, '--timeout', timeout, ...(major === 4 ? ['--wait=watcher'] : ['--wait'])], { verb: 'uninstall', release });
  }

  // Local verbs: no cluster, no namespace. Registry verbs read Helm's registry
  // login themselves (HELM_REGISTRY_CONFIG) and take --ca-file.

  /** `helm package DIR --destination DEST`: the archive's path. */
  async package(chartDir: string, destination: string): Promise<string> {
    const r = await this.local(['package', chartDir, '--destination', destination], 'package', chartDir);
    const file = /saved it to:\s*(\S.*\.tgz)\s*$/m.exec(r.stdout)?.[1];
    if (!file) throw new OperationError(`helm package ${chartDir}: could not read where the archive was written: ${r.stdout.slice(0, 200)}`);
    return file;
  }

  /** `helm push ARCHIVE oci://HOST/PATH`: the pushed reference and the chart manifest's digest. */
  async push(archive: string, remote: string, o: RegistryVerbOptions = {}): Promise<{ ref: string; digest: string }> {
    const r = await this.local(['push', archive, remote, ...caArgs(o)], 'push', remote, o.host);
    return pushedOrPulled(r, 'Pushed', 'push');
  }

  /** `helm pull oci://... --version V --destination DEST`: the archive's path and the chart manifest's digest. */
  async pull(ref: string, version: string, destination: string, o: RegistryVerbOptions = {}): Promise<{ ref: string; digest: string }> {
    const r = await this.local(['pull', ref, '--version', version, '--destination', destination, ...caArgs(o)], 'pull', `${ref}:${version}`, o.host);
    return pushedOrPulled(r, 'Pulled', 'pull');
  }

  /** `helm show chart REF [--version V]`: Chart.yaml's text. */
  async showChart(ref: string, o: RegistryVerbOptions & { version?: string } = {}): Promise<string> {
    const r = await this.local(['show', 'chart', ref, ...(o.version ? ['--version', o.version] : []), ...caArgs(o)], 'show chart', o.version ? `${ref}:${o.version}` : ref, o.host);
    return r.stdout;
  }

  private async local(args: string[], verb: string, target: string, host?: string): Promise<RunResult> {
    const { bin, env } = this.settings;
    const r = await this.runner.run(bin, args, { env });
    if (r.code === 0) return r;
    if (r.interrupted) throw new HelmInterrupted(verb, r.interrupted, r.stderr);
    await this.major();
    throw mapRegistryVerbError(new ProcessError(bin, args, r), verb, target, host);
  }

  /**
   * Runs a Helm verb in the configured namespace/context; failures become typed
   * errors. `read`: a read-only verb, allowed after SIGINT/SIGTERM to tell the
   * state an interrupted operation left. `redact`: strings no output may show.
   */
  private async helm(args: string[], o: { verb: string; release?: string; read?: boolean; redact?: string[]; stop?: AbortSignal; onStart?: () => void }): Promise<RunResult> {
    const { bin, namespace, kubeContext, env } = this.settings;
    const full = [...args, '--namespace', namespace, ...(kubeContext ? ['--kube-context', kubeContext] : [])];
    const raw = await this.runner.run(bin, full, { env, afterInterrupt: o.read, stop: o.stop, onStart: o.onStart });
    const r = { ...raw, stderr: redactText(raw.stderr, o.redact) }; // stdout is parsed, never shown, on success
    if (r.code === 0) return r;
    r.stdout = redactText(r.stdout, o.redact);
    if (r.interrupted) throw new HelmInterrupted(o.verb, r.interrupted, r.stderr);
    if (r.stopped) throw new HelmStopped(o.verb, r.stderr);
    await this.major(); // a HELM_BIN that is no Helm at all is told as such (a usage error), not as a failed verb
    throw mapHelmError(new ProcessError(bin, full, r), { verb: o.verb, release: o.release, namespace });
  }
}

export interface RegistryVerbOptions {
  caFile?: string; // --ca-file: a CA to trust for the registry
  host?: string; // the registry host, for error messages
}

const caArgs = (o: RegistryVerbOptions) => (o.caFile ? ['--ca-file', o.caFile] : []);

/** "Pushed: REF" / "Pulled: REF" and "Digest: sha256:..." from push/pull output (stdout on Helm 4, stderr on Helm 3). */
function pushedOrPulled(r: RunResult, word: string, verb: string): { ref: string; digest: string } {
  const text = `${r.stdout}\n${r.stderr}`;
  const ref = new RegExp(`^${word}: (\\S+)$`, 'm').exec(text)?.[1];
  const digest = /^Digest: (sha256:[a-f0-9]{64})$/m.exec(text)?.[1];
  if (!ref || !digest) throw new OperationError(`helm ${verb}: could not read the ${word.toLowerCase()} reference and digest from its output: ${text.trim().slice(0, 300)}`);
  return { ref, digest };
}

// More than any release keeps: `helm history` shows the newest --max revisions (default 256).
const ALL_REVISIONS = 1_000_000_000;

// Helm 3: --wait; Helm 4: a wait strategy, "watcher" being what --wait alone means.
const waitFlag = (major: HelmMajor) => (major === 4 ? ['--wait=watcher'] : ['--wait']);

function parseJson(stdout: string, verb: string): any {
  const start = stdout.search(/^[[{]/m); // skip any notice printed before the document
  try {
    return JSON.parse(stdout.slice(Math.max(start, 0)));
  } catch {
    throw new OperationError(`could not read the JSON output of helm ${verb}: ${stdout.slice(0, 200)}`);
  }
}

/** `helm history -o json` row -> Revision. Its chart is "name-version". */
export function toRevision(row: any): Revision {
  const { name, version } = splitChart(String(row.chart ?? ''));
  return {
    revision: Number(row.revision),
    updated: isoTime(row.updated),
    status: String(row.status ?? 'unknown'),
    chart: name,
    chartVersion: version,
    appVersion: String(row.app_version ?? ''),
    description: String(row.description ?? ''),
  };
}

/** `helm upgrade -o json` release document -> ReleaseState. */
export function toState(rel: any): ReleaseState {
  const meta = rel.chart?.metadata ?? {};
  return {
    name: String(rel.name ?? ''),
    namespace: String(rel.namespace ?? ''),
    revision: Number(rel.version ?? 0),
    updated: isoTime(rel.info?.last_deployed),
    status: String(rel.info?.status ?? 'unknown'),
    chart: String(meta.name ?? ''),
    chartVersion: String(meta.version ?? ''),
    appVersion: String(meta.appVersion ?? ''),
    description: String(rel.info?.description ?? ''),
  };
}

/** The objects of a release document: its manifest and the install/upgrade hooks (not test hooks). */
export function renderedManifest(rel: any): string {
  const hooks = Array.isArray(rel.hooks) ? rel.hooks : [];
  const run = hooks.filter((h: any) => Array.isArray(h?.events) && h.events.some((e: unknown) => /^(pre|post)-(install|upgrade)$/.test(String(e))));
  return [String(rel.manifest ?? ''), ...run.map((h: any) => String(h.manifest ?? ''))].join('\n---\n');
}

/** `helm get metadata -o json` -> ReleaseState (it has no description). */
export function fromMetadata(m: any): ReleaseState {
  return {
    name: String(m.name ?? ''),
    namespace: String(m.namespace ?? ''),
    revision: Number(m.revision ?? 0),
    updated: isoTime(m.deployedAt),
    status: String(m.status ?? 'unknown'),
    chart: String(m.chart ?? ''),
    chartVersion: String(m.version ?? ''),
    appVersion: String(m.appVersion ?? ''),
    description: '',
  };
}

/** "my-chart-1.2.0-rc.1" -> {name: "my-chart", version: "1.2.0-rc.1"}: the first "-" followed by a valid semver. */
export function splitChart(s: string): { name: string; version: string } {
  for (let i = s.indexOf('-'); i >= 0; i = s.indexOf('-', i + 1)) {
    if (valid(s.slice(i + 1))) return { name: s.slice(0, i), version: s.slice(i + 1) };
  }
  return { name: s, version: '' };
}

function isoTime(t: unknown): string | null {
  if (typeof t !== 'string' || !t || t.startsWith('0001-')) return null;
  const d = new Date(t);
  return isNaN(d.getTime()) ? null : d.toISOString();
}
