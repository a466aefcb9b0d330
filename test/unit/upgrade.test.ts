import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, InterruptedError, OperationError, UsageError, ValidationError } from '../../src/errors';
import { HelmClient, helmSettings } from '../../src/helm/client';
import { upgrade } from '../../src/release/upgrade';
import { fakeRunner } from '../support/fake-runner';

// A small chart: defaults plus a schema that requires an integer replicaCount.
function chart(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'upgrade-')), 'hello');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: "1.0.0"\n');
  writeFileSync(join(dir, 'values.yaml'), 'replicaCount: 1\nimage:\n  repository: example.com/hello\n  tag: ""\n');
  writeFileSync(
    join(dir, 'values.schema.json'),
    JSON.stringify({
      type: 'object',
      required: ['replicaCount', 'image'],
      properties: {
        replicaCount: { type: 'integer', minimum: 1 },
        image: { type: 'object', additionalProperties: false, properties: { repository: { type: 'string' }, tag: { type: 'string' } } },
      },
    }),
  );
  return dir;
}

// Markers and values files go to a cache of the test's own.
const CACHE = mkdtempSync(join(tmpdir(), 'gs-cache-'));

const release = (version: number, status = 'deployed') => ({ name: 'hello', namespace: 'shop', version, info: { status }, chart: { metadata: { name: 'hello', version: '0.1.0', appVersion: '1.0.0' } } });

