// HelmClient: the Helm verbs the release flow needs, above the process runner.
// It detects Helm 3 vs Helm 4 once, builds the flags each major understands, and
// turns `-o json` output into one shape for both.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { valid } from 'semver';
import { OperationError } from '../errors';
import { ProcessError, Runner, RunResult, processRunner } from '../process/run';
import { mapHelmError } from './errors';

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
}

export interface RollbackArgs {
  release: string;
  revision: number;
  timeout: string;
}

export class HelmClient {
  private majorP?: Promise<HelmMajor>;

  constructor(readonly settings: HelmSettings, private readonly runner: Runner = processRunner) {}

  /** The Helm major version: `helm version` once per Helm binary (see versionCache). */
  major(): Promise<HelmMajor> {
    this.majorP ??= (async () => {
      const cache = versionCache(this.settings.bin);
      let version = cache?.read();
      if (!version) {
        const r = await this.runner.run(this.settings.bin, ['version', '--template', '{{.Version}}'], { env: this.settings.env });
        if (r.code !== 0) throw new ProcessError(this.settings.bin, ['version'], r, 'check HELM_BIN points to a Helm 3 or Helm 4 binary');
        version = r.stdout.trim();
      }
      const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
      if (major !== 3 && major !== 4) throw new OperationError(`unsupported Helm version ${version}`, 'use Helm 3 or Helm 4');
      cache?.write(version);
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

  /** The new release, the warnings Helm relayed (e.g. Kubernetes API warnings) and what it rendered. */
  async upgrade(a: UpgradeArgs): Promise<ReleaseState & { warnings: string[]; manifest: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'goservice-values-'));
    try {
      const file = join(dir, 'values.json'); // JSON is YAML, and cheaper to load
      writeFileSync(file, JSON.stringify(a.values), { mode: 0o600 });
      const r = await this.helm(await this.upgradeArgs(a, file), a.release);
      const rel = parseJson(r.stdout, 'upgrade');
      return { ...toState(rel), warnings: r.stderr.split('\n').filter((l) => l.trim()), manifest: renderedManifest(rel) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Every stored revision, oldest first. */
  async history(release: string, max?: number): Promise<Revision[]> {
    const args = ['history', release, '--output', 'json', ...(max ? ['--max', String(max)] : [])];
    const rows = parseJson((await this.helm(args, release)).stdout, 'history') as any[];
    return rows.map(toRevision).sort((x, y) => x.revision - y.revision);
  }

  /** The latest revision (`helm get metadata`: `helm status -o json` leaves out the chart). */
  async status(release: string): Promise<ReleaseState> {
    return fromMetadata(parseJson((await this.helm(['get', 'metadata', release, '--output', 'json'], release)).stdout, 'get metadata'));
  }

  async rollbackArgs(a: RollbackArgs): Promise<string[]> {
    return ['rollback', a.release, String(a.revision), '--timeout', a.timeout, ...waitFlag(await this.major())];
  }

  async rollback(a: RollbackArgs): Promise<void> {
    await this.helm(await this.rollbackArgs(a), a.release);
  }

  /** Runs a Helm verb in the configured namespace/context; failures become typed errors. */
  private async helm(args: string[], release?: string): Promise<RunResult> {
    const { bin, namespace, kubeContext, env } = this.settings;
    const full = [...args, '--namespace', namespace, ...(kubeContext ? ['--kube-context', kubeContext] : [])];
    const r = await this.runner.run(bin, full, { env });
    if (r.code !== 0) throw mapHelmError(new ProcessError(bin, full, r), { release, namespace });
    return r;
  }
}

/**
 * The version of an absolute Helm binary (as HELM_BIN is for plugins), kept in the
 * temp dir under a key of its path, size and mtime: a replaced binary is asked
 * again. Saves a Helm start (~50-100 ms) on every upgrade and rollback.
 */
function versionCache(bin: string): { read(): string | undefined; write(v: string): void } | undefined {
  if (!isAbsolute(bin)) return undefined;
  let file: string;
  try {
    const st = statSync(bin);
    const key = createHash('sha256').update(`${realpathSync(bin)}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
    file = join(tmpdir(), `goservice-helm-version-${key}`);
  } catch {
    return undefined; // missing binary: let the run report it
  }
  return {
    read: () => {
      try {
        return readFileSync(file, 'utf8').trim() || undefined;
      } catch {
        return undefined;
      }
    },
    write: (v) => {
      try {
        writeFileSync(`${file}.${process.pid}`, v);
        renameSync(`${file}.${process.pid}`, file);
      } catch {} // no cache: ask again next time
    },
  };
}

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
