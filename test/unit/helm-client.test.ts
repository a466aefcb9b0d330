import { ConflictError, NotFoundError, OperationError, ValidationError } from '../../src/errors';
import { HelmError, helmOutput } from '../../src/helm/errors';
import { HelmClient, helmSettings, splitChart, toRevision } from '../../src/helm/client';
import { ProcessError } from '../../src/process/run';
import { fakeRunner } from '../support/fake-runner';

const settings = helmSettings({ HELM_BIN: '/opt/helm', HELM_NAMESPACE: 'shop', HELM_KUBECONTEXT: 'kind' });
const upgradeArgs = { release: 'hello', chart: '/c/hello', values: { a: 1 }, timeout: '15s', wait: true, rollbackOnFailure: true };

describe('helmSettings', () => {
  it('follows the plugin environment, -n winning over HELM_NAMESPACE', () => {
    expect(settings).toMatchObject({ bin: '/opt/helm', namespace: 'shop', kubeContext: 'kind' });
    expect(helmSettings({ HELM_NAMESPACE: 'shop' }, 'other').namespace).toBe('other');
    expect(helmSettings({})).toMatchObject({ bin: 'helm', namespace: 'default', kubeContext: undefined });
  });
});

describe('argv per Helm major', () => {
  it('Helm 3: --wait and --atomic', async () => {
    const helm = new HelmClient(settings, fakeRunner('v3.22.0'));
    expect(await helm.upgradeArgs(upgradeArgs, '/tmp/v.yaml')).toEqual(
      ['upgrade', 'hello', '/c/hello', '--install', '--values', '/tmp/v.yaml', '--timeout', '15s', '--output', 'json', '--wait', '--atomic'],
    );
    expect(await helm.rollbackArgs({ release: 'hello', revision: 2, timeout: '5m' })).toEqual(['rollback', 'hello', '2', '--timeout', '5m', '--wait']);
  });

  it('Helm 4: --wait=watcher and --rollback-on-failure', async () => {
    const helm = new HelmClient(settings, fakeRunner('v4.3.1'));
    const args = await helm.upgradeArgs({ ...upgradeArgs, createNamespace: true }, '/tmp/v.yaml');
    expect(args.slice(-3)).toEqual(['--create-namespace', '--wait=watcher', '--rollback-on-failure']);
    expect(await helm.rollbackArgs({ release: 'hello', revision: 2, timeout: '5m' })).toContain('--wait=watcher');
  });

  it('--no-rollback keeps the wait, --dry-run uses the server and does not wait', async () => {
    const helm = new HelmClient(settings, fakeRunner('v4.3.1'));
    const noRb = await helm.upgradeArgs({ ...upgradeArgs, rollbackOnFailure: false }, 'f');
    expect(noRb).toContain('--wait=watcher');
    expect(noRb).not.toContain('--rollback-on-failure');
    const dry = await helm.upgradeArgs({ ...upgradeArgs, dryRun: true }, 'f');
    expect(dry).toContain('--dry-run=server');
    expect(dry.filter((a) => a.startsWith('--wait') || a === '--rollback-on-failure')).toEqual([]);
  });

  it('detects the version once and adds namespace and context to every verb', async () => {
    const runner = fakeRunner('v3.22.0', () => ({ stdout: '[]' }));
    const helm = new HelmClient(settings, runner);
    await helm.history('hello');
    await helm.rollback({ release: 'hello', revision: 1, timeout: '1m' });
    await helm.upgradeArgs(upgradeArgs, 'f');
    expect(runner.calls.filter((c) => c.args[0] === 'version')).toHaveLength(1);
    expect(runner.calls[0].cmd).toBe('/opt/helm');
    // Every revision: Helm shows only the newest 256 unless --max says otherwise.
    expect(runner.calls.find((c) => c.args[0] === 'history')!.args).toEqual(
      ['history', 'hello', '--output', 'json', '--max', '1000000000', '--namespace', 'shop', '--kube-context', 'kind'],
    );
  });

  it('remembers the version of an absolute HELM_BIN until the binary changes', async () => {
    const { mkdtempSync, writeFileSync, utimesSync } = require('node:fs');
    const dir = mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'helm-'));
    const bin = require('node:path').join(dir, 'helm');
    writeFileSync(bin, 'v3');
    const runner = fakeRunner('v3.22.0');
    const ask = () => new HelmClient(helmSettings({ HELM_BIN: bin, GOSERVICE_CACHE: `${dir}/cache` }), runner).major();
    expect([await ask(), await ask()]).toEqual([3, 3]);
    expect(runner.calls).toHaveLength(1);
    utimesSync(bin, new Date(), new Date(Date.now() + 5000));
    await ask();
    expect(runner.calls).toHaveLength(2);
  });

  it('refuses an unknown Helm', async () => {
    await expect(new HelmClient(settings, fakeRunner('v2.17.0')).major()).rejects.toThrow(/unsupported Helm version v2.17.0/);
  });

  it('passes the values to Helm as a private file that is removed afterwards', async () => {
    let file = '';
    let content = '';
    const runner = fakeRunner('v4.3.1', (args) => {
      file = args[args.indexOf('--values') + 1];
      content = require('node:fs').readFileSync(file, 'utf8');
      return { stdout: JSON.stringify({ name: 'hello', version: 1, info: { status: 'deployed' }, chart: { metadata: {} } }) };
    });
    await new HelmClient(settings, runner).upgrade({ ...upgradeArgs, values: { image: { tag: '1.2.0' } } });
    expect(JSON.parse(content)).toEqual({ image: { tag: '1.2.0' } });
    expect(require('node:fs').existsSync(file)).toBe(false);
  });
});

