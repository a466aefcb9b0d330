// The local control plane of scripts/cluster.sh (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok's fake nodes).
import { spawn, spawnSync, SpawnSyncOptions } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { kubectlBin, repoRoot, toolPath } from './tools';

export const kubeconfigPath = path.join(repoRoot, '.tools', 'cluster', 'kubeconfig');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Starts the cluster unless it is already up (the first start may build the
 * binaries and take minutes; later starts take seconds) and returns its
 * kubeconfig.
 */
export async function ensureCluster(): Promise<{ kubeconfig: string }> {
  const script = path.join(repoRoot, 'scripts', 'cluster.sh');
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('bash', [script, 'up'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    // Progress lines (a cold build takes minutes) go straight to the terminal.
    child.stderr.on('data', (d: Buffer) => {
      output.push(d.toString());
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
  });
  if (code !== 0) {
    throw new Error(`scripts/cluster.sh up failed (exit ${code}):\n${output.join('')}`);
  }
  return { kubeconfig: kubeconfigPath };
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Defaults to the local cluster's kubeconfig. */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs kubectl against the local cluster; never throws on a non-zero exit. */
export function kubectl(args: string[], opts: KubectlOptions = {}): RunResult {
  toolPath('kubectl');
  const options: SpawnSyncOptions = {
    encoding: 'utf8',
    input: opts.input,
    env: opts.env ?? process.env,
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  };
  const r = spawnSync(kubectlBin, ['--kubeconfig', opts.kubeconfig ?? kubeconfigPath, ...args], options);
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function check(what: string, r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r;
}

/** Creates (or labels an existing) namespace. */
export function createNamespace(name: string, labels: Record<string, string> = {}): void {
  const manifest = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
  check(`creating namespace ${name}`, kubectl(['apply', '-f', '-'], { input: manifest }));
}

/** Deletes a namespace and waits until it is gone. */
export function deleteNamespace(name: string): void {
  check(
    `deleting namespace ${name}`,
    kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=true', '--timeout=120s']),
  );
}

/**
 * For a test file on the local control plane: starts it before the file's tests
 * and returns the list of namespaces the tests create, deleted (in the background)
 * after them.
 */
export function clusterNamespaces(): string[] {
  const namespaces: string[] = [];
  beforeAll(async () => {
    await ensureCluster();
  }, 30 * 60_000);
  afterAll(() => {
    if (namespaces.length) kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...namespaces]);
  });
  return namespaces;
}

export interface LocalRegistry {
  /** host:port on 127.0.0.1 */
  host: string;
  user: string;
  password: string;
  /** Path of the local CA that signed the registry's certificate. */
  caFile: string;
}

/** The OCI registry `cluster.sh up` started, from .tools/cluster/registry.env. */
export function localRegistry(): LocalRegistry {
  const file = path.join(repoRoot, '.tools', 'cluster', 'registry.env');
  const vars: Record<string, string> = {};
  // Values are printf %q output of plain tokens: no quoting to undo.
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  for (const k of ['REGISTRY', 'REGISTRY_USER', 'REGISTRY_PASSWORD', 'REGISTRY_CA']) {
    if (!vars[k]) throw new Error(`${file} has no ${k}`);
  }
  return { host: vars.REGISTRY, user: vars.REGISTRY_USER, password: vars.REGISTRY_PASSWORD, caFile: vars.REGISTRY_CA };
}
