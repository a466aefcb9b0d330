// Real image builds for the integration tests: buildah with the project's local
// store (scripts/buildah-local.sh), run through argument arrays, never a shell string.
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const LOCAL = path.join(ROOT, 'scripts/buildah-local.sh');
const SETUP = 'bash scripts/buildah.sh && bash scripts/base-images.sh <go version>';

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}\n${r.stdout}${r.stderr}`;
    throw new Error(`${cmd} ${args.join(' ')} failed: ${why}`);
  }
  return r.stdout;
}

/** buildah with the local store; stdout, or an error carrying the command and its output. */
export function buildah(...args: string[]): string {
  return run('bash', [LOCAL, ...args]);
}

/** Makes the local base images (idempotent); fails with the setup command when buildah is missing. */
export function ensureBaseImages(goVersion: string): void {
  if (spawnSync('buildah', ['--version']).status !== 0) {
    throw new Error(`buildah is not installed; set up the image build tests with: ${SETUP}`);
  }
  run('bash', [path.join(ROOT, 'scripts/base-images.sh'), goVersion]);
}

/** The machine's Go module settings, passed as build args the way a proxy-bound user would. */
export function goProxyBuildArgs(): string[] {
  const env = JSON.parse(run('go', ['env', '-json', 'GOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOFLAGS'])) as Record<string, string>;
  return Object.entries(env)
    .filter(([, v]) => v !== '')
    .flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
}

/** `buildah build --layers --pull=never`; returns the build log (stdout + stderr). */
export function buildImage(context: string, tag: string, extra: string[] = []): string {
  const r = spawnSync('bash', [LOCAL, 'build', '--layers', '--pull=never', ...goProxyBuildArgs(), ...extra, '-t', tag, context], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const log = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`image build failed: bash ${LOCAL} build ... -t ${tag} ${context}\n${log}`);
  return log;
}

export interface ImageConfig {
  architecture: string;
  config: { User?: string; Entrypoint?: string[]; ExposedPorts?: Record<string, unknown> };
}

export function imageConfig(image: string): ImageConfig {
  return JSON.parse(buildah('inspect', '--type', 'image', image)).OCIv1;
}

/** Runs fn with a working container of image and its mounted root filesystem. */
export async function withContainer<T>(image: string, fn: (ctr: string, rootfs: string) => Promise<T> | T): Promise<T> {
  const ctr = buildah('from', '--pull=never', image).trim();
  try {
    return await fn(ctr, buildah('mount', ctr).trim());
  } finally {
    buildah('rm', ctr);
  }
}

/** Regular files and symlinks under root, as sorted absolute paths inside it. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push('/' + path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

export interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** `buildah run` of a container's entrypoint with env; the caller stops it. */
export function startContainer(ctr: string, entrypoint: string[], env: Record<string, string>): Running {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const child = spawn('bash', [LOCAL, 'run', ...envArgs, ctr, '--', ...entrypoint], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

/** The pid of a process named comm among the descendants of pid (from /proc). */
export function findDescendant(pid: number, comm: string): number | undefined {
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const d of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      names.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // the process exited while we looked
    }
  }
  const isDescendant = (p: number): boolean => {
    for (let q = parent.get(p); q !== undefined && q > 1; q = parent.get(q)) if (q === pid) return true;
    return false;
  };
  return [...names].find(([p, n]) => n === comm.slice(0, 15) && isDescendant(p))?.[0];
}

/** The real, effective, saved and filesystem uids of a process. */
export function processUids(pid: number): number[] {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(.*)$/m);
  return line ? line[1].trim().split(/\s+/).map(Number) : [];
}

/**
 * Whether this buildah sets BUILDPLATFORM for `FROM --platform=$BUILDPLATFORM` by
 * itself when building for another platform (newer ones do; 1.28 sets it for RUN
 * only). Probed with a one-line Dockerfile on a local image of the host's platform.
 */
export function buildahSetsBuildPlatform(localImage: string, foreignPlatform: string): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goservice-buildplatform-'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM --platform=$BUILDPLATFORM ${localImage}\n`);
    const r = spawnSync('bash', [LOCAL, 'build', '--pull=never', '--platform', foreignPlatform, '-t', 'localhost/goservice-test/buildplatform-probe', dir], { encoding: 'utf8' });
    return r.status === 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The environment under which a program that runs buildah itself (helm
 * goservice publish) uses the project's local store, isolation and cache
 * directory (scripts/buildah-local.sh), plus this machine's Go module settings.
 */
export function builderEnv(): NodeJS.ProcessEnv {
  const [storage, isolation, tmp] = run('bash', ['-c', `. ${JSON.stringify(LOCAL)} && printf '%s\\n' "$CONTAINERS_STORAGE_CONF" "$BUILDAH_ISOLATION" "$TMPDIR"`]).split('\n');
  const goEnv = JSON.parse(run('go', ['env', '-json', 'GOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOFLAGS'])) as Record<string, string>;
  return { ...goEnv, CONTAINERS_STORAGE_CONF: storage, BUILDAH_ISOLATION: isolation, TMPDIR: tmp };
}
