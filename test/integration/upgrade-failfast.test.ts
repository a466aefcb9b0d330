// upgrade while Helm waits, with real Helm 3 and Helm 4 on the local control
// plane: progress lines on a non-TTY; an upgrade whose pods cannot come up
// (the real scheduler's unschedulable case, and kwok stages that show
// CrashLoopBackOff / ImagePullBackOff, see scripts/kwok-stages/) is stopped
// early with a diagnosis, rolled back, and leaves a truthful history.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureCopy, RUN, runCli } from '../support/cli';
import { runBackground } from '../support/async';
import { clusterNamespaces, kubeconfigPath, kubectl } from '../support/cluster';
import { HELMS, HelmTool } from '../support/tools';

jest.setTimeout(180_000);

const namespaces = clusterNamespaces();

function valuesFile(values: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gs-values-')), 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  return file;
}
const podState = (state: string) => valuesFile({ podAnnotations: { 'goservice.dev/kwok-pod-state': state } });

describe.each(HELMS.map((h) => [h.name, h] as const))('%s upgrade that explains itself', (_, helm: HelmTool) => {
  /** A namespace with release "hello" installed (revision 1, 2 replicas, no HPA). */
  function installed(name: string) {
    const ns = `gs${helm.major}-${name}-${Math.random().toString(36).slice(2, 7)}`;
    namespaces.push(ns);
    expect(kubectl(['create', 'namespace', ns]).code).toBe(0);
    const project = fixtureCopy('hello');
    expect(runCli(['create', 'hello'], { cwd: project }).code).toBe(0);
    const env = { KUBECONFIG: kubeconfigPath, HELM_BIN: helm.bin, HELM_NAMESPACE: ns };
    const gs = (args: string[]) => runCli(args, { cwd: project, env });
    const first = gs(['upgrade', 'hello', '--set', 'autoscaling.enabled=false', '--timeout', '90s', '--quiet']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const history = () => JSON.parse(spawnSync(helm.bin, ['history', 'hello', '-n', ns, '-o', 'json'], { env: { ...process.env, KUBECONFIG: kubeconfigPath }, encoding: 'utf8' }).stdout) as { revision: number; status: string }[];
    return { ns, project, env, gs, history };
  }

  it('a healthy upgrade prints progress lines on a non-TTY, at most one every 2 s, and succeeds; --json is one JSON document; rollback shows progress too', async () => {
    const c = installed('healthy');
    const run = runBackground(process.execPath, [RUN, 'upgrade', 'hello', '--set', 'autoscaling.enabled=false', '--set', 'replicaCount=3', '--timeout', '90s'], c.project, c.env);
    const times: number[] = [];
    run.child.stderr!.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach(() => times.push(Date.now())));
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^release hello in \S+: revision 2 deployed/);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^upgrade hello: (deployment\/hello \d\/3 updated · \d\/3 ready|waiting for the release's workload)/);
    expect(r.stderr).not.toContain('\r');
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1900); // issue bound: one line per 2 s

    const j = c.gs(['upgrade', 'hello', '--set', 'autoscaling.enabled=false', '--timeout', '90s', '--json']);
    expect(j.code).toBe(0);
    expect(j.stderr).toBe('');
    expect(JSON.parse(j.stdout)).toMatchObject({ name: 'hello', revision: 3, status: 'deployed' });

    const rb = c.gs(['rollback', 'hello', '1']);
    expect(rb.code).toBe(0);
    const rbLines = rb.stderr.split('\n').filter(Boolean);
    expect(rbLines.length).toBeGreaterThan(0);
    for (const l of rbLines) expect(l).toMatch(/^rollback hello: (deployment\/hello \d\/2 updated · \d\/2 ready|waiting for the release's workload)/);
    expect(c.gs(['rollback', 'hello', '2', '--quiet']).stderr).toBe('');
  });

  it('required node affinity that matches no node: stopped in under 30 s with --timeout 5m, the scheduler\'s reason, rolled back, history truthful', () => {
    const c = installed('unsched');
    const t0 = Date.now();
    const r = c.gs(['upgrade', 'hello', '--set', 'autoscaling.enabled=false', '-f', valuesFile({ nodeAffinity: { required: [{ key: 'disktype', operator: 'In', values: ['tape'] }] } }), '--timeout', '5m']);
    expect(Date.now() - t0).toBeLessThan(30_000); // issue bound
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^Error: upgrade of release "hello" in namespace "\S+" was stopped after \d+s: the new pods cannot come up\npod\/hello-\S+: Unschedulable: 0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector/m);
    expect(r.stderr).toMatch(/^ {4}Warning FailedScheduling: 0\/3 nodes are available/m);
    expect(r.stderr).toMatch(/Helm was stopped; the upgrade failed and was rolled back: .*\nrevision 2 is failed; live revision: 3 \(chart hello-/);
    expect(c.history().map((x) => [x.revision, x.status])).toEqual([[1, 'superseded'], [2, 'failed'], [3, 'deployed']]);
  });

  it('CrashLoopBackOff: the container\'s state, last state and exit code; rolled back; --json carries the diagnosis', () => {
    const c = installed('crash');
    const r = c.gs(['upgrade', 'hello', '--set', 'autoscaling.enabled=false', '-f', podState('CrashLoopBackOff'), '--timeout', '5m', '--json']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^ {2}container hello: waiting \(CrashLoopBackOff\), 4 restarts; last run: terminated \(Error\), exit code 2$/m);
    expect(r.stderr).toMatch(/revision 2 is failed; live revision: 3/);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toMatchObject({ code: 'failed', exitCode: 6, diagnosis: { reason: 'CrashLoopBackOff', object: expect.stringMatching(/^pod\/hello-/) } });
    expect(doc.error.diagnosis.containers).toEqual([expect.objectContaining({ name: 'hello', state: 'waiting', reason: 'CrashLoopBackOff', restarts: 4, lastState: { reason: 'Error', exitCode: 2 } })]);
    expect(c.history().map((x) => [x.revision, x.status])).toEqual([[1, 'superseded'], [2, 'failed'], [3, 'deployed']]);
  });

  it('ImagePullBackOff with --no-rollback: stopped, the failed revision is left in place and the message says so', () => {
    const c = installed('pull');
    const r = c.gs(['upgrade', 'hello', '--set', 'autoscaling.enabled=false', '-f', podState('ImagePullBackOff'), '--timeout', '5m', '--no-rollback']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^pod\/hello-\S+: ImagePullBackOff \(container hello\): Back-off pulling image/m);
    expect(r.stderr).toMatch(/^ {2}container hello: waiting \(ImagePullBackOff\), 0 restarts$/m);
    expect(r.stderr).toMatch(/the upgrade failed, it was left in place \(--no-rollback\): .*\nrevision 2 is failed; revision 1 is still marked deployed/);
    expect(c.history().map((x) => [x.revision, x.status])).toEqual([[1, 'deployed'], [2, 'failed']]);
  });
});
