// Hostile conditions for the release flow, with real Helm 3 and Helm 4 against
// the local control plane: signals mid-upgrade and mid-rollback, more than 256
// revisions, an unreachable cluster, a HELM_BIN that is not Helm, injection
// through --image-tag and the release name, concurrent installs, and secrets
// in values that must never be printed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runBackground, until } from '../support/async';
import { fixtureCopy, RUN, runCli } from '../support/cli';
import { clusterNamespaces, kubeconfigPath, kubectl } from '../support/cluster';
import { HELMS, HelmTool } from '../support/tools';

jest.setTimeout(240_000);

const namespaces = clusterNamespaces(); // each test uses its own

// No node has this label: pods stay Pending, so a waiting upgrade hangs until its timeout.
const UNSCHEDULABLE = { nodeAffinity: { required: [{ key: 'disktype', operator: 'In', values: ['tape'] }] } };
const SECRET = 'hunter2-Sup3rSecretToken';

describe.each(HELMS.map((h) => [h.name, h] as const))('%s under hostile conditions', (_, helm: HelmTool) => {
  const home = mkdtempSync(join(tmpdir(), `gs-hostile-${helm.name}-`));
  const cache = join(home, 'gs-cache'); // GOSERVICE_CACHE: markers, private temp files, Helm version cache
  const tmp = join(home, 'tmp'); // TMPDIR: must stay empty of values files
  mkdirSync(tmp);
  const helmEnv = {
    KUBECONFIG: kubeconfigPath,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  const gsEnv = { ...helmEnv, HELM_BIN: helm.bin, GOSERVICE_CACHE: cache, TMPDIR: tmp, XDG_RUNTIME_DIR: '' };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  function setup(name: string, release = 'hello') {
    const ns = `gh${helm.major}-${name}-${Math.random().toString(36).slice(2, 7)}`;
    namespaces.push(ns);
    expect(kubectl(['create', 'namespace', ns]).code).toBe(0);
    const project = fixtureCopy('hello');
    expect(runCli(['create', 'hello'], { cwd: project }).code).toBe(0);
    const env = { ...gsEnv, HELM_NAMESPACE: ns };
    const plainHelm = (args: string[]) => spawnSync(helm.bin, [...args, '-n', ns], { env: { ...process.env, ...helmEnv }, encoding: 'utf8' });
    return {
      ns,
      project,
      gs: (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: project, env: { ...env, ...extra } }),
      gsBackground: (args: string[]) => runBackground(process.execPath, [RUN, ...args], project, env),
      json: (args: string[]) => {
        const r = runCli([...args, '--json'], { cwd: project, env });
        if (r.code !== 0) throw new Error(`${args.join(' ')} failed (${r.code}): ${r.stderr}`);
        return JSON.parse(r.stdout);
      },
      /** [revision, status] of every stored revision, from Helm itself. */
      statuses: (rel = release): [number, string][] => {
        const r = plainHelm(['history', rel, '-o', 'json', '--max', '100000']);
        return r.status === 0 ? (JSON.parse(r.stdout) as any[]).map((x) => [x.revision, x.status]) : [];
      },
      affinity: () => JSON.stringify(JSON.parse(kubectl(['get', 'deployment', '-n', ns, '-o', 'json']).stdout).items[0]?.spec.template.spec.affinity ?? {}),
      helm: plainHelm,
    };
  }
  type Ctx = ReturnType<typeof setup>;

  function valuesFile(values: object): string {
    const file = join(mkdtempSync(join(home, 'values-')), 'values.yaml');
    writeFileSync(file, JSON.stringify(values));
    return file;
  }

  /** Helm processes of this test's binary still working in namespace ns (from /proc). */
  function helmsIn(ns: string): string[] {
    const out: string[] = [];
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        if (argv[0] === helm.bin && argv.includes(ns)) out.push(`${pid}: ${argv.join(' ')}`);
      } catch {
        // gone
      }
    }
    return out;
  }
  /** Values files left anywhere goservice may have put them. */
  const leftovers = () => [tmp, join(cache, 'tmp')].flatMap((d) => (existsSync(d) ? readdirSync(d).filter((n) => n.startsWith('goservice-values-')) : []));

  async function killMidUpgrade(c: Ctx, sig: NodeJS.Signals, extra: string[]) {
    const run = c.gsBackground(['upgrade', 'hello', '-f', valuesFile({ ...UNSCHEDULABLE, env: [{ name: 'API_TOKEN', value: SECRET }] }), '--timeout', '60s', '--no-fail-fast', '--quiet', ...extra]);
    await until(() => c.statuses().some(([, s]) => s === 'pending-upgrade'), 30_000, 'a pending-upgrade revision');
    await until(() => leftovers().length === 1, 5_000, 'the private values file');
    await new Promise((r) => setTimeout(r, 1500)); // Helm is now waiting for pods that never come
    const t0 = Date.now();
    run.child.kill(sig);
    const r = await run.done;
    return { ...r, ms: Date.now() - t0 };
  }

  it('SIGTERM mid-upgrade: Helm is told and waited for, it marks the revision failed and rolls back; exit 130 with that state; no Helm and no values file left; a later rollback picks a truly good revision', async () => {
    const c = setup('sigterm');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const r = await killMidUpgrade(c, 'SIGTERM', []);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.code).toBe(130);
    expect(helmsIn(c.ns)).toEqual([]);
    expect(leftovers()).toEqual([]);
    expect(r.stderr).toMatch(/^Error: upgrade of release "hello" in namespace "\S+" was interrupted by SIGTERM; Helm was told to stop and has exited: failed and was rolled back: context canceled\nrevision 2 is failed; live revision: 3 \(chart hello-/);
    expect(c.statuses()).toEqual([[1, 'superseded'], [2, 'failed'], [3, 'deployed']]); // one deployed, nothing pending
    expect(c.affinity()).not.toContain('tape');
    const rb = c.json(['rollback', 'hello', '--timeout', '90s']);
    expect(rb).toMatchObject({ from: { revision: 3 }, to: { revision: 1 }, revision: 4, status: 'deployed' });
    expect(c.affinity()).not.toContain('tape');
  });

  it('SIGINT mid-upgrade with --no-rollback: Helm marks the revision failed and leaves it; the message says so; rollback skips it', async () => {
    const c = setup('sigint');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const r = await killMidUpgrade(c, 'SIGINT', ['--no-rollback']);
    expect(r.code).toBe(130);
    expect(helmsIn(c.ns)).toEqual([]);
    expect(leftovers()).toEqual([]);
    expect(r.stderr).toMatch(/was interrupted by SIGINT; Helm was told to stop and has exited: failed, it was left in place \(--no-rollback\): context canceled\nrevision 2 is failed; revision 1 is still marked deployed, but the cluster runs what revision 2 applied/);
    expect(c.statuses()).toEqual([[1, 'deployed'], [2, 'failed']]);
    expect(c.affinity()).toContain('tape');
    const rb = c.json(['rollback', 'hello', '--timeout', '90s']);
    expect(rb).toMatchObject({ from: { revision: 2, status: 'failed' }, to: { revision: 1 }, revision: 3, status: 'deployed' });
    expect(c.affinity()).not.toContain('tape');
  });

  it('SIGTERM mid-rollback: Helm dies leaving pending-rollback; the message says no Helm is left; --recover then works at once', async () => {
    const c = setup('rbsig');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    expect(c.gs(['upgrade', 'hello', '-f', valuesFile(UNSCHEDULABLE), '--timeout', '5s', '--no-rollback']).code).toBe(6);
    // Back to revision 1 with a rollback: on Helm 3 an upgrade would compute its
    // changes from revision 1 and keep what failed revision 2 applied.
    expect(c.gs(['rollback', 'hello', '--timeout', '90s']).code).toBe(0);
    expect(c.statuses()).toEqual([[1, 'superseded'], [2, 'failed'], [3, 'deployed']]);
    const run = c.gsBackground(['rollback', 'hello', '2', '--timeout', '60s', '--quiet']); // to the unschedulable revision: waits
    await until(() => c.statuses().some(([, s]) => s === 'pending-rollback'), 30_000, 'a pending-rollback revision');
    await new Promise((r) => setTimeout(r, 1000));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(helmsIn(c.ns)).toEqual([]);
    expect(r.stderr).toMatch(/^Error: rollback of release "hello" in namespace "\S+" to revision 2 was interrupted by SIGTERM; Helm was stopped and has exited; revision 4 is left pending-rollback and no Helm is working on it any more/);
    expect(r.stderr).toContain('Fix: run: helm goservice rollback hello --recover');
    // No grace period to wait out: this process waited for its Helm and recorded that.
    const rec = c.json(['rollback', 'hello', '--recover', '--timeout', '90s']);
    expect(rec).toMatchObject({ action: 'rollback', from: { revision: 4, status: 'pending-rollback' }, to: { revision: 3 }, status: 'deployed' });
    expect(c.affinity()).not.toContain('tape');
  });

  it('a first install that never succeeded (failed, or pending-install after a killed Helm): rollback --recover says so and uninstalls it', async () => {
    const c = setup('never');
    expect(c.gs(['upgrade', 'hello', '-f', valuesFile(UNSCHEDULABLE), '--timeout', '5s', '--no-rollback']).code).toBe(6);
    expect(c.statuses()).toEqual([[1, 'failed']]);
    const plain = c.gs(['rollback', 'hello']);
    expect(plain.code).toBe(5);
    expect(plain.stderr).toContain('Error: release "hello" was never deployed successfully (revision 1 is failed), so there is no revision to go back to');
    expect(plain.stderr).toContain('helm goservice rollback hello --recover (uninstalls it)');
    const rec = c.gs(['rollback', 'hello', '--recover', '--timeout', '60s']);
    expect(rec.stderr).toContain(`release "hello" in namespace "${c.ns}" was never deployed (revision 1 is failed): there is nothing to roll back to, so --recover uninstalls it`);
    expect(rec.stderr).not.toMatch(/no earlier revision/);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toContain('uninstalled');
    expect(c.statuses()).toEqual([]);

    // Plain Helm killed during its first install leaves pending-install.
    const killed = runBackground(helm.bin, ['install', 'hello', join(c.project, 'charts/hello'), '-n', c.ns, '--wait', '--timeout', '60s', '-f', valuesFile(UNSCHEDULABLE)], c.project, helmEnv);
    await until(() => c.statuses().some(([, s]) => s === 'pending-install'), 30_000, 'a pending-install revision');
    killed.child.kill('SIGKILL');
    await killed.done;
    const early = c.gs(['rollback', 'hello', '--recover']);
    expect(early.code).toBe(4);
    expect(early.stderr).toMatch(/revision 1 became pending-install \d+s ago .*within the grace period of 5m/);
    const now = c.gs(['rollback', 'hello', '--recover', '--grace', '0s', '--timeout', '60s', '--json']);
    expect(now.code).toBe(0);
    expect(JSON.parse(now.stdout)).toMatchObject({ action: 'uninstall', from: { revision: 1, status: 'pending-install' }, to: null, status: 'uninstalled' });
    expect(c.statuses()).toEqual([]);
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0); // a clean start
  });

  it('more than 256 revisions: history finds the live one, rollback finds revision 1', () => {
    const c = setup('big', 'big');
    // Kept history: with Helm's default --history-max (10) the rollback would first prune ~290 revisions one by one.
    const keepAll = { HELM_MAX_HISTORY: '0' };
    expect(c.gs(['upgrade', 'big', '--timeout', '90s']).code).toBe(0);
    cloneRevisions(c.ns, 'big', 2, 300, 'failed'); // revision 1 stays the deployed one
    expect(c.statuses('big')).toHaveLength(300);
    // Plain Helm shows the newest 256 only: no deployed revision among them.
    expect((JSON.parse(c.helm(['history', 'big', '-o', 'json']).stdout) as any[]).some((x) => x.status === 'deployed')).toBe(false);
    const h = c.json(['history', 'big']);
    expect(h).toMatchObject({ live: 1, total: 300 });
    expect(h.revisions).toHaveLength(300);
    const trimmed = c.gs(['history', 'big', '--max', '3']);
    expect(trimmed.stdout).toMatch(/\* live revision: 1\n\(297 older revisions not shown\)/);
    const rb = c.gs(['rollback', 'big', '1', '--timeout', '90s', '--json'], keepAll);
    expect(rb.stderr).toBe('');
    expect(JSON.parse(rb.stdout)).toMatchObject({ from: { revision: 300, status: 'failed' }, to: { revision: 1 }, revision: 301, status: 'deployed' });
    expect(c.json(['history', 'big', '--max', '1'])).toMatchObject({ live: 301, total: 301, revisions: [{ revision: 301, status: 'deployed', live: true }] });
  });

  it('an unreachable cluster: nothing attempted, exit 6, Helm text matched whatever its case', () => {
    const c = setup('unreach');
    const kc = join(home, 'unreachable.kubeconfig');
    writeFileSync(kc, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'x' } }], clusters: [{ name: 'x', cluster: { server: 'https://127.0.0.1:1' } }] }));
    for (const args of [['upgrade', 'hello', '--timeout', '30s'], ['history', 'hello'], ['rollback', 'hello']]) {
      const r = c.gs(args, { KUBECONFIG: kc });
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/was not attempted: the Kubernetes cluster is unreachable \([Kk]ubernetes cluster unreachable: Get "https:\/\/127\.0\.0\.1:1\/version"/);
      expect(r.stderr).toMatch(/Fix: check KUBECONFIG/);
    }
    expect(c.statuses()).toEqual([]);
  });

  it('HELM_BIN=/bin/false and an overflowing --timeout: usage errors before Helm, the release untouched', () => {
    const c = setup('nohelm');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const bad = c.gs(['upgrade', 'hello'], { HELM_BIN: '/bin/false' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('Error: HELM_BIN: "/bin/false" is not a working Helm: `/bin/false version` exited with 1 and printed nothing; nothing was attempted\nFix: point HELM_BIN at a Helm 3 or Helm 4 binary (run as a Helm plugin, Helm sets it)\n');
    const rb = c.gs(['rollback', 'hello', '1'], { HELM_BIN: '/bin/false' });
    expect(rb.code).toBe(2);
    const overflow = c.gs(['upgrade', 'hello', '--timeout', '9999999999h']);
    expect(overflow.code).toBe(2);
    expect(overflow.stderr).toMatch(/^Error: --timeout: "9999999999h" is too long/);
    expect(c.statuses()).toEqual([[1, 'deployed']]);
  });

  it('--image-tag injection and a dotted or digit-first release name are refused before Helm; the cluster is untouched', () => {
    const c = setup('inject');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const before = kubectl(['get', 'deployment', 'hello', '-n', c.ns, '-o', 'jsonpath={.metadata.generation} {.spec.template.spec.containers[0].image}']).stdout;
    const evil = '1.0"\n        command: ["sh", "-c", "id"]\n        x: "';
    const r = c.gs(['upgrade', 'hello', '--image-tag', evil]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Error: --image-tag: "1.0\\"\\n        command: [\\"sh\\", \\"-c\\", \\"id\\"]\\n        x: \\"" is not valid');
    expect(r.stderr).toMatch(/Fix: use an image tag: /);
    for (const name of ['my.app', '1app']) {
      const n = c.gs(['upgrade', name, '--timeout', '30s']);
      expect(n.code).toBe(2);
      expect(n.stderr).toContain(`Error: RELEASE: "${name}" cannot be deployed by this chart`);
      expect(c.statuses(name)).toEqual([]);
    }
    expect(c.statuses()).toEqual([[1, 'deployed']]);
    expect(kubectl(['get', 'deployment', 'hello', '-n', c.ns, '-o', 'jsonpath={.metadata.generation} {.spec.template.spec.containers[0].image}']).stdout).toBe(before);
  });

  it('concurrent installs: one wins, every loser exits 4 with a clear message, nothing is left locked', async () => {
    const c = setup('race');
    const label = `gs-race-${c.ns}`;
    // The pods wait for a node label the test adds once the losers are out, so the installs overlap.
    const vals = valuesFile({ autoscaling: { enabled: false }, nodeAffinity: { required: [{ key: label, operator: 'Exists' }] } });
    // --no-fail-fast: the winner's pods are unschedulable on purpose until the label comes; --quiet: no progress lines.
    const runs = [0, 1, 2].map(() => c.gsBackground(['upgrade', 'hello', '-f', vals, '--timeout', '90s', '--no-fail-fast', '--quiet']));
    try {
      await until(() => runs.filter((r) => r.child.exitCode !== null).length >= 2, 60_000, 'the losers');
      expect(kubectl(['label', 'node', 'node-a', `${label}=yes`]).code).toBe(0);
      const results = await Promise.all(runs.map((r) => r.done));
      const codes = results.map((r) => r.code).sort();
      expect(codes).toEqual([0, 4, 4]);
      for (const loser of results.filter((r) => r.code === 4)) {
        expect(loser.stderr).toMatch(/^Error: release "hello" in namespace "\S+"(: another operation \(install\/upgrade\/rollback\) is in progress| was written by another operation at the same time)/);
        expect(loser.stderr).toMatch(/Fix: wait for it to finish/);
      }
    } finally {
      kubectl(['label', 'node', 'node-a', `${label}-`]);
    }
    expect(c.statuses()).toEqual([[1, 'deployed']]);
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s', '--set', 'nodeAffinity=null']).code).toBe(0);
  });

  it('secrets in values never reach stdout or stderr of any failure', () => {
    const c = setup('secret');
    expect(c.gs(['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    const secretFile = valuesFile({ env: [{ name: 'DB_PASSWORD', value: SECRET }], podAnnotations: { token: SECRET } });
    const failures = [
      // the API server rejects a label value and quotes it
      c.gs(['upgrade', 'hello', '-f', secretFile, '--set', `podLabels.token=${SECRET}!!`, '--timeout', '30s']),
      // pods never start: the wait times out and Helm rolls back
      c.gs(['upgrade', 'hello', '-f', secretFile, '-f', valuesFile(UNSCHEDULABLE), '--timeout', '10s']),
      // left in place
      c.gs(['upgrade', 'hello', '-f', secretFile, '-f', valuesFile(UNSCHEDULABLE), '--timeout', '5s', '--no-rollback', '--json']),
      // nothing attempted: the namespace does not exist
      c.gs(['upgrade', 'hello', '-f', secretFile, '--set', `podAnnotations.password=${SECRET}`, '-n', `${c.ns}-missing`]),
    ];
    for (const f of failures) {
      expect(`${f.stdout}\n${f.stderr}`).not.toContain(SECRET);
    }
    expect(failures.map((f) => f.code)).toEqual([6, 6, 6, 5]);
    expect(leftovers()).toEqual([]);
  });
});

/**
 * Clones revision `from - 1`'s storage Secret into revisions from..to with the
 * given status: Helm's record is base64(gzip(JSON)) inside the Secret's data.
 */
function cloneRevisions(ns: string, release: string, from: number, to: number, status: string): void {
  const src = JSON.parse(kubectl(['get', 'secret', `sh.helm.release.v1.${release}.v${from - 1}`, '-n', ns, '-o', 'json']).stdout);
  const rel = JSON.parse(gunzipSync(Buffer.from(Buffer.from(src.data.release, 'base64').toString('utf8'), 'base64')).toString('utf8'));
  const items = [];
  for (let v = from; v <= to; v++) {
    const r = { ...rel, version: v, info: { ...rel.info, status, description: `cloned revision ${v}` } };
    items.push({
      apiVersion: 'v1',
      kind: 'Secret',
      type: src.type,
      metadata: { name: `sh.helm.release.v1.${release}.v${v}`, namespace: ns, labels: { ...src.metadata.labels, status, version: String(v) } },
      data: { release: Buffer.from(gzipSync(JSON.stringify(r)).toString('base64')).toString('base64') },
    });
  }
  const created = kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
  if (created.code !== 0) throw new Error(`cloning revisions failed: ${created.stderr}`);
}
