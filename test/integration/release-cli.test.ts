// Every release flag and exit code as users meet them: `helm goservice ...` through
// the plugin installed into an isolated Helm home, with Helm's own flags (-n,
// --kube-context), against Helm 3 and Helm 4 and the local control plane. The
// effect of each flag is read back from the cluster and from plain Helm.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { until } from '../support/async';
import { fixtureCopy, runCli } from '../support/cli';
import { clusterNamespaces, kubeconfigPath, kubectl } from '../support/cluster';
import { helmHomeEnv, HELMS, HelmTool, repoRoot } from '../support/tools';

jest.setTimeout(240_000);

const namespaces = clusterNamespaces();
// No node has this label: pods stay Pending, so a waiting upgrade times out.
const UNSCHEDULABLE = join(mkdtempSync(join(tmpdir(), 'gs-cli-values-')), 'unschedulable.yaml');
writeFileSync(UNSCHEDULABLE, JSON.stringify({ nodeAffinity: { required: [{ key: 'disktype', operator: 'In', values: ['tape'] }] } }));
afterAll(() => rmSync(join(UNSCHEDULABLE, '..'), { recursive: true, force: true }));

describe.each(HELMS.map((h) => [h.name, h] as const))('%s: helm goservice', (_, helm: HelmTool) => {
  const home = mkdtempSync(join(tmpdir(), `gs-cli-${helm.name}-`));
  const helmEnv = {
    KUBECONFIG: kubeconfigPath,
    ...helmHomeEnv(home),
    GOSERVICE_CACHE: join(home, 'gs-cache'),
  };
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, ...helmEnv, ...extra });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  beforeAll(() => {
    const install = spawnSync(helm.bin, ['plugin', 'install', repoRoot, ...(helm.major === 4 ? ['--verify=false'] : [])], { env: env(), encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`helm plugin install failed: ${install.stdout}${install.stderr}`);
  });

  /** A Go module (with its default chart unless told otherwise), and a namespace name of its own (not created). */
  function project(name: string, withChart = true) {
    const ns = `gc${helm.major}-${name}-${Math.random().toString(36).slice(2, 7)}`;
    namespaces.push(ns);
    const dir = fixtureCopy('hello');
    if (withChart) expect(runCli(['create', 'hello'], { cwd: dir }).code).toBe(0);
    /** `helm goservice ARGS -n NS`, as a user types it. */
    const hgs = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const r = spawnSync(helm.bin, ['goservice', ...args, '-n', ns], { cwd: dir, env: env(extra), encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const json = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const r = hgs([...args, '--json'], extra);
      if (r.code !== 0) throw new Error(`helm goservice ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    const plainHelm = (args: string[]) => spawnSync(helm.bin, [...args, '-n', ns], { env: env(), encoding: 'utf8' });
    const image = () => kubectl(['get', 'deployment', 'hello', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']).stdout;
    return { ns, dir, hgs, json, plainHelm, image };
  }

  it('create --service-port --memory-request --chart-dir, deployed: the Service and the pod spec carry them', () => {
    const p = project('createflags', false);
    const created = p.hgs(['create', 'hello', '--service-port', '8081', '--memory-request', '96Mi', '--chart-dir', 'deploy/hello']);
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    expect(created.stdout).toContain('created   deploy/hello/values.yaml');
    expect(readFileSync(join(p.dir, '.dockerignore'), 'utf8').split('\n')).toContain('deploy/hello'); // the chart stays out of the image
    expect(p.json(['upgrade', 'hello', 'deploy/hello', '--create-namespace', '--timeout', '90s'])).toMatchObject({ revision: 1, status: 'deployed' });
    const service = JSON.parse(kubectl(['get', 'service', 'hello', '-n', p.ns, '-o', 'json']).stdout);
    expect(service.spec.ports.map((x: any) => [x.port, x.targetPort])).toEqual([[8081, 'http']]);
    const container = JSON.parse(kubectl(['get', 'deployment', 'hello', '-n', p.ns, '-o', 'json']).stdout).spec.template.spec.containers[0];
    expect(container.resources.requests.memory).toBe('96Mi');
    expect(container.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 8080 })]);
  });

  it('upgrade --create-namespace --image-tag: the namespace is made and the Deployment runs that tag', () => {
    const p = project('newns');
    expect(kubectl(['get', 'namespace', p.ns]).code).not.toBe(0);
    const r = p.json(['upgrade', 'hello', '--create-namespace', '--image-tag', '1.2.3-rc.1', '--timeout', '90s']);
    expect(r).toMatchObject({ name: 'hello', namespace: p.ns, revision: 1, status: 'deployed' });
    expect(kubectl(['get', 'namespace', p.ns, '-o', 'jsonpath={.status.phase}']).stdout).toBe('Active');
    expect(p.image()).toMatch(/:1\.2\.3-rc\.1$/);
    expect(parse(p.plainHelm(['get', 'values', 'hello', '-o', 'yaml']).stdout)).toMatchObject({ image: { tag: '1.2.3-rc.1' } });
  });

  it('history --max, rollback REVISION, rollback --to-chart-version', () => {
    const p = project('revs');
    // Three revisions, each with its own chart version (bump) and image tag.
    const charts: string[] = [];
    for (const [i, tag] of ['1.0.0', '1.1.0', '1.2.0'].entries()) {
      if (i > 0) expect(p.hgs(['bump', 'patch']).code).toBe(0);
      charts.push(String(parse(readFileSync(join(p.dir, 'charts/hello/Chart.yaml'), 'utf8')).version));
      expect(p.json(['upgrade', 'hello', '--create-namespace', '--image-tag', tag, '--timeout', '90s'])).toMatchObject({ revision: i + 1, status: 'deployed', chartVersion: charts[i] });
    }
    expect(new Set(charts).size).toBe(3);

    const h = p.json(['history', 'hello', '--max', '2']);
    expect(h).toMatchObject({ live: 3, total: 3 });
    expect(h.revisions.map((r: any) => [r.revision, r.chartVersion])).toEqual([[2, charts[1]], [3, charts[2]]]);
    const table = p.hgs(['history', 'hello', '--max', '1']).stdout;
    expect(table).toMatch(/^3\*\s/m);
    expect(table).not.toMatch(/^[12]\s/m);

    // REVISION: the one named, not the last good one (2).
    expect(p.json(['rollback', 'hello', '1', '--timeout', '90s'])).toMatchObject({ from: { revision: 3 }, to: { revision: 1, chartVersion: charts[0] }, revision: 4, status: 'deployed' });
    expect(p.image()).toMatch(/:1\.0\.0$/);
    // --to-chart-version: the newest good revision of that chart version.
    expect(p.json(['rollback', 'hello', '--to-chart-version', charts[1], '--timeout', '90s'])).toMatchObject({ to: { revision: 2, chartVersion: charts[1] }, revision: 5, status: 'deployed' });
    expect(p.image()).toMatch(/:1\.1\.0$/);
    const after = p.json(['history', 'hello', '--max', '2']);
    expect(after.revisions.map((r: any) => [r.revision, r.chartVersion, r.live])).toEqual([[4, charts[0], false], [5, charts[1], true]]);
  });

  it('HELM_KUBECONTEXT and helm --kube-context choose the context, for Helm and for the dry run\'s API calls', () => {
    const p = project('context');
    expect(p.hgs(['upgrade', 'hello', '--create-namespace', '--timeout', '90s']).code).toBe(0);
    // A kubeconfig whose current context is a dead server; "local" is the real cluster.
    const real = parse(readFileSync(kubeconfigPath, 'utf8'));
    const ctx = real.contexts.find((c: any) => c.name === real['current-context']).context;
    const kc = join(home, `contexts-${p.ns}.yaml`);
    writeFileSync(kc, stringify({
      ...real,
      'current-context': 'nowhere',
      clusters: [...real.clusters, { name: 'dead', cluster: { server: 'https://127.0.0.1:1' } }],
      contexts: [{ name: 'nowhere', context: { cluster: 'dead', user: ctx.user } }, { name: 'local', context: ctx }],
    }));
    for (const args of [['history', 'hello'], ['upgrade', 'hello', '--dry-run']]) {
      const dead = p.hgs(args, { KUBECONFIG: kc });
      expect({ code: dead.code, unreachable: /unreachable/.test(dead.stderr) }).toEqual({ code: 6, unreachable: true });
      const byFlag = p.hgs([...args, '--kube-context', 'local'], { KUBECONFIG: kc });
      expect({ code: byFlag.code, stderr: byFlag.stderr }).toEqual({ code: 0, stderr: '' });
      const byEnv = p.hgs(args, { KUBECONFIG: kc, HELM_KUBECONTEXT: 'local' });
      expect({ code: byEnv.code, stderr: byEnv.stderr }).toEqual({ code: 0, stderr: '' });
      expect(byEnv.stdout).toBe(byFlag.stdout);
    }
  });

  it('exit codes pass through helm: 2 usage, 3 invalid values, 4 conflict, 5 not found, 6 a failed upgrade with Helm\'s own reason', () => {
    const p = project('codes');
    expect(p.hgs(['upgrade', 'hello', '--create-namespace', '--timeout', '90s']).code).toBe(0);
    const revisions = () => JSON.parse(p.plainHelm(['history', 'hello', '-o', 'json']).stdout).map((r: any) => r.status);

    const usage = p.hgs(['upgrade', 'hello', '--image-tag', '1.0 beta']);
    expect({ code: usage.code, stderr: usage.stderr }).toMatchObject({ code: 2, stderr: expect.stringContaining('--image-tag: "1.0 beta"') });
    const invalid = p.hgs(['upgrade', 'hello', '--set', 'replicaCount=-1']);
    expect({ code: invalid.code, stderr: invalid.stderr }).toMatchObject({ code: 3, stderr: expect.stringContaining('replicaCount') });
    writeFileSync(join(p.dir, 'Dockerfile'), 'FROM scratch\n');
    const conflict = p.hgs(['create', 'hello']);
    expect({ code: conflict.code, stderr: conflict.stderr }).toMatchObject({ code: 4, stderr: expect.stringContaining('--force') });
    const missing = p.hgs(['history', 'nope']);
    expect({ code: missing.code, stderr: missing.stderr }).toMatchObject({ code: 5, stderr: expect.stringContaining('release "nope" not found') });
    expect(revisions()).toEqual(['deployed']);

    // Pods that fit no node: Helm's wait fails, Helm rolls back; exit 6 (not Helm's 1)
    // and Helm's own reason in the message (--no-fail-fast: Helm's wait, not the watch, decides).
    const failed = p.hgs(['upgrade', 'hello', '-f', UNSCHEDULABLE, '--timeout', '10s', '--no-fail-fast']);
    expect(failed.code).toBe(6);
    expect(failed.stderr).toMatch(/upgrade of release "hello" .* failed and was rolled back/);
    expect(failed.stderr).toMatch(helm.major === 3 ? /context deadline exceeded/ : /context deadline exceeded|not ready/);
    expect(revisions()).toEqual(['superseded', 'failed', 'deployed']);
  });

  // Ctrl-C at a terminal signals the whole foreground process group: Helm (which
  // runs the plugin) and goservice alike. Helm dies of it at once, which a shell
  // reports as 130 (128 + SIGINT); goservice passes it on to its own Helm, waits for
  // it and reports the state on the same stderr before it exits.
  it('130: Ctrl-C at a terminal (SIGINT to the process group of helm goservice upgrade)', async () => {
    const p = project('ctrlc');
    expect(p.hgs(['upgrade', 'hello', '--create-namespace', '--timeout', '90s']).code).toBe(0);
    const child = spawn(helm.bin, ['goservice', 'upgrade', 'hello', '-n', p.ns, '-f', UNSCHEDULABLE, '--timeout', '90s', '--no-fail-fast'], { cwd: p.dir, env: env(), detached: true });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // 'close': the stderr pipe is closed, i.e. goservice (which holds it too) has exited.
    const closed = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0))));
    const statuses = () => JSON.parse(p.plainHelm(['history', 'hello', '-o', 'json']).stdout).map((r: any) => r.status);
    await until(() => statuses().includes('pending-upgrade'), 60_000, 'a pending upgrade');
    process.kill(-child.pid!, 'SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).toMatch(/^Error: upgrade of release "hello" in namespace "\S+" was interrupted by SIGINT; Helm was told to stop and has exited: failed and was rolled back/m);
    expect(statuses()).toEqual(['superseded', 'failed', 'deployed']);
  });
});
