// What may still be running on a release: markers of goservice processes (pid
// and start time checked), Helm processes seen in /proc, and the age of a
// pending revision against --grace; and what rollback/--recover does with it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, OperationError } from '../../src/errors';
import { HelmClient, helmSettings, Revision } from '../../src/helm/client';
import { checkNothingRunning, rollback } from '../../src/release/rollback';
import { helmProcesses, InFlight, kubeTarget, OperationMarkers } from '../../src/release/in-flight';
import { fakeRunner } from '../support/fake-runner';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const rev = (revision: number, status: string, updated: string | null = null): Revision => ({ revision, status, updated, chart: 'hello', chartVersion: '0.1.0', appVersion: '1.0.0', description: '' });
const none = (): InFlight => ({ running: [], orphaned: [], ended: [], helms: [], procUsable: true, markersUsable: true });
const opts = { release: 'hello', namespace: 'shop', grace: '5m', recover: true };
const refusal = (f: InFlight, current: Revision, o = opts, now = Date.now()) => {
  try {
    checkNothingRunning(f, current, o, now);
  } catch (e) {
    return e as ConflictError;
  }
  return undefined;
};

function kubeconfig(dir: string, context: string, server: string): string {
  const file = join(dir, `kc-${context}`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': context, contexts: [{ name: context, context: { cluster: `c-${context}` } }], clusters: [{ name: `c-${context}`, cluster: { server } }] }));
  return file;
}

describe('operation markers', () => {
  function setup(release = 'hello') {
    const dir = tmp('gs-inflight-');
    const env = { GOSERVICE_CACHE: join(dir, 'cache'), KUBECONFIG: kubeconfig(dir, 'ctx', 'https://10.0.0.1:6443') };
    const settings = helmSettings(env, 'shop');
    const markers = new OperationMarkers(settings, release);
    const opsDir = join(dir, 'cache', 'operations');
    /** The marker this process wrote, rewritten as if another process had. */
    const asOther = (change: object) => {
      const h = markers.begin('upgrade', '5m');
      const file = readdirSync(opsDir)[0];
      const m = { ...JSON.parse(readFileSync(join(opsDir, file), 'utf8')), ...change };
      h.end();
      writeFileSync(join(opsDir, file.replace(`.${process.pid}.`, `.${m.pid}.`)), JSON.stringify(m), { mode: 0o600 });
      return m;
    };
    return { dir, env, settings, markers, opsDir, asOther };
  }

  it('the key is context + API server + namespace + release, from HELM_KUBECONTEXT or the kubeconfig', () => {
    const dir = tmp('gs-kc-');
    const env = { KUBECONFIG: `${kubeconfig(dir, 'a', 'https://a:6443')}:${kubeconfig(dir, 'b', 'https://b:6443')}` };
    expect(kubeTarget(helmSettings(env))).toEqual({ context: 'a', server: 'https://a:6443' });
    expect(kubeTarget(helmSettings({ ...env, HELM_KUBECONTEXT: 'b' }))).toEqual({ context: 'b', server: 'https://b:6443' });
    expect(kubeTarget(helmSettings({ KUBECONFIG: join(dir, 'missing') }))).toEqual({ context: '', server: '' });
  });

  it('credentials in the API server URL never reach the marker file', () => {
    const dir = tmp('gs-cred-');
    const env = { GOSERVICE_CACHE: join(dir, 'cache'), KUBECONFIG: kubeconfig(dir, 'ctx', 'https://admin:s3cr3t@10.0.0.1:6443') };
    expect(kubeTarget(helmSettings(env))).toEqual({ context: 'ctx', server: 'https://10.0.0.1:6443' });
    new OperationMarkers(helmSettings(env, 'shop'), 'hello').begin('upgrade', '5m');
    const ops = join(dir, 'cache', 'operations');
    expect(readFileSync(join(ops, readdirSync(ops)[0]), 'utf8')).not.toContain('s3cr3t');
  });

  it('a running command writes a private marker and removes it at the end; its own marker never blocks it', () => {
    const s = setup();
    const h = s.markers.begin('rollback', '90s');
    const [file] = readdirSync(s.opsDir);
    expect(JSON.parse(readFileSync(join(s.opsDir, file), 'utf8'))).toMatchObject({ pid: process.pid, command: 'rollback', release: 'hello', namespace: 'shop', context: 'ctx', timeout: '90s', state: 'running' });
    expect(s.markers.scan().running).toEqual([]);
    h.end();
    expect(readdirSync(s.opsDir)).toEqual([]);
  });

  it('a live process with the recorded start time is running; a reused pid or a dead one is not', async () => {
    const s = setup();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      s.asOther({ pid: child.pid, procStart: start });
      expect(s.markers.scan().running.map((m) => m.pid)).toEqual([child.pid]);
      expect(refusal(s.markers.scan(), rev(2, 'pending-upgrade'))!.message).toMatch(new RegExp(`goservice upgrade \\(pid ${child.pid}, started .*\\) is still running on it`));
    } finally {
      child.kill();
    }
    const reused = setup();
    reused.asOther({ pid: process.ppid, procStart: '1' }); // alive, but started at another time
    expect(reused.markers.scan().running).toEqual([]);
    const dead = setup();
    dead.asOther({ pid: 2 ** 22 + 12345 }); // above pid_max: no such process
    const f = dead.markers.scan();
    expect(f.running).toEqual([]);
    expect(f.orphaned.map((m) => m.pid)).toEqual([2 ** 22 + 12345]); // its Helm may still run
  });

  it('garbled or planted marker files are removed, never trusted', () => {
    const s = setup();
    s.asOther({ pid: process.ppid, procStart: null });
    const [file] = readdirSync(s.opsDir);
    writeFileSync(join(s.opsDir, file), '{"v":1,"pid":"1; rm -rf /"}');
    expect(s.markers.scan().running).toEqual([]);
    expect(readdirSync(s.opsDir)).toEqual([]);
  });

  it("a marker under the same key but of another release or cluster is neither counted nor removed", () => {
    for (const other of [{ release: 'orders' }, { namespace: 'shop2' }, { context: 'ctx2' }, { server: 'https://10.0.0.2:6443' }]) {
      const s = setup();
      s.asOther({ pid: 2 ** 22 + 7, ...other }); // dead, so it would count as orphaned if it were this release's
      const f = s.markers.scan();
      expect(f.orphaned).toEqual([]);
      expect(readdirSync(s.opsDir)).toHaveLength(1);
    }
    const s = setup();
    s.asOther({ pid: 2 ** 22 + 7 }); // the control: this release's own
    expect(s.markers.scan().orphaned.map((m) => m.pid)).toEqual([2 ** 22 + 7]);
  });

  it('an interrupted command leaves an "ended" marker naming the pending revision it left', () => {
    const s = setup();
    s.markers.begin('upgrade', '5m').leftPending(7, 'pending-rollback');
    const m = JSON.parse(readFileSync(join(s.opsDir, readdirSync(s.opsDir)[0]), 'utf8'));
    expect(m).toMatchObject({ state: 'ended', revision: 7, status: 'pending-rollback' });
    s.asOther({ pid: 2 ** 22 + 1, state: 'ended', revision: 7, status: 'pending-rollback' });
    const f = s.markers.scan();
    expect(refusal(f, rev(7, 'pending-rollback', new Date().toISOString()))).toBeUndefined(); // known: no Helm behind it
    s.markers.clearEnded();
    expect(readdirSync(s.opsDir)).toEqual([]);
  });
});

