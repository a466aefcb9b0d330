// The plugin as released: `npm run package` makes goservice-<version>.tgz, and
// `helm plugin install <URL of the tarball>` installs it on Helm 3 and Helm 4
// with no npm install and no network beyond fetching the tarball (served here
// from loopback: Helm 3 installs a tarball only from a URL, Helm 4 a local one
// only from a directory named after the plugin).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureCopy } from '../support/cli';
import { helmHomeEnv, HELMS, repoRoot } from '../support/tools';

jest.setTimeout(120_000);

const work = mkdtempSync(join(tmpdir(), 'gs-package-'));
const tarball = join(work, 'goservice-0.1.0.tgz');
let server: Server;
let url: string;
const requests: string[] = [];

beforeAll(async () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/package.js'), tarball], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run package failed: ${r.stderr}`);
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url !== '/releases/goservice-0.1.0.tgz') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/gzip' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(tarball));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases/goservice-0.1.0.tgz`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  rmSync(work, { recursive: true, force: true });
});

/** Runs a command without blocking this process (the tarball server lives in it). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = work): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

it('the archive holds the bundle, templates, schemas and a hook-free plugin.yaml, nothing to install', () => {
  const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  expect(list[0]).toBe('plugin.yaml');
  for (const f of ['bin/run.js', 'dist/goservice.js', 'dist/k8s.js', 'oclif.manifest.json', 'package.json', 'schemas/values.schema.json', 'templates/dockerfile/Dockerfile.hbs']) expect(list).toContain(f);
  expect(list.some((f) => f.startsWith('node_modules') || f.startsWith('src/') || f.startsWith('./'))).toBe(false);
  const plugin = spawnSync('tar', ['-xOzf', tarball, 'plugin.yaml'], { encoding: 'utf8' }).stdout;
  expect(plugin).toMatch(/^version: 0\.1\.0$/m);
  expect(plugin).not.toMatch(/hooks|npm/);
  // the same tree gives the same bytes
  const again = join(work, 'again.tgz');
  spawnSync(process.execPath, [join(repoRoot, 'scripts/package.js'), again]);
  expect(readFileSync(again).equals(readFileSync(tarball))).toBe(true);
});

describe.each(HELMS.map((h) => [h.name, h] as const))('%s', (_, helm) => {
  it('helm plugin install <tarball URL>, then helm goservice runs from it', async () => {
    const home = mkdtempSync(join(work, `${helm.name}-`));
    const env = {
      ...process.env,
      ...helmHomeEnv(home),
      npm_config_offline: 'true',
    };
    const before = requests.length;
    const install = await run(helm.bin, ['plugin', 'install', url, ...(helm.major === 4 ? ['--verify=false'] : [])], env);
    expect(install.out).toContain('goservice');
    expect(install.code).toBe(0);
    expect(requests.slice(before).filter((r) => r.startsWith('GET /releases/goservice-0.1.0.tgz')).length).toBeGreaterThanOrEqual(1);
    const dir = join(home, 'data/plugins/goservice');
    expect(existsSync(join(dir, 'dist/goservice.js'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);

    const list = await run(helm.bin, ['plugin', 'list'], env);
    expect(list.out).toMatch(/goservice\s+0\.1\.0/);
    const module = fixtureCopy('hello');
    const created = await run(helm.bin, ['goservice', 'create', 'hello', '--dry-run'], env, module);
    expect(created.out).toContain('created   charts/hello/values.schema.json');
    expect(created.code).toBe(0);
    const help = await run(helm.bin, ['goservice', 'publish', '--help'], env);
    expect(help.out).toContain('--registry');
    rmSync(module, { recursive: true, force: true });
  });
});