describe('JSON output, one shape for both majors', () => {
  // Captured from `helm history -o json`: Helm 3 always prints "updated"; Helm 4
  // omits a zero time and adds rollback_revision.
  const h3 = [
    { revision: 1, updated: '2026-11-24T23:20:01.123456789Z', status: 'superseded', chart: 'hello-0.1.0', app_version: '1.0.0', description: 'Install complete' },
    { revision: 2, updated: '2026-11-24T23:21:01.5+00:00', status: 'deployed', chart: 'hello-0.2.0-rc.1', app_version: '1.1.0', description: 'Upgrade complete' },
  ];
  const h4 = [
    { revision: 1, updated: '2026-11-24T23:20:01.123456789Z', status: 'superseded', chart: 'hello-0.1.0', app_version: '1.0.0', description: 'Install complete' },
    { revision: 2, updated: '2026-11-24T23:21:01.5Z', status: 'deployed', chart: 'hello-0.2.0-rc.1', app_version: '1.1.0', rollback_revision: 0, description: 'Upgrade complete' },
  ];

  it('history rows are equal across Helm 3 and Helm 4 and sorted oldest first', async () => {
    const read = (major: string, rows: object[]) => new HelmClient(settings, fakeRunner(major, () => ({ stdout: JSON.stringify([...rows].reverse()) }))).history('hello');
    const [a, b] = await Promise.all([read('v3.22.0', h3), read('v4.3.1', h4)]);
    expect(a).toEqual(b);
    expect(a[1]).toEqual({
      revision: 2, updated: '2026-11-24T23:21:01.500Z', status: 'deployed', chart: 'hello', chartVersion: '0.2.0-rc.1', appVersion: '1.1.0', description: 'Upgrade complete',
    });
  });

  it('a missing or zero time is null', () => {
    expect(toRevision({ revision: 1, chart: 'x-1.0.0', status: 'failed' }).updated).toBeNull();
    expect(toRevision({ revision: 1, chart: 'x-1.0.0', updated: '0001-01-01T00:00:00Z' }).updated).toBeNull();
  });

  it('splits chart names that contain dashes and digits', () => {
    expect(splitChart('my-svc-2-1.10.0-beta.2')).toEqual({ name: 'my-svc-2', version: '1.10.0-beta.2' });
    expect(splitChart('MISSING')).toEqual({ name: 'MISSING', version: '' });
  });

  it('upgrade reads the release document and skips notices printed before it', async () => {
    const doc = { name: 'hello', namespace: 'shop', version: 3, info: { status: 'deployed', last_deployed: '2026-11-24T23:21:01Z', description: 'Upgrade complete' }, chart: { metadata: { name: 'hello', version: '0.1.0', appVersion: '1.0.0' } }, manifest: 'kind: A' };
    const helm = new HelmClient(settings, fakeRunner('v4.3.1', () => ({ stdout: `Release "hello" has been upgraded.\n${JSON.stringify(doc, null, 2)}\n`, stderr: 'W1124 warning\n' })));
    expect(await helm.upgrade(upgradeArgs)).toEqual({
      name: 'hello', namespace: 'shop', revision: 3, updated: '2026-11-24T23:21:01.000Z', status: 'deployed', chart: 'hello', chartVersion: '0.1.0', appVersion: '1.0.0', description: 'Upgrade complete', warnings: ['W1124 warning'], manifest: 'kind: A',
    });
  });

  it('status reads `helm get metadata` (captured from Helm 3 and Helm 4)', async () => {
    const h3 = { name: 'hello', chart: 'hello', version: '0.1.0', appVersion: '0.1.0', annotations: {}, namespace: 'try4', revision: 3, status: 'deployed', deployedAt: '2026-11-24T23:45:41Z' };
    const h4 = { ...h3, labels: { owner: 'helm' }, applyMethod: 'ssa' };
    const read = (v: string, doc: object) => new HelmClient(settings, fakeRunner(v, () => ({ stdout: JSON.stringify(doc) }))).status('hello');
    const [a, b] = await Promise.all([read('v3.22.0', h3), read('v4.3.1', h4)]);
    expect(a).toEqual(b);
    expect(a).toEqual({ name: 'hello', namespace: 'try4', revision: 3, updated: '2026-11-24T23:45:41.000Z', status: 'deployed', chart: 'hello', chartVersion: '0.1.0', appVersion: '0.1.0', description: '' });
  });
});

