import { ConflictError, NotFoundError, UsageError } from '../../src/errors';
import { Revision } from '../../src/helm/client';
import { pickTarget } from '../../src/release/rollback';

const rev = (revision: number, status: string, chartVersion = '0.1.0'): Revision => ({
  revision, status, chartVersion, updated: null, chart: 'hello', appVersion: '1.0.0', description: '',
});
const caught = (fn: () => unknown) => { try { fn(); } catch (e) { return e as ConflictError; } throw new Error('did not throw'); };
const pick = (revs: Revision[], o: object = {}) => pickTarget(revs, { release: 'hello', ...o }).revision;

describe('pickTarget', () => {
  it('goes to the previous good revision', () => {
    expect(pick([rev(1, 'superseded'), rev(2, 'deployed')])).toBe(1);
  });

  it('skips failed revisions (plain helm rollback would take current-1)', () => {
    expect(pick([rev(1, 'deployed'), rev(2, 'failed'), rev(3, 'failed')])).toBe(1);
    expect(pick([rev(1, 'superseded'), rev(2, 'superseded'), rev(3, 'failed'), rev(4, 'deployed'), rev(5, 'failed')])).toBe(4);
  });

  it('after an automatic rollback, goes behind it to the revision before', () => {
    expect(pick([rev(1, 'superseded'), rev(2, 'failed'), rev(3, 'deployed')])).toBe(1);
  });

  it('--previous-version goes to the newest good revision of another chart version than the live one', () => {
    const afterAutoRollback = [rev(1, 'superseded', '0.1.1'), rev(2, 'superseded', '0.1.2'), rev(3, 'failed', '0.1.3'), rev(4, 'deployed', '0.1.2')];
    expect(pick(afterAutoRollback)).toBe(2); // the plain rule: same version as live
    expect(pick(afterAutoRollback, { previousVersion: true })).toBe(1);
    expect(pick([rev(1, 'superseded', '0.1.0'), rev(2, 'superseded', '0.1.1'), rev(3, 'deployed', '0.1.2')], { previousVersion: true })).toBe(2);
    expect(() => pick([rev(1, 'superseded', '0.1.0'), rev(2, 'deployed', '0.1.0')], { previousVersion: true })).toThrow(/other than 0.1.0/);
    expect(() => pick([rev(1, 'superseded', '0.1.0'), rev(2, 'deployed', '0.1.1')], { previousVersion: true, revision: 1 })).toThrow(UsageError);
  });

  it('an explicit revision is used as given, if it exists', () => {
    expect(pick([rev(1, 'superseded'), rev(2, 'failed'), rev(3, 'deployed')], { revision: 2 })).toBe(2);
    expect(() => pick([rev(1, 'deployed')], { revision: 4 })).toThrow(/has no revision 4/);
  });

  it('--to-chart-version takes the newest good revision of that version', () => {
    const revs = [rev(1, 'superseded', '0.1.0'), rev(2, 'superseded', '0.2.0'), rev(3, 'superseded', '0.1.0'), rev(4, 'failed', '0.2.0'), rev(5, 'deployed', '0.3.0')];
    expect(pick(revs, { toChartVersion: '0.2.0' })).toBe(2);
    expect(pick(revs, { toChartVersion: '0.1.0' })).toBe(3);
    const err = caught(() => pick(revs, { toChartVersion: '9.9.9' }));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.suggestion).toBe('deployed chart versions: 0.1.0, 0.2.0, 0.3.0');
    expect(() => pick(revs, { toChartVersion: '0.1.0', revision: 1 })).toThrow(UsageError);
  });

  it('nothing good to go back to is a NotFoundError', () => {
    expect(() => pick([rev(1, 'deployed')])).toThrow(NotFoundError);
    expect(() => pick([rev(1, 'deployed')])).toThrow(/no earlier revision that was deployed successfully/);
  });

  it('a pending release needs --recover, which goes to the last good revision', () => {
    const revs = [rev(1, 'superseded'), rev(2, 'deployed'), rev(3, 'failed'), rev(4, 'pending-upgrade')];
    const err = caught(() => pick(revs));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/pending-upgrade \(revision 4\)/);
    expect(err.suggestion).toMatch(/helm goservice rollback hello --recover \(goes back to revision 2/);
    expect(pick(revs, { recover: true })).toBe(2);
  });
});

describe('pickTarget: records Helm should not have left', () => {
  it('an older revision still marked deployed (an operation finished out of order) is not taken as good', () => {
    expect(pick([rev(1, 'superseded'), rev(2, 'deployed'), rev(3, 'deployed')])).toBe(1);
    expect(pick([rev(1, 'superseded'), rev(2, 'deployed'), rev(3, 'deployed')], { revision: 2 })).toBe(2); // named: as given
  });

  it('a release never deployed: plain rollback says so and names the ways out (never "no earlier revision")', () => {
    const err = caught(() => pick([rev(1, 'failed')]));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe('release "hello" was never deployed successfully (revision 1 is failed), so there is no revision to go back to');
    expect(err.suggestion).toMatch(/helm goservice upgrade hello .*helm goservice rollback hello --recover \(uninstalls it\)/);
    const pending = caught(() => pick([rev(1, 'pending-install')]));
    expect(pending).toBeInstanceOf(ConflictError);
    expect(pending.suggestion).toMatch(/--recover \(the release was never deployed: it uninstalls it\)/);
  });
});
