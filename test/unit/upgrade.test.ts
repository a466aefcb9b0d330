import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, OperationError, UsageError, ValidationError } from '../../src/errors';
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

const release = (version: number, status = 'deployed') => ({ name: 'hello', namespace: 'shop', version, info: { status }, chart: { metadata: { name: 'hello', version: '0.1.0', appVersion: '1.0.0' } } });

describe('upgrade', () => {
  it('rejects invalid values before Helm is called', async () => {
    const runner = fakeRunner('v4.3.1');
    const helm = new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop' }), runner);
    const err = await upgrade(helm, { release: 'hello', chart: chart(), set: ['replicaCount=0', 'image.tag=1.1.0', 'image.pull=always'] }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual(['image.pull', 'replicaCount']);
    expect(runner.calls.map((c) => c.args[0])).toEqual(['version']); // local only; started early to save time
  });

  it('refuses a bad release name or timeout before anything else', async () => {
    const runner = fakeRunner('v4.3.1');
    const helm = new HelmClient(helmSettings({}), runner);
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
    const r = await upgrade(new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop' }), runner), { release: 'hello', chart: chart(), set: ['image.tag=x', 'replicaCount=2'], imageTag: '1.1.0' });
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
    const err = await upgrade(new HelmClient(helmSettings({}), runner), { release: 'hello', chart: chart(), timeout: '15s' }).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.exitCode).toBe(6);
    expect(err.message).toMatch(/failed and was rolled back: context deadline exceeded/);
    expect(err.message).toMatch(/live revision: 3 \(chart hello-0.1.0, app 1.0.0\)/);
  });

  it('an upgrade already in progress is a ConflictError', async () => {
    const runner = fakeRunner('v3.22.0', () => ({ code: 1, stderr: 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n' }));
    await expect(upgrade(new HelmClient(helmSettings({}), runner), { release: 'hello', chart: chart() })).rejects.toBeInstanceOf(ConflictError);
  });
});
