import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureCopy } from '../support/cli';
import { helmHomeEnv, HELMS, repoRoot } from '../support/tools';

/** A Helm with a home of its own, so plugin installs stay out of the user's. */
function isolatedHelm(bin: string, name: string) {
  const home = mkdtempSync(join(tmpdir(), `goservice-${name}-`));
  const env = {
    ...process.env,
    ...helmHomeEnv(home),
  };
  const run = (args: string[], cwd = repoRoot) => {
    const r = spawnSync(bin, args, { cwd, env, encoding: 'utf8' });
    return { code: r.status, out: r.stdout + r.stderr };
  };
  return { home, env, run, remove: () => rmSync(home, { recursive: true, force: true }) };
}

// The plugin as users get it: installed into an isolated HELM_PLUGINS with
// `helm plugin install`, run through `helm goservice`, output linted by Helm.
describe.each(HELMS.map((h) => [h.name, h] as const))('%s plugin', (_, helm) => {
  const { env, run, remove } = isolatedHelm(helm.bin, helm.name);
  const verify = helm.major === 4 ? ['--verify=false'] : []; // Helm 4 checks provenance unless told not to
  afterAll(remove);

  it('installs from the project directory and lists its commands', () => {
    const install = run(['plugin', 'install', repoRoot, ...verify]);
    expect(install.out).toContain('goservice');
    expect(install.code).toBe(0);
    expect(run(['plugin', 'list']).out).toMatch(/goservice\s+0\.1\.0/);
    const help = run(['goservice', '--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['create', 'bump', 'diff', 'upgrade', 'history', 'rollback']) expect(help.out).toContain(cmd);
  });

  it('the install hook is idempotent: a second run installs and builds nothing', () => {
    const r = spawnSync('bash', [join(repoRoot, 'scripts/plugin-install.sh')], { env: { ...env, HELM_PLUGIN_DIR: repoRoot }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ready');
    expect(r.stdout).not.toMatch(/installing|building/);
  });

  it('installs from a git URL: the hook installs the npm packages and builds the clone', () => {
    const git = isolatedHelm(helm.bin, `${helm.name}-git`);
    const install = git.run(['plugin', 'install', `file://${repoRoot}`, ...verify], tmpdir());
    expect(install.out).toContain('goservice: building');
    expect(install.code).toBe(0);
    const dir = fixtureCopy('hello');
    const created = git.run(['goservice', 'create', 'hello', '--dry-run'], dir);
    expect(created.out).toContain('created   charts/hello/values.schema.json');
    expect(created.code).toBe(0);
    git.remove();
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  const combos: [string, string[]][] = [
    ['defaults (distroless, HPA on)', []],
    ['scratch, HPA off, replicas', ['--runtime', 'scratch', '--no-hpa', '--replicas', '3']],
    ['alpine, required + preferred affinity', ['--runtime', 'alpine', '--node-required', 'disktype=ssd', '--node-preferred', '50:topology.kubernetes.io/zone=zone-a']],
    ['memory target, custom port and resources', ['--memory-target', '70', '--port', '9000', '--cpu-request', '250m', '--cpu-limit', '1', '--memory-limit', '512Mi']],
  ];
  it.each(combos)('helm goservice create: %s -> helm lint --strict passes', (_, flags) => {
    const dir = fixtureCopy('hello');
    const created = run(['goservice', 'create', 'hello', ...flags], dir);
    expect(created.out).toContain('created   charts/hello/values.schema.json');
    expect(created.code).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('USER 65532:65532');
    const lint = run(['lint', '--strict', 'charts/hello'], dir);
    expect(lint.out).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(lint.code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a bad value through helm: message, exit 3 passed through', () => {
    const dir = fixtureCopy('hello');
    const r = run(['goservice', 'create', 'hello', '--memory-limit', '128MB'], dir);
    expect(r.code).toBe(3);
    expect(r.out).toContain('resources.limits.memory (--memory-limit)');
    rmSync(dir, { recursive: true, force: true });
  });
});
