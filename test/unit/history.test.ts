import { HelmClient, helmSettings } from '../../src/helm/client';
import { formatHistory, history } from '../../src/release/history';
import { fakeRunner } from '../support/fake-runner';

const rows = [
  { revision: 3, updated: '2026-11-24T23:22:00.5Z', status: 'deployed', chart: 'hello-0.1.0', app_version: '1.0.0', description: 'Rollback to 1' },
  { revision: 2, updated: '2026-11-24T23:21:00Z', status: 'failed', chart: 'hello-0.2.0', app_version: '1.1.0', description: 'Upgrade "hello" failed: context deadline exceeded' },
  { revision: 1, updated: '2026-11-24T23:20:00Z', status: 'superseded', chart: 'hello-0.1.0', app_version: '1.0.0', description: 'Install complete' },
];

describe('history', () => {
  it('marks the deployed revision as live, in the JSON and in the table', async () => {
    const runner = fakeRunner('v4.3.1', () => ({ stdout: JSON.stringify(rows) }));
    const h = await history(new HelmClient(helmSettings({ HELM_NAMESPACE: 'shop' }), runner), 'hello', 5);
    expect(h.live).toBe(3);
    expect(h.namespace).toBe('shop');
    expect(h.revisions.map((r) => [r.revision, r.live])).toEqual([[1, false], [2, false], [3, true]]);
    expect(formatHistory(h)).toBe(
      [
        'REVISION  UPDATED               STATUS      CHART        APP VERSION  DESCRIPTION',
        '1         2026-11-24 23:20:00Z  superseded  hello-0.1.0  1.0.0        Install complete',
        '2         2026-11-24 23:21:00Z  failed      hello-0.2.0  1.1.0        Upgrade "hello" failed: context deadline exceeded',
        '3*        2026-11-24 23:22:00Z  deployed    hello-0.1.0  1.0.0        Rollback to 1',
        '* live revision: 3',
      ].join('\n'),
    );
  });

  it('says when no revision is live', async () => {
    const runner = fakeRunner('v3.22.0', () => ({ stdout: JSON.stringify([{ ...rows[1], revision: 1 }]) }));
    const h = await history(new HelmClient(helmSettings({}), runner), 'hello');
    expect(h.live).toBeNull();
    expect(formatHistory(h).split('\n').pop()).toBe('no revision is live');
  });
});

describe('history beyond Helm defaults', () => {
  const many = (n: number, live: number) =>
    Array.from({ length: n }, (_, i) => ({ revision: i + 1, status: i + 1 === live ? 'deployed' : i + 1 < live ? 'superseded' : 'failed', chart: 'hello-0.1.0', app_version: '1.0.0', description: '' }));

  it('reads every revision: the live one is found even when --max leaves it out', async () => {
    const runner = fakeRunner('v4.3.1', () => ({ stdout: JSON.stringify(many(300, 2).reverse()) }));
    const h = await history(new HelmClient(helmSettings({}), runner), 'big', 5);
    expect(runner.calls[0].args.slice(0, 6)).toEqual(['history', 'big', '--output', 'json', '--max', '1000000000']);
    expect(h.live).toBe(2);
    expect(h.total).toBe(300);
    expect(h.revisions.map((r) => r.revision)).toEqual([296, 297, 298, 299, 300]);
    const table = formatHistory(h).split('\n');
    expect(table.slice(-2)).toEqual(['* live revision: 2', '(295 older revisions not shown)']);
  });

  it('several "deployed" revisions: the newest is live, the others are flagged', async () => {
    const rows = [
      { revision: 1, status: 'superseded', chart: 'hello-0.1.0', app_version: '1' },
      { revision: 2, status: 'deployed', chart: 'hello-0.2.0', app_version: '2' },
      { revision: 3, status: 'deployed', chart: 'hello-0.1.0', app_version: '1' },
    ];
    const h = await history(new HelmClient(helmSettings({}), fakeRunner('v4.3.1', () => ({ stdout: JSON.stringify(rows) }))), 'hello');
    expect(h.live).toBe(3);
    expect(h.warnings).toEqual(['revision 2 is also marked deployed, though revision 3 is live: an operation finished after a later one (e.g. a Helm that outlived its command); rollback skips it unless named']);
    expect(formatHistory(h).split('\n').pop()).toBe(`warning: ${h.warnings[0]}`);
  });
});
