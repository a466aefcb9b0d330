// Runs a generated .gitlab-ci.yml for real with gitlab-ci-local's shell executor,
// in a throwaway git repository of a sample module, on this machine as the runner:
// `helm` (with the goservice plugin installed into an isolated Helm home), go and
// buildah (the project's local image store, which has the base images) on PATH;
// the registry credentials and KUBECONFIG as the runner's environment.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigPath, LocalRegistry } from './cluster';
import { moduleWithChart } from './ci-module';
import { HelmTool, repoRoot, toolPath } from './tools';

export interface Runner {
  repo: string; // the sample module, a git repository on branch main
  env: NodeJS.ProcessEnv; // the runner's environment (also for helm/kubectl checks)
  helm(args: string[]): { code: number; out: string };
  commit(message: string, change: (repo: string) => void): void;
  remove(): void;
}

const git = (repo: string, args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

/**
 * A sample repository whose pipeline is generated with `ci gitlab ciFlags`, and a
 * runner environment for it; `cache` holds the image store (scripts/buildah-local.sh's layout).
 */
export function gitlabRunner(helm: HelmTool, registry: LocalRegistry, ciFlags: string[], cache = process.env.GOSERVICE_CACHE ?? join(homedir(), '.cache/goservice')): Runner {
  const home = mkdtempSync(join(tmpdir(), `goservice-runner-${helm.name}-`));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(helm.bin, join(bin, 'helm'));
  const driver = spawnSync('cat', [join(cache, 'containers/driver')], { encoding: 'utf8' }).stdout.trim() || 'overlay';
  const storageConf = join(home, 'storage.conf');
  writeFileSync(storageConf, `[storage]\ndriver = "${driver}"\ngraphroot = "${join(cache, 'containers', driver, 'storage')}"\nrunroot = "${join(cache, 'containers', driver, 'run')}"\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    HELM_PLUGINS: join(home, 'helm/data/plugins'),
    HELM_DATA_HOME: join(home, 'helm/data'),
    HELM_CONFIG_HOME: join(home, 'helm/config'),
    HELM_CACHE_HOME: join(home, 'helm/cache'),
    GOSERVICE_CACHE: join(home, 'goservice'), // the plugin's own state (operation markers, chart cache)
    CONTAINERS_STORAGE_CONF: storageConf,
    BUILDAH_ISOLATION: 'chroot',
    TMPDIR: join(cache, 'containers/tmp'),
    KUBECONFIG: kubeconfigPath,
    GOSERVICE_REGISTRY_USER: registry.user,
    GOSERVICE_REGISTRY_PASSWORD: registry.password,
    GOSERVICE_REGISTRY_CA: registry.caFile,
  };
  const helmRun = (args: string[]) => {
    const r = spawnSync(helm.bin, args, { env, encoding: 'utf8' });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };
  const install = helmRun(['plugin', 'install', repoRoot, ...(helm.major === 4 ? ['--verify=false'] : [])]);
  if (install.code !== 0) throw new Error(`helm plugin install failed: ${install.out}`);

  const repo = moduleWithChart('withdeps');
  const gen = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), 'ci', 'gitlab', ...ciFlags], { cwd: repo, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`ci gitlab failed: ${gen.stdout}${gen.stderr}`);
  // The runner's state directory and the Go caches stay out of git and the image build context.
  writeFileSync(join(repo, '.gitignore'), '.gitlab-ci-local/\n.goservice-cache/\ngoservice-publish.*\n');
  appendFileSync(join(repo, '.dockerignore'), '.gitlab-ci-local\ngoservice-publish.*\n');
  git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'a Go service with its chart and pipeline']);
  return {
    repo,
    env,
    helm: helmRun,
    commit(message, change) {
      change(repo);
      git(repo, ['commit', '-q', '-a', '-m', message]);
    },
    remove() {
      rmSync(home, { recursive: true, force: true });
      rmSync(repo, { recursive: true, force: true });
    },
  };
}

export interface PipelineRun {
  code: number;
  seconds: number; // wall time of gitlab-ci-local
  log: string; // the whole output, colour codes removed
  jobs: Record<string, { seconds: number; passed: boolean; log: string }>;
}

const UNIT: Record<string, number> = { ms: 0.001, s: 1, min: 60 };

/** `gitlab-ci-local --force-shell-executor [jobs]` in the repository; never throws on a failed pipeline. */
export function runPipeline(runner: Runner, jobs: string[] = []): Promise<PipelineRun> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath('gitlab-ci-local'), ['--force-shell-executor', '--color=false', '--max-job-name-padding', '0', ...jobs], { cwd: runner.repo, env: runner.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const log = out.replace(/\x1b\[[0-9;]*m/g, '');
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ code: code ?? -1, seconds, log, jobs: jobTimes(log) });
    });
  });
}

/** Per job: its duration, whether it passed, and its own lines. */
export function jobTimes(log: string): PipelineRun['jobs'] {
  const jobs: PipelineRun['jobs'] = {};
  // "build finished in 35 s", or with the exit code: "deploy-staging finished in 51 s  FAIL 6"
  for (const m of log.matchAll(/^(\S+) finished in ([\d.]+) (ms|s|min)(?:\s+FAIL \d+)?\s*$/gm)) {
    const name = m[1];
    if (name === 'pipeline') continue;
    const lines = log.split('\n').filter((l) => l.startsWith(`${name} `));
    jobs[name] = { seconds: Number(m[2]) * UNIT[m[3]], passed: new RegExp(`^\\s*PASS\\s+${name}\\s*$`, 'm').test(log), log: lines.join('\n') };
  }
  return jobs;
}
