// The built entry points (needs npm run build): bin/run.js evaluates oclif and the
// one command invoked, through V8 code caches written by a successful run; and
// bin/goservice (the plugin's command) keeps NODE_EXTRA_CA_CERTS from Node's
// start while every process the CLI starts still gets it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fixtureCopy } from '../support/cli';
import { repoRoot } from '../support/tools';

const scratch = mkdtempSync(join(tmpdir(), 'goservice-entry-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A run of `node [preload] bin/run.js args` from `root`, printing the bundles it evaluated on stderr. */
function run(root: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = scratch) {
  const preload = join(scratch, 'loaded.js');
  writeFileSync(preload, `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n`);
  const r = spawnSync(process.execPath, ['-r', preload, join(root, 'bin/run.js'), ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  const line = /^LOADED (.*)$/m.exec(r.stderr);
  const dist = join(root, 'dist');
  const loaded = (line ? (JSON.parse(line[1]) as string[]) : []).filter((f) => f.startsWith(`${dist}/`)).map((f) => relative(dist, f)).sort();
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}

describe('a start evaluates oclif, the command table and the invoked command only', () => {
  it.each([
    ['history', ['history', 'Bad_Name']],
    ['upgrade', ['upgrade', 'Bad_Name']],
    ['publish', ['publish', '--bump', 'sideways']],
  ])('%s', (id, args) => {
    const r = run(repoRoot, args);
    expect(r.code).toBe(2); // refused as usage: the command's own code ran
    expect(r.loaded).toEqual(['commands/' + id + '.js', 'goservice.js', 'oclif.js']);
  });

  it("upgrade loads Node's zlib for a packaged chart only, and never its crypto or fs/promises", () => {
    const helm = join(scratch, 'helm-unreachable');
    writeFileSync(helm, '#!/bin/sh\n[ "$1" = version ] && { echo v3.22.0; exit 0; }\necho "Error: Kubernetes cluster unreachable" >&2; exit 1\n', { mode: 0o755 });
    const tgz = join(scratch, 'hello.tgz');
    expect(spawnSync('tar', ['-czf', tgz, '-C', join(repoRoot, 'charts'), 'hello']).status).toBe(0);
    const builtins = (args: string[]) => {
      const preload = join(scratch, 'builtins.js');
      writeFileSync(preload, `process.on('exit', () => process.stderr.write('BUILTINS ' + process.moduleLoadList.filter((m) => /^NativeModule (zlib|crypto|fs\\/promises)$/.test(m)).map((m) => m.slice(13)).join(',') + '\\n'));\n`);
      const r = spawnSync(process.execPath, ['-r', preload, join(repoRoot, 'bin/run.js'), ...args], { cwd: scratch, env: { ...process.env, HELM_BIN: helm, HELM_NAMESPACE: 'ns' }, encoding: 'utf8' });
      expect(r.stderr).toContain('unreachable'); // Helm was run: the chart and values were read and checked
      return /^BUILTINS (.*)$/m.exec(r.stderr)?.[1];
    };
    expect(builtins(['upgrade', 'hello', join(repoRoot, 'charts/hello')])).toBe('');
    expect(builtins(['upgrade', 'hello', tgz])).toBe('zlib');
    expect(builtins(['history', 'hello'])).toBe('');
  });

  it('--help of a command reads oclif.manifest.json and loads no command', () => {
    const r = run(repoRoot, ['upgrade', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--no-fail-fast');
    expect(r.loaded).toEqual(['goservice.js', 'oclif.js']);
  });

  it('create reads a values file and renders without the Kubernetes client, ajv or re2js', () => {
    const module = fixtureCopy('hello');
    const r = run(repoRoot, ['create', 'hello', '--dry-run', '-f', join(repoRoot, 'charts/hello/values.yaml')], {}, module);
    rmSync(module, { recursive: true, force: true });
    expect(r.code).toBe(0);
    expect(r.loaded).toEqual(['commands/create.js', 'goservice.js', 'oclif.js']);
  });
});

describe('code caches', () => {
  let root: string;
  let module: string;
  const caches = () => readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.cache')).sort();
  const create = () => run(root, ['create', 'hello', '--dry-run'], {}, module);
  const tarball = join(scratch, 'goservice.tgz');
  beforeAll(() => {
    expect(spawnSync(process.execPath, [join(repoRoot, 'scripts/package.js'), tarball]).status).toBe(0);
  });
  beforeEach(() => {
    // The plugin as users install it (npm run package), with no cache yet.
    root = mkdtempSync(join(scratch, 'plugin-'));
    expect(spawnSync('tar', ['-xzf', tarball, '-C', root]).status).toBe(0);
    module = fixtureCopy('hello');
  });
  afterEach(() => {
    chmodSync(join(root, 'dist'), 0o755);
    chmodSync(join(root, 'dist/commands'), 0o755);
    rmSync(module, { recursive: true, force: true });
  });

  it('a failed run writes none; the first successful run writes those of the bundles it loaded', () => {
    expect(caches()).toEqual([]);
    expect(run(root, ['history', 'Bad_Name']).code).toBe(2);
    expect(caches()).toEqual([]);
    const first = create();
    expect(first.code).toBe(0);
    expect(caches()).toEqual(['commands/create.js.cache', 'goservice.js.cache', 'oclif.js.cache']);
    const again = create();
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
  });

  it('a damaged cache is not used, and the next successful run replaces it', () => {
    expect(create().code).toBe(0);
    const file = join(root, 'dist/commands/create.js.cache');
    const garbage = Buffer.alloc(4096, 0x5a);
    writeFileSync(file, garbage);
    const r = create();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('charts/hello/values.schema.json');
    expect(readFileSync(file).equals(garbage)).toBe(false);
  });

  it('a read-only install runs without caches', () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions: make writing fail another way, with a directory where the cache goes
      mkdirSync(join(root, 'dist/commands/create.js.cache'));
    } else {
      chmodSync(join(root, 'dist/commands'), 0o555);
      chmodSync(join(root, 'dist'), 0o555);
    }
    const r = create();
    expect(r.code).toBe(0);
    expect(r.stderr.replace(/^LOADED .*\n/m, '')).toBe('');
    const left = readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.cache\.\d+$/.test(f));
    expect(left).toEqual([]); // no half-written cache left behind
  });
});

describe('bin/goservice and NODE_EXTRA_CA_CERTS', () => {
  const missing = join(scratch, 'no-such-ca.pem');
  const nodeWarning = /Ignoring extra certs/;

  it('Node started directly reads the variable at start-up (the cost bin/goservice avoids)', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), '--version'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: missing }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(nodeWarning);
  });

  it('through bin/goservice Node does not read it at start-up, also when run from PATH', () => {
    const direct = spawnSync(join(repoRoot, 'bin/goservice'), ['--version'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: missing }, encoding: 'utf8' });
    expect(direct.status).toBe(0);
    expect(direct.stdout).toMatch(/^goservice\/0\.1\.0 /);
    expect(direct.stderr).not.toMatch(nodeWarning);
    const onPath = spawnSync('sh', ['-c', 'goservice --version'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: missing, PATH: `${join(repoRoot, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(onPath.status).toBe(0);
    expect(onPath.stdout).toMatch(/^goservice\/0\.1\.0 /);
  });

  it('the processes the CLI starts get the variable back as it was, and nothing else', () => {
    const seen = join(scratch, 'helm-env.txt');
    const fakeHelm = join(scratch, 'fake-helm');
    writeFileSync(fakeHelm, `#!/bin/sh\nenv >> "${seen}"\n[ "$1" = version ] && echo v3.22.0 && exit 0\necho 'Error: release: not found' >&2\nexit 1\n`, { mode: 0o755 });
    const r = spawnSync(join(repoRoot, 'bin/goservice'), ['history', 'hello'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: missing, HELM_BIN: fakeHelm }, encoding: 'utf8' });
    expect(r.status).toBe(5);
    const env = readFileSync(seen, 'utf8');
    expect(env).toContain(`\nNODE_EXTRA_CA_CERTS=${missing}\n`);
    expect(env).not.toContain('GOSERVICE_EXTRA_CA_CERTS');
    expect(r.stderr).not.toMatch(nodeWarning); // history opens no TLS connection, so the file is never read
  });

  it('an unset or empty variable is left alone', () => {
    const r = spawnSync(join(repoRoot, 'bin/goservice'), ['--version'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: '' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