describe('Helm output', () => {
  it('keeps API warnings (klog lines of Helm 3 and 4, Warning: lines), drops Helm 4 log lines that restate the error', () => {
    const stderr = [
      'W1128 12:52:15.123456   777 warnings.go:70] would violate PodSecurity "restricted:latest": runAsNonRoot != true',
      'W1128 12:52:15.123999   777 warnings.go:70] would violate PodSecurity "restricted:latest": runAsNonRoot != true',
      'level=WARN msg="upgrade failed" name=hello error="context canceled"',
      'level=ERROR msg="release name check failed" error="x"',
      'level=WARN msg="this chart is deprecated"',
      'Warning: spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated',
      'Error: UPGRADE FAILED: release hello failed, and has been rolled back due to rollback-on-failure being set: context canceled',
    ].join('\n');
    expect(helmOutput(stderr)).toEqual({
      reason: 'UPGRADE FAILED: release hello failed, and has been rolled back due to rollback-on-failure being set: context canceled',
      warnings: ['would violate PodSecurity "restricted:latest": runAsNonRoot != true', 'level=WARN msg="this chart is deprecated"', 'Warning: spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated'],
    });
  });
});

describe('error mapping', () => {
  const failing = (stderr: string, code = 1) => new HelmClient(settings, fakeRunner('v3.22.0', () => ({ code, stderr })));

  it.each([
    ['Error: release: not found', NotFoundError, /release "hello" not found in namespace "shop"/],
    ['Error: UPGRADE FAILED: "hello" has no deployed releases', NotFoundError, /not found/],
    ['Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress', ConflictError, /in progress/],
    ['Error: UPGRADE FAILED: create: failed to create: secrets "sh.helm.release.v1.hello.v3" already exists', ConflictError, /written by another operation at the same time/],
    ['Error: INSTALLATION FAILED: cannot re-use a name that is still in use', ConflictError, /written by another operation at the same time \(Helm: INSTALLATION FAILED: cannot re-use a name/],
    ['Error: INSTALLATION FAILED: release: already exists', ConflictError, /written by another operation/],
    ['Error: UPGRADE FAILED: Another Operation (install/upgrade/rollback) Is In Progress', ConflictError, /in progress/],
    ['Error: create: failed to create: namespaces "nope" not found', NotFoundError, /namespace "nope" does not exist/],
  ])('%s', async (stderr, type, message) => {
    const err = await failing(stderr).history('hello').catch((e) => e);
    expect(err).toBeInstanceOf(type);
    expect(err.message).toMatch(message);
  });

  it.each([
    // Helm 3 and Helm 4 capitalise "Kubernetes"; the match ignores case.
    'Error: Kubernetes cluster unreachable: Get "http://localhost:8080/version": dial tcp [::1]:8080: connect: connection refused',
    'Error: UPGRADE FAILED: kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": connection refused',
  ])('an unreachable cluster: nothing attempted, points at the kubeconfig, exit 6 (%s)', async (stderr) => {
    const err = await failing(stderr).history('hello').catch((e) => e);
    expect(err).toBeInstanceOf(HelmError);
    expect(err.unreachable).toBe(true);
    expect(err.message).toMatch(/^helm history of release "hello" in namespace "shop" was not attempted: the Kubernetes cluster is unreachable \(.*connection refused\)$/);
    expect(err.suggestion).toMatch(/KUBECONFIG.*nothing was changed/);
    expect(err.exitCode).toBe(6);
  });

  it('in progress suggests waiting or --recover', async () => {
    const err = await failing('Error: another operation (install/upgrade/rollback) is in progress').history('hello').catch((e) => e);
    expect(err.suggestion).toMatch(/helm goservice rollback hello --recover/);
  });

  it('schema rejections become a ValidationError naming the keys (old and current Helm wording)', async () => {
    const old = "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nhello:\n- replicaCount: Invalid type. Expected: integer, given: string\n";
    // Captured from helm 3.22.0 and 4.3.1 (identical apart from order).
    const now = `Error: values don't meet the specifications of the schema(s) in the following chart(s):
hello:
- at '/resources/limits/memory': 'allOf' failed
  - at '/resources/limits/memory': '1GB' does not match pattern '^[0-9]+$'
- at '/replicaCount': minimum: got -1, want 0
`;
    const e1 = await failing(old).history('hello').catch((e) => e);
    const e2 = await failing(now).history('hello').catch((e) => e);
    expect(e1).toBeInstanceOf(ValidationError);
    expect(e1.issues).toEqual([{ path: 'replicaCount', message: 'Invalid type. Expected: integer, given: string' }]);
    expect(e2.issues).toEqual([
      { path: 'resources.limits.memory', message: "'1GB' does not match pattern '^[0-9]+$'" },
      { path: 'replicaCount', message: 'minimum: got -1, want 0' },
    ]);
  });

  it('anything else is a HelmError: exit 6, Helm reason and warnings, the redacted process error kept as cause', async () => {
    const stderr = 'W1128 12:00:01.000001   4242 warnings.go:70] would violate PodSecurity "restricted:latest": runAsNonRoot != true\nError: boom\n  second line';
    const helm = new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop' }), fakeRunner('v3.22.0', () => ({ code: 7, stderr })));
    const err = await helm.rollback({ release: 'hello', revision: 1, timeout: '1m' }).catch((e) => e);
    expect(err).toBeInstanceOf(HelmError);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.exitCode).toBe(6);
    expect(err.reason).toBe('boom; second line');
    expect(err.warnings).toEqual(['would violate PodSecurity "restricted:latest": runAsNonRoot != true']);
    expect(err.message).toBe('helm rollback of release "hello" in namespace "shop" failed: boom; second line\nHelm warned:\n  would violate PodSecurity "restricted:latest": runAsNonRoot != true');
    expect(err.message).not.toMatch(/--timeout|exited with/); // no command dump
    expect(err.cause).toBeInstanceOf(ProcessError);
    expect(err.cause.argv).toEqual(['helm', 'rollback', 'hello', '1', '--timeout', '1m', '--wait', '--namespace', 'shop']);
  });
});
