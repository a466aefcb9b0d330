// The release flow (bump, upgrade, history, rollback) with real Helm 3 and Helm 4
// against the local control plane: a real kube-apiserver, scheduler and
// controllers, kwok nodes. Commands run as users run them: the built CLI with
// Helm's plugin environment, and `helm goservice ...` through an installed plugin.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runBackground, until } from '../support/async';
import { fixtureCopy, RUN, runCli } from '../support/cli';
import { clusterNamespaces, kubeconfigPath, kubectl } from '../support/cluster';
import { HELMS, HelmTool, repoRoot } from '../support/tools';

jest.setTimeout(180_000);

const namespaces = clusterNamespaces(); // each test uses its own

/** A values file in a temp dir. */
function valuesFile(values: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gs-values-')), 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  return file;
}
const HPA_OFF = { autoscaling: { enabled: false } };
// No node has this label: pods stay Pending, so a waiting upgrade times out.
const UNSCHEDULABLE = { nodeAffinity: { required: [{ key: 'disktype', operator: 'In', values: ['tape'] }] } };

describe.each(HELMS.map((h) => [h.name, h] as const))('%s release flow', (_, helm: HelmTool) => {
  const home = mkdtempSync(join(tmpdir(), `gs-release-${helm.name}-`));
  const helmEnv = {
    KUBECONFIG: kubeconfigPath,
    // Helm 4.3.1 installs a local plugin under $HELM_DATA_HOME/plugins whatever
    // HELM_PLUGINS says, so both point there.
    HELM_PLUGINS: join(home, 'data', 'plugins'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** A fresh namespace and a Go module with its generated chart. */
  function setup(name: string, labels: Record<string, string> = {}) {
    const ns = `gs${helm.major}-${name}-${Math.random().toString(36).slice(2, 7)}`;
    namespaces.push(ns);
    const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
    expect(kubectl(['apply', '-f', '-'], { input: manifest }).code).toBe(0);
    const project = fixtureCopy('hello');
    const created = runCli(['create', 'hello'], { cwd: project });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const env = { ...helmEnv, HELM_BIN: helm.bin, HELM_NAMESPACE: ns };
    const chart = parse(readFileSync(join(project, 'charts/hello/Chart.yaml'), 'utf8'));
    return {
      ns,
      project,
      chartVersion: String(chart.version),
      appVersion: String(chart.appVersion),
      /** The plugin's CLI, as Helm runs it (HELM_BIN, HELM_NAMESPACE, KUBECONFIG). */
      gs: (args: string[]) => runCli(args, { cwd: project, env }),
      gsAsync: (args: string[]) => runBackground(process.execPath, [RUN, ...args], project, env).done,
      json: (args: string[]) => {
        const r = runCli([...args, '--json'], { cwd: project, env });
        if (r.code !== 0) throw new Error(`${args.join(' ')} failed (${r.code}): ${r.stderr}`);
        return JSON.parse(r.stdout);
      },
      /** Plain Helm in the test namespace. */
      helm: (args: string[]) => spawnSync(helm.bin, [...args, '-n', ns], { cwd: project, env: { ...process.env, ...helmEnv }, encoding: 'utf8' }),
    };
  }
  type Ctx = ReturnType<typeof setup>;

  const revisions = (c: Ctx) => JSON.parse(c.helm(['history', 'hello', '-o', 'json']).stdout) as { revision: number; status: string; chart: string }[];
  const deploymentJson = (c: Ctx) => JSON.parse(kubectl(['get', 'deployment', '-n', c.ns, '-o', 'json']).stdout).items[0];
  const podsOn = (c: Ctx) =>
    (JSON.parse(kubectl(['get', 'pods', '-n', c.ns, '-o', 'json']).stdout).items as any[])
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.spec.nodeName as string | undefined);

  it('the plugin installs into an isolated HELM_PLUGINS', () => {
    const args = ['plugin', 'install', repoRoot, ...(helm.major === 4 ? ['--verify=false'] : [])];
    const r = spawnSync(helm.bin, args, { env: { ...process.env, ...helmEnv }, encoding: 'utf8' });
    expect(r.stderr + r.stdout).toContain('goservice');
    expect(r.status).toBe(0);
  });

  it('1. install -> bump -> upgrade -> history -> rollback to the first chart version', () => {
    const c = setup('flow');
    const r1 = c.json(['upgrade', 'hello', '--timeout', '90s']);
    expect(r1).toMatchObject({ name: 'hello', namespace: c.ns, revision: 1, status: 'deployed', chart: 'hello', chartVersion: c.chartVersion, appVersion: c.appVersion });

    const b = c.json(['bump', 'minor', '--app-version', '1.1.0']);
    expect(b.version.from).toBe(c.chartVersion);
    expect(b.appVersion).toEqual({ from: c.appVersion, to: '1.1.0' });
    const r2 = c.json(['upgrade', 'hello', '--timeout', '90s']);
    expect(r2).toMatchObject({ revision: 2, status: 'deployed', chartVersion: b.version.to, appVersion: '1.1.0' });
    expect(deploymentJson(c).spec.template.spec.containers[0].image).toMatch(/:1\.1\.0$/);

    // history through the installed plugin: `helm goservice history -n NS`.
    const viaHelm = spawnSync(helm.bin, ['goservice', 'history', 'hello', '-n', c.ns, '--json'], { env: { ...process.env, ...helmEnv }, encoding: 'utf8' });
    expect(viaHelm.stderr).toBe('');
    const h = JSON.parse(viaHelm.stdout);
    expect(h).toMatchObject({ release: 'hello', namespace: c.ns, live: 2 });
    expect(h.revisions.map((r: any) => [r.revision, r.status, r.chartVersion, r.appVersion, r.live])).toEqual([
      [1, 'superseded', c.chartVersion, c.appVersion, false],
      [2, 'deployed', b.version.to, '1.1.0', true],
    ]);
    const table = c.gs(['history', 'hello']);
    expect(table.stdout).toMatch(/^2\*\s+\S+ \S+\s+deployed\s+hello-\S+\s+1\.1\.0\s+/m);
    expect(table.stdout).toContain('* live revision: 2');

    const rb = c.json(['rollback', 'hello']);
    expect(rb).toMatchObject({ from: { revision: 2 }, to: { revision: 1, chartVersion: c.chartVersion }, revision: 3, status: 'deployed' });
    const live = JSON.parse(c.helm(['get', 'metadata', 'hello', '-o', 'json']).stdout);
    expect([live.revision, live.status, live.version, live.appVersion]).toEqual([3, 'deployed', c.chartVersion, c.appVersion]);
    expect(deploymentJson(c).spec.template.spec.containers[0].image).not.toMatch(/:1\.1\.0$/);
  });

  it('2. a failing upgrade is rolled back automatically; the previous good revision is live', () => {
    const c = setup('autorb');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const bad = c.gs(['upgrade', 'hello', '-f', valuesFile(UNSCHEDULABLE), '--timeout', '15s', '--no-fail-fast']); // Helm's own wait and rollback
    expect(bad.code).toBe(6);
    expect(bad.stderr).toMatch(/upgrade of release "hello" .* failed and was rolled back/);
    expect(bad.stderr).toMatch(/live revision: 3 \(chart hello-/);
    expect(revisions(c).map((r) => [r.revision, r.status])).toEqual([[1, 'superseded'], [2, 'failed'], [3, 'deployed']]);
    expect(JSON.stringify(deploymentJson(c).spec.template.spec.affinity ?? {})).not.toContain('tape');
    const h = c.json(['history', 'hello']);
    expect(h.live).toBe(3);
    expect(h.revisions[1]).toMatchObject({ revision: 2, status: 'failed', live: false });
  });

  it('3. after two failed upgrades (--no-rollback), rollback lands on the last good revision', () => {
    const c = setup('norb');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    for (let i = 0; i < 2; i++) {
      const bad = c.gs(['upgrade', 'hello', '-f', valuesFile(UNSCHEDULABLE), '--timeout', '10s', '--no-rollback', '--no-fail-fast']);
      expect(bad.code).toBe(6);
      expect(bad.stderr).not.toContain('rolled back');
    }
    expect(revisions(c).map((r) => r.status)).toEqual(['deployed', 'failed', 'failed']);
    // Plain `helm rollback` would take revision 2, a failed one.
    const rb = c.json(['rollback', 'hello', '--timeout', '90s']);
    expect(rb).toMatchObject({ from: { revision: 3, status: 'failed' }, to: { revision: 1 }, revision: 4, status: 'deployed' });
    expect(JSON.stringify(deploymentJson(c).spec.template.spec.affinity ?? {})).not.toContain('tape');
  });

  it('4. invalid values are rejected before any call to the cluster', () => {
    const c = setup('invalid');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const r = c.gs(['upgrade', 'hello', '--set', 'resources.limits.memory=1GB', '--set', 'replicaCount=-1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('resources.limits.memory');
    expect(r.stderr).toContain('replicaCount');
    expect(revisions(c)).toHaveLength(1);
    // Decided without Helm or the cluster: HELM_BIN points nowhere and the
    // namespace does not exist, yet the answer is the same validation error.
    const elsewhere = runCli(['upgrade', 'hello', '--set', 'replicaCount=-1', '-n', 'no-such-namespace'], { cwd: c.project, env: { ...helmEnv, HELM_BIN: '/nonexistent/helm' } });
    expect(elsewhere.code).toBe(3);
  });

  it('5. two upgrades at once: one succeeds, the other is told an operation is in progress', async () => {
    const c = setup('race');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    // A holds the release until its pods can be scheduled: it needs a node label
    // that the test adds once B has been turned away.
    const label = `gs-race-${c.ns}`;
    const a = c.gsAsync(['upgrade', 'hello', '--timeout', '90s', '--quiet', '--no-fail-fast', '-f', valuesFile({ ...HPA_OFF, nodeAffinity: { required: [{ key: label, operator: 'Exists' }] } })]);
    await until(() => revisions(c).some((r) => r.status === 'pending-upgrade'), 30_000);
    const b = await c.gsAsync(['upgrade', 'hello', '--timeout', '90s', '--set', 'replicaCount=3']);
    try {
      expect(b.code).toBe(4);
      expect(b.stderr).toContain('another operation (install/upgrade/rollback) is in progress');
      expect(b.stderr).toContain(`helm goservice rollback hello --recover`);
      expect(kubectl(['label', 'node', 'node-a', `${label}=yes`]).code).toBe(0);
      const ra = await a;
      expect(ra.stderr).toBe('');
      expect(ra.code).toBe(0);
    } finally {
      kubectl(['label', 'node', 'node-a', `${label}-`]);
    }
    expect(revisions(c).map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0); // not left locked
  });

  it('5b. a release left pending by an interrupted upgrade is recovered with rollback --recover', async () => {
    const c = setup('recover');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const child = spawn(helm.bin, ['upgrade', 'hello', join(c.project, 'charts/hello'), '-n', c.ns, '--wait', '--timeout', '90s', '-f', valuesFile(UNSCHEDULABLE)], {
      env: { ...process.env, ...helmEnv },
      stdio: 'ignore',
    });
    await until(() => revisions(c).some((r) => r.status === 'pending-upgrade'), 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const refused = c.gs(['rollback', 'hello']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/pending-upgrade \(revision 2\)/);
    expect(refused.stderr).toContain('helm goservice rollback hello --recover (goes back to revision 1');
    expect(c.gs(['upgrade', 'hello']).code).toBe(4);

    // A Helm elsewhere could still be working on it: --recover waits out --grace (5m) ...
    const early = c.gs(['rollback', 'hello', '--recover']);
    expect(early.code).toBe(4);
    expect(early.stderr).toMatch(/revision 2 became pending-upgrade \d+s ago .*within the grace period of 5m/);
    expect(early.stderr).toContain('helm goservice rollback hello --recover --grace 0s');
    // ... unless told that none is.
    const rb = c.json(['rollback', 'hello', '--recover', '--grace', '0s', '--timeout', '90s']);
    expect(rb).toMatchObject({ from: { revision: 2, status: 'pending-upgrade' }, to: { revision: 1 }, revision: 3, status: 'deployed' });
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
  });

  it('6. a release or namespace that does not exist: clear error, non-zero exit', () => {
    const c = setup('missing');
    for (const cmd of [['history', 'nope'], ['rollback', 'nope'], ['history', 'hello', '-n', 'no-such-namespace']]) {
      const r = c.gs(cmd);
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/Error: release "(nope|hello)" not found in namespace "(gs\d-missing-\w+|no-such-namespace)"/);
      expect(r.stderr).toMatch(/Fix: /);
    }
    const up = c.gs(['upgrade', 'hello', '-n', 'no-such-namespace', '--timeout', '30s']);
    expect(up.code).toBe(5);
    expect(up.stderr).toContain('namespace "no-such-namespace" does not exist');
    expect(up.stderr).toContain('--create-namespace');
  });

  it('7. installs into a restricted Pod Security namespace with zero warnings; passes a server-side dry run', async () => {
    const c = setup('psa', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' });
    // Server-side dry run of the rendered manifests, before anything exists.
    const rendered = c.helm(['template', 'hello', 'charts/hello']);
    expect(rendered.status).toBe(0);
    const dry = kubectl(['apply', '--dry-run=server', '-n', c.ns, '-f', '-'], { input: rendered.stdout });
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    // The namespace does warn and enforce: the same dry run of a root pod is refused.
    const rootPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    expect(kubectl(['apply', '--dry-run=server', '-n', c.ns, '-f', '-'], { input: JSON.stringify(rootPod) }).stderr).toMatch(/violates? PodSecurity "restricted/);

    // Install: Helm relays every API warning, and there are none.
    const up = c.gs(['upgrade', 'hello', '--timeout', '90s', '--quiet']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const d = deploymentJson(c);
    expect(d.status.readyReplicas).toBe(d.spec.replicas);
    expect(kubectl(['get', 'events', '-n', c.ns, '--field-selector', 'reason=FailedCreate', '-o', 'name']).stdout.trim()).toBe('');
    expect(c.gs(['upgrade', 'hello', '--dry-run']).stdout).toMatch(/^\[dry run\] release hello/);
    expect(revisions(c)).toHaveLength(1);
  });

  it('8. node affinity: required is enforced, preferred is favoured by the real scheduler', () => {
    const req = setup('required');
    const r = req.gs(['upgrade', 'hello', '--timeout', '90s', '--quiet', '--set', 'replicaCount=6', '-f', valuesFile({ ...HPA_OFF, nodeAffinity: { required: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] } })]);
    expect(r.stderr).toBe('');
    const onRequired = podsOn(req);
    expect(onRequired).toHaveLength(6);
    expect(new Set(onRequired.map((n) => (n === 'node-a' || n === 'node-c' ? 'ssd' : n)))).toEqual(new Set(['ssd']));

    // node-b is the only hdd node: without the preference it would get about a third.
    const pref = setup('preferred');
    const p = pref.gs(['upgrade', 'hello', '--timeout', '90s', '--quiet', '--set', 'replicaCount=6', '-f', valuesFile({ ...HPA_OFF, nodeAffinity: { preferred: [{ weight: 100, key: 'disktype', operator: 'In', values: ['hdd'] }] } })]);
    expect(p.stderr).toBe('');
    const onPreferred = podsOn(pref);
    expect(onPreferred).toHaveLength(6);
    expect(onPreferred.filter((n) => n === 'node-b').length).toBeGreaterThan(3);
  });
});