describe('Helm processes on this machine', () => {
  function proc(entries: Record<string, string[]>): string {
    const dir = tmp('gs-proc-');
    for (const [pid, argv] of Object.entries(entries)) {
      mkdirSync(join(dir, pid));
      writeFileSync(join(dir, pid, 'cmdline'), argv.join('\0') + '\0');
    }
    mkdirSync(join(dir, 'self'));
    return dir;
  }
  it('finds a Helm working on the release in the namespace (or with none given), not others nor goservice itself', () => {
    const p = proc({
      101: ['/usr/bin/helm', 'upgrade', 'hello', './charts/hello', '--install', '--namespace', 'shop'],
      102: ['helm', 'rollback', 'hello', '3', '-n', 'other'],
      103: ['/opt/helm4', 'uninstall', 'hello'],
      104: ['helm', 'goservice', 'rollback', 'hello', '--recover'],
      105: ['helm', 'history', 'hello', '-n', 'shop'],
      106: ['vim', 'upgrade', 'hello'],
      107: ['helm', 'upgrade', 'hello2', '-nshop'],
      108: ['helm', 'upgrade', 'hello', '-nshop'],
    });
    expect(helmProcesses('hello', 'shop', p)).toEqual([
      { pid: 101, args: 'upgrade hello' },
      { pid: 103, args: 'uninstall hello' },
      { pid: 108, args: 'upgrade hello' },
    ]);
    expect(helmProcesses('hello', 'shop', join(p, 'nope'))).toBeUndefined();
  });

  it('a Helm seen working on the release refuses the rollback with its pid', () => {
    const err = refusal({ ...none(), helms: [{ pid: 101, args: 'upgrade hello' }] }, rev(2, 'deployed'), { ...opts, recover: false });
    expect(err).toBeInstanceOf(ConflictError);
    expect(err!.message).toBe('release "hello" in namespace "shop": a Helm process on this machine is working on it: pid 101 (helm upgrade hello); refusing to roll back, which would race it');
    expect(err!.suggestion).toBe('wait for it, or stop it with: kill -TERM 101 (Helm then marks the revision failed)');
  });
});

