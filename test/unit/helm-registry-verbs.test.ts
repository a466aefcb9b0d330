import { GoserviceError, NotFoundError } from '../../src/errors';
import { HelmClient, helmSettings } from '../../src/helm/client';
import { HelmVerbError } from '../../src/helm/registry-errors';
import { RegistryError } from '../../src/registry/errors';
import { fakeRunner } from '../support/fake-runner';

const settings = helmSettings({ HELM_BIN: '/opt/helm', HELM_NAMESPACE: 'shop', HELM_KUBECONTEXT: 'kind' });
const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('local Helm verbs: argv (no namespace, no context) and output', () => {
  it('package, push, pull, show chart', async () => {
    const runner = fakeRunner('v3.22.0', (args) => {
      if (args[0] === 'package') return { stdout: 'Successfully packaged chart and saved it to: /w/out/orders-1.0.0.tgz\n' };
      if (args[0] === 'push') return { stderr: `Pushed: r:5000/team/charts/orders:1.0.0\nDigest: ${DIGEST}\n` };
      if (args[0] === 'pull') return { stdout: `Pulled: r:5000/team/charts/orders:1.0.0\nDigest: ${DIGEST}\n` };
      return { stdout: 'apiVersion: v2\nname: orders\nversion: 1.0.0\n' };
    });
    const helm = new HelmClient(settings, runner);
    expect(await helm.package('/w/chart/orders', '/w/out')).toBe('/w/out/orders-1.0.0.tgz');
    expect(await helm.push('/w/out/orders-1.0.0.tgz', 'oci://r:5000/team/charts', { caFile: '/ca.pem', host: 'r:5000' })).toEqual({ ref: 'r:5000/team/charts/orders:1.0.0', digest: DIGEST });
    expect(await helm.pull('oci://r:5000/team/charts/orders', '1.0.0', '/cache/tmp')).toEqual({ ref: 'r:5000/team/charts/orders:1.0.0', digest: DIGEST });
    expect(await helm.showChart('oci://r:5000/team/charts/orders', { version: '1.0.0', caFile: '/ca.pem' })).toContain('name: orders');
    expect(runner.calls.map((c) => c.args)).toEqual([
      ['package', '/w/chart/orders', '--destination', '/w/out'],
      ['push', '/w/out/orders-1.0.0.tgz', 'oci://r:5000/team/charts', '--ca-file', '/ca.pem'],
      ['pull', 'oci://r:5000/team/charts/orders', '--version', '1.0.0', '--destination', '/cache/tmp'],
      ['show', 'chart', 'oci://r:5000/team/charts/orders', '--version', '1.0.0', '--ca-file', '/ca.pem'],
    ]);
  });

  it('a push whose output names no digest is an error, not a guess', async () => {
    const helm = new HelmClient(settings, fakeRunner('v4.3.1', () => ({ stdout: 'Pushed: r/x:1\n' })));
    await expect(helm.push('a.tgz', 'oci://r:5000/x', { host: 'r:5000' })).rejects.toThrow('helm push: could not read the pushed reference and digest');
  });
});

describe('registry errors of Helm verbs are typed, with the original as cause', () => {
  const fail = async (stderr: string, verb: 'push' | 'pull' = 'push') => {
    const helm = new HelmClient(settings, fakeRunner('v3.22.0', () => ({ code: 1, stderr })));
    try {
      await (verb === 'push' ? helm.push('a.tgz', 'oci://r:5000/x', { host: 'r:5000' }) : helm.pull('oci://r:5000/x/c', '1.0.0', '/d', { host: 'r:5000' }));
    } catch (e) {
      return e as GoserviceError & { kind?: string; cause?: unknown };
    }
    throw new Error('no error');
  };
  it.each([
    ['auth', 'Error: failed to do request: unexpected status from HEAD request to https://r:5000/v2/x/orders/manifests/1.0.0: 401 Unauthorized'],
    ['auth', 'Error: pushing chart: basic credential not found'],
    ['tls', 'Error: failed to do request: Head "https://r:5000/v2/x/manifests/1": tls: failed to verify certificate: x509: certificate signed by unknown authority'],
    ['unreachable', 'Error: failed to do request: Head "https://r:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused'],
    ['denied', 'Error: unexpected status: 403 Forbidden'],
  ])('%s: %s', async (kind, stderr) => {
    const e = await fail(stderr);
    expect(e).toBeInstanceOf(RegistryError);
    expect(e.kind).toBe(kind);
    expect(e.exitCode).toBe(6);
    expect(e.message).toContain('helm push oci://r:5000/x: ');
    expect(e.message).toContain(`(Helm: ${stderr.slice(7)})`);
    expect((e.cause as Error).message).toContain('/opt/helm push a.tgz oci://r:5000/x exited with 1');
  });
  it('a version that is not there: exit 5 with how to list them', async () => {
    const e = await fail('Error: failed to perform "FetchReference" on source: r:5000/x/c:1.0.0: not found', 'pull');
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.suggestion).toBe('list the published versions with: helm goservice versions oci://r:5000/x/c');
  });
  it('anything else: a HelmVerbError with Helm\'s reason', async () => {
    const e = await fail('Error: chart.metadata.version is required');
    expect(e).toBeInstanceOf(HelmVerbError);
    expect(e.message).toBe('helm push failed: chart.metadata.version is required');
  });
});