describe('upgrade', () => {
  it('rejects invalid values before Helm is called', async () => {
    const runner = fakeRunner('v4.3.1');
    const helm = new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop', GOSERVICE_CACHE: CACHE }), runner);
    const err = await upgrade(helm, { release: 'hello', chart: chart(), set: ['replicaCount=0', 'image.tag=1.1.0', 'image.pull=always'] }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual(['image.pull', 'replicaCount']);
    expect(runner.calls.map((c) => c.args[0])).toEqual(['version']); // local only; started early to save time
  });

  it('refuses a bad release name or timeout before anything else', async () => {
    const runner = fakeRunner('v4.3.1');
    const helm = new HelmClient(helmSettings({ GOSERVICE_CACHE: CACHE }), runner);
    await expect(upgrade(helm, { release: 'Hello_World', chart: chart() })).rejects.toThrow(UsageError);
    await expect(upgrade(helm, { release: 'hello', chart: chart(), timeout: '5 minutes' })).rejects.toThrow(/--timeout/);
    expect(runner.calls).toEqual([]);
  });

  it('passes only the user layers to Helm, --image-tag last', async () => {
    let values = '';
    const runner = fakeRunner('v3.22.0', (args) => {
      values = require('node:fs').readFileSync(args[args.indexOf('--values') + 1], 'utf8');
      return { stdout: JSON.stringify(release(2)) };
    });
    const r = await upgrade(new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop', GOSERVICE_CACHE: CACHE }), runner), { release: 'hello', chart: chart(), set: ['image.tag=x', 'replicaCount=2'], imageTag: '1.1.0' });
    expect(JSON.parse(values)).toEqual({ image: { tag: '1.1.0' }, replicaCount: 2 });
    expect(r).toMatchObject({ revision: 2, status: 'deployed', chartVersion: '0.1.0', dryRun: false });
    expect(runner.calls[1].args).toContain('--atomic');
  });

  it('a failed upgrade says which revision is live now, with exit 6', async () => {
    const history = [
      { revision: 1, status: 'superseded', chart: 'hello-0.1.0', app_version: '1.0.0' },
      { revision: 2, status: 'failed', chart: 'hello-0.2.0', app_version: '1.1.0' },
      { revision: 3, status: 'deployed', chart: 'hello-0.1.0', app_version: '1.0.0' },
    ];
    const runner = fakeRunner('v4.3.1', (args) =>
      args[0] === 'upgrade'
        ? { code: 1, stderr: 'Error: UPGRADE FAILED: release hello failed, and has been rolled back due to rollback-on-failure being set: context deadline exceeded\n' }
        : { stdout: JSON.stringify(history) },
    );
    const err = await upgrade(new HelmClient(helmSettings({ GOSERVICE_CACHE: CACHE }), runner), { release: 'hello', chart: chart(), timeout: '15s' }).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.exitCode).toBe(6);
    expect(err.message).toMatch(/failed and was rolled back: context deadline exceeded/);
    expect(err.message).toMatch(/live revision: 3 \(chart hello-0.1.0, app 1.0.0\)/);
  });

  it('an upgrade already in progress is a ConflictError', async () => {
    const runner = fakeRunner('v3.22.0', () => ({ code: 1, stderr: 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n' }));
    await expect(upgrade(new HelmClient(helmSettings({ GOSERVICE_CACHE: CACHE }), runner), { release: 'hello', chart: chart() })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('failure reports say what happened (Helm 3 and Helm 4 texts)', () => {
  const old = '2026-01-01T00:00:00Z';
  const now = () => new Date(Date.now() + 50).toISOString();
  const row = (revision: number, status: string, updated: string, chart = 'hello-0.1.0') => ({ revision, status, chart, app_version: '1.0.0', updated, description: '' });
  const cache = mkdtempSync(join(tmpdir(), 'gs-cache-'));
  async function fail(major: string, stderr: string, history: () => object[] | null, o: { rollback?: boolean } = {}) {
    const runner = fakeRunner(major, (args) => {
      if (args[0] === 'upgrade') return { code: 1, stderr };
      const h = history();
      return h ? { stdout: JSON.stringify(h) } : { code: 1, stderr: 'Error: release: not found' };
    });
    const err = await upgrade(new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop', GOSERVICE_CACHE: cache }), runner), { release: 'hello', chart: chart(), timeout: '15s', ...o }).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.exitCode).toBe(6);
    return err as OperationError;
  }
  const warn = 'W1128 10:00:00.000000   99 warnings.go:70] would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false';

  it.each([
    ['v3.22.0', 'atomic'],
    ['v4.3.1', 'rollback-on-failure'],
  ])('%s: rolled back (%s), with the failed and the live revision and Helm warnings', async (v, flag) => {
    const err = await fail(v, `${warn}\nError: UPGRADE FAILED: release hello failed, and has been rolled back due to ${flag} being set: context deadline exceeded\n`, () => [row(1, 'superseded', old), row(2, 'failed', now()), row(3, 'deployed', now())]);
    expect(err.message).toBe(
      'upgrade of release "hello" in namespace "shop" failed and was rolled back: context deadline exceeded\nrevision 2 is failed; live revision: 3 (chart hello-0.1.0, app 1.0.0)\nHelm warned:\n  would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
    );
  });

  it.each([
    ['v3.22.0', 'an error occurred while rolling back the release. original upgrade error: context deadline exceeded: timed out waiting for the condition'],
    ['v4.3.1', 'an error occurred while rolling back the release. original upgrade error: context deadline exceeded: resource Deployment/shop/hello not ready. status: InProgress'],
  ])('%s: the rollback failed too', async (v, text) => {
    const err = await fail(v, `Error: UPGRADE FAILED: ${text}\n`, () => [row(1, 'superseded', old), row(2, 'superseded', now()), row(3, 'failed', now())]);
    expect(err.message).toMatch(/^upgrade of release "hello" in namespace "shop" failed, and the automatic rollback failed too: context deadline exceeded: .+\nno revision is live; latest revision 3 is failed$/);
    expect(err.suggestion).toMatch(/helm goservice rollback hello/);
  });

  it('--no-rollback: left in place, the old revision still marked deployed', async () => {
    const err = await fail('v4.3.1', 'Error: UPGRADE FAILED: context deadline exceeded\n', () => [row(1, 'deployed', old), row(2, 'failed', now())], { rollback: false });
    expect(err.message).toBe(
      'upgrade of release "hello" in namespace "shop" failed, it was left in place (--no-rollback): context deadline exceeded\nrevision 2 is failed; revision 1 is still marked deployed, but the cluster runs what revision 2 applied',
    );
  });

  it('--no-rollback on Helm 3: the fix says to roll back first (an upgrade would diff from the deployed revision)', async () => {
    const err = await fail('v3.22.0', 'Error: UPGRADE FAILED: context deadline exceeded\n', () => [row(1, 'deployed', old), row(2, 'failed', now())], { rollback: false });
    expect(err.suggestion).toBe(
      'see helm goservice history hello; go back first with helm goservice rollback hello, then fix the values and upgrade again (Helm 3 computes an upgrade\'s changes from revision 1, so it would not undo what revision 2 applied)',
    );
  });

  it('Helm refused before writing a revision: not attempted, nothing changed', async () => {
    const err = await fail('v3.22.0', 'Error: UPGRADE FAILED: unable to build kubernetes objects from new release manifest: error validating data\n', () => [row(1, 'deployed', old)]);
    expect(err.message).toBe(
      'upgrade of release "hello" in namespace "shop" was not attempted: Helm refused it before changing anything: unable to build kubernetes objects from new release manifest: error validating data; nothing was changed (live revision: 1 (chart hello-0.1.0, app 1.0.0))',
    );
  });

  it('a first install rolled back is removed: says nothing is left', async () => {
    const err = await fail('v4.3.1', 'Error: INSTALLATION FAILED: release hello failed, and has been uninstalled due to rollback-on-failure being set: context deadline exceeded\n', () => null);
    expect(err.message).toBe('upgrade of release "hello" in namespace "shop" failed on its first install and was removed again (Helm uninstalled it): context deadline exceeded; nothing of it is left');
  });

  it('no earlier good revision to roll back to', async () => {
    const err = await fail('v3.22.0', 'Error: UPGRADE FAILED: unable to find a previously successful release when attempting to rollback. original upgrade error: context deadline exceeded\n', () => [row(1, 'failed', old), row(2, 'failed', now())]);
    expect(err.message).toMatch(/failed, and there is no earlier good revision to roll back to: context deadline exceeded\nno revision is live; latest revision 2 is failed$/);
    expect(err.suggestion).toMatch(/rollback hello --recover/);
  });

  it.each([
    ['Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": connection refused'],
    ['Error: kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": connection refused'],
  ])('an unreachable cluster: not attempted, exit 6, no history read (%s)', async (stderr) => {
    const runner = fakeRunner('v4.3.1', () => ({ code: 1, stderr }));
    const err = await upgrade(new HelmClient(helmSettings({ GOSERVICE_CACHE: cache }), runner), { release: 'hello', chart: chart() }).catch((e) => e);
    expect(err.exitCode).toBe(6);
    expect(err.message).toMatch(/^helm upgrade of release "hello" in namespace "default" was not attempted: the Kubernetes cluster is unreachable/);
    expect(runner.calls.map((c) => c.args[0])).toEqual(['version', 'upgrade']);
  });

  it.each([
    'Error: INSTALLATION FAILED: cannot re-use a name that is still in use',
    'Error: INSTALLATION FAILED: release: already exists',
    'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
    'Error: INSTALLATION FAILED: create: failed to create: secrets "sh.helm.release.v1.hello.v1" already exists',
  ])('a parallel install or upgrade that lost the race exits 4: %s', async (stderr) => {
    const runner = fakeRunner('v3.22.0', () => ({ code: 1, stderr }));
    const err = await upgrade(new HelmClient(helmSettings({ GOSERVICE_CACHE: cache }), runner), { release: 'hello', chart: chart() }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.exitCode).toBe(4);
  });
});

describe('an interrupted upgrade says what Helm left (SIGTERM passed on, Helm waited for)', () => {
  const cache = mkdtempSync(join(tmpdir(), 'gs-cache-'));
  const run = (stderr: string, history: object[] | null) => {
    const runner = fakeRunner('v3.22.0', (args) => {
      if (args[0] === 'upgrade') return { code: 1, stderr, interrupted: 'SIGTERM' as const };
      return history ? { stdout: JSON.stringify(history) } : { code: 1, stderr: 'Error: release: not found' };
    });
    return upgrade(new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop', GOSERVICE_CACHE: cache }), runner), { release: 'hello', chart: chart() }).catch((e) => e);
  };

  it('a first install Helm removed: exit 130, nothing left', async () => {
    const err = await run('Error: INSTALLATION FAILED: release hello failed, and has been uninstalled due to atomic being set: context canceled\n', null);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(130);
    expect(err.message).toBe('upgrade of release "hello" in namespace "shop" was interrupted by SIGTERM; Helm was told to stop and has exited: failed on its first install and was removed again (Helm uninstalled it): context canceled; nothing of it is left');
    expect(err.suggestion).toBe('nothing is left to clean up; run the upgrade again when you want it');
  });

  it('a revision left pending: says no Helm works on it any more, records that for --recover', async () => {
    const recent = new Date(Date.now() + 50).toISOString();
    const err = await run('Error: UPGRADE FAILED: context canceled\n', [{ revision: 1, status: 'deployed', chart: 'hello-0.1.0', updated: '2026-01-01T00:00:00Z' }, { revision: 2, status: 'pending-upgrade', chart: 'hello-0.1.0', updated: recent }]);
    expect(err.exitCode).toBe(130);
    expect(err.message).toMatch(/was interrupted by SIGTERM; Helm was told to stop and has exited: Helm stopped: context canceled; revision 2 is left pending-upgrade and no Helm is working on it any more/);
    expect(err.suggestion).toBe('run: helm goservice rollback hello --recover');
    const ops = join(cache, 'operations');
    const markers = readdirSync(ops).map((f) => JSON.parse(readFileSync(join(ops, f), 'utf8')));
    expect(markers).toEqual([expect.objectContaining({ pid: process.pid, state: 'ended', revision: 2, status: 'pending-upgrade', command: 'upgrade' })]);
  });
});