describe('--recover and the grace period', () => {
  const t0 = Date.parse('2026-11-28T12:00:00Z');
  it('a pending revision younger than --grace may be worked on elsewhere: refused with the time to wait', () => {
    const err = refusal(none(), rev(2, 'pending-upgrade', '2026-11-28T11:59:20Z'), opts, t0);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err!.exitCode).toBe(4);
    expect(err!.message).toMatch(/revision 2 became pending-upgrade 40s ago \(2026-11-28T11:59:20Z\), within the grace period of 5m: a Helm elsewhere/);
    expect(err!.suggestion).toBe('wait until 2026-11-28T12:04:20.000Z and run again, or if you know no Helm is running on this release: helm goservice rollback hello --recover --grace 0s');
  });

  it('older than --grace, or --grace 0s, or not pending: allowed', () => {
    expect(refusal(none(), rev(2, 'pending-upgrade', '2026-11-28T11:54:00Z'), opts, t0)).toBeUndefined();
    expect(refusal(none(), rev(2, 'pending-upgrade', '2026-11-28T11:59:59Z'), { ...opts, grace: '0s' }, t0)).toBeUndefined();
    expect(refusal(none(), rev(2, 'failed', '2026-11-28T11:59:59Z'), opts, t0)).toBeUndefined();
  });

  it('without /proc, a goservice that died without cleaning up blocks until twice its --timeout', () => {
    const orphan = { v: 1 as const, pid: 9, procStart: null, boot: null, command: 'upgrade', release: 'hello', namespace: 'shop', context: '', server: '', startedAt: '2026-11-28T11:58:00Z', timeout: '5m', state: 'running' as const };
    const err = refusal({ ...none(), procUsable: false, orphaned: [orphan] }, rev(2, 'pending-upgrade', '2026-11-28T11:50:00Z'), opts, t0);
    expect(err!.message).toMatch(/goservice upgrade \(pid 9, started 2026-11-28T11:58:00Z\) ended without cleaning up, and the Helm it started may run until 2026-11-28T12:09:00.000Z/);
    expect(refusal({ ...none(), orphaned: [orphan] }, rev(2, 'pending-upgrade', '2026-11-28T11:50:00Z'), opts, t0)).toBeUndefined(); // /proc shows no Helm
  });
});

describe('rollback --recover of a release that was never deployed', () => {
  const cache = tmp('gs-cache-');
  const settings = (ns: string) => helmSettings({ GOSERVICE_CACHE: cache, HELM_NAMESPACE: ns, KUBECONFIG: join(cache, 'none') });
  const old = '2026-01-01T00:00:00Z';

  it.each(['pending-install', 'failed'])('only a %s revision 1: says so, then uninstalls it', async (status) => {
    const runner = fakeRunner('v4.3.1', (args) => (args[0] === 'history' ? { stdout: JSON.stringify([{ revision: 1, status, chart: 'hello-0.1.0', updated: old }]) } : {}));
    const said: string[] = [];
    const r = await rollback(new HelmClient(settings('never-deployed-ns'), runner), { release: 'never-deployed', recover: true, notify: (l) => said.push(l) });
    expect(said).toEqual([`release "never-deployed" in namespace "never-deployed-ns" was never deployed (revision 1 is ${status}): there is nothing to roll back to, so --recover uninstalls it (helm uninstall never-deployed -n never-deployed-ns)`]);
    expect(runner.calls.map((c) => c.args.slice(0, 5))).toContainEqual(['uninstall', 'never-deployed', '--timeout', '5m', '--wait=watcher']);
    expect(r).toMatchObject({ action: 'uninstall', to: null, revision: null, status: 'uninstalled', from: { revision: 1, status } });
  });

  it('a failed rollback is a typed message with the state, never a command dump', async () => {
    const rows = [{ revision: 1, status: 'superseded', chart: 'hello-0.1.0', updated: old }, { revision: 2, status: 'failed', chart: 'hello-0.2.0', updated: old }];
    const runner = fakeRunner('v3.22.0', (args) => (args[0] === 'history' ? { stdout: JSON.stringify(rows) } : args[0] === 'rollback' ? { code: 1, stderr: 'Error: timed out waiting for the condition\n' } : {}));
    const err = await rollback(new HelmClient(settings('typed-ns'), runner), { release: 'typed-failure' }).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.exitCode).toBe(6);
    expect(err.message).toBe('rollback of release "typed-failure" in namespace "typed-ns" to revision 1 failed: timed out waiting for the condition\nno revision is live; latest revision 2 is failed');
    expect(err.message).not.toMatch(/--timeout|--namespace|exited with/);
  });
});
