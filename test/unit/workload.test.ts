import { ProgressPrinter } from '../../src/release/progress';
import { findFailure, podProblems, problemKey, progressLine, Workload } from '../../src/release/workload';

const T0 = Date.parse('2026-01-01T00:00:10Z');

function pod(name: string, status: object, created = '2026-01-01T00:00:10Z', extra: object = {}) {
  return { kind: 'Pod', metadata: { name, uid: `uid-${name}`, creationTimestamp: created, ...extra }, status };
}
const waiting = (reason: string, message = '') => ({ phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason, message } } }] });
const unschedulable = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] };

function workload(pods: any[], deployments: any[] = [], seenAt = T0): Workload {
  const firstSeen = new Map<string, number>();
  for (const p of pods) for (const x of podProblems(p)) firstSeen.set(problemKey(p, x), seenAt);
  return { since: T0, pods, deployments, firstSeen };
}

describe('findFailure', () => {
  it.each(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName'])('%s of a new pod fails at once', (reason) => {
    const f = findFailure(workload([pod('a', waiting(reason, 'why'))]), T0, 10_000);
    expect(f).toMatchObject({ reason, object: 'pod/a', message: `${reason} (container app): why` });
  });

  it.each([
    ['Unschedulable', unschedulable],
    ['CreateContainerConfigError', waiting('CreateContainerConfigError', 'configmap "x" not found')],
  ])('%s fails only after the grace period', (reason, status) => {
    const w = workload([pod('a', status)]);
    expect(findFailure(w, T0 + 9_999, 10_000)).toBeUndefined();
    expect(findFailure(w, T0 + 10_000, 10_000)).toMatchObject({ reason, object: 'pod/a' });
  });

  it('ignores pods created before the operation, pods being deleted, and states that clear by themselves', () => {
    const w = workload([
      pod('old', waiting('CrashLoopBackOff'), '2026-01-01T00:00:05Z'),
      pod('going', waiting('CrashLoopBackOff'), '2026-01-01T00:00:10Z', { deletionTimestamp: '2026-01-01T00:00:11Z' }),
      pod('creating', waiting('ContainerCreating')),
    ]);
    expect(findFailure(w, T0 + 60_000, 10_000)).toBeUndefined();
  });

  it('a Deployment past its progress deadline fails, unless the condition is older than the operation', () => {
    const d = (at: string, generation = 2, observed = 2) => ({
      metadata: { name: 'web', uid: 'd', generation },
      status: { observedGeneration: observed, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.', lastUpdateTime: at }] },
    });
    expect(findFailure(workload([], [d('2026-01-01T00:00:30Z')]), T0 + 20_000, 10_000)).toMatchObject({ reason: 'ProgressDeadlineExceeded', object: 'deployment/web' });
    expect(findFailure(workload([], [d('2026-01-01T00:00:01Z')]), T0 + 20_000, 10_000)).toBeUndefined();
    expect(findFailure(workload([], [d('2026-01-01T00:00:30Z', 3, 2)]), T0 + 20_000, 10_000)).toBeUndefined();
  });
});

describe('progressLine', () => {
  it('shows each Deployment and the first new pod that is not ready, with its reason', () => {
    const dep = { metadata: { name: 'orders', uid: 'd' }, spec: { replicas: 3 }, status: { updatedReplicas: 2, readyReplicas: 1 } };
    expect(progressLine(workload([pod('orders-7c9', unschedulable)], [dep]))).toBe('deployment/orders 2/3 updated · 1/3 ready · pod orders-7c9 Pending: 0/3 nodes are available');
    expect(progressLine(workload([pod('orders-7c9', waiting('CrashLoopBackOff', 'back-off'))], [dep]))).toBe('deployment/orders 2/3 updated · 1/3 ready · pod orders-7c9 Pending: CrashLoopBackOff back-off');
    expect(progressLine(workload([], []))).toBe("waiting for the release's workload");
  });
});

describe('ProgressPrinter', () => {
  it('on a non-TTY: one line per change, at most one every 2 s, the newest when the interval is up; nothing repeated', () => {
    jest.useFakeTimers();
    try {
      let now = 0;
      const out: string[] = [];
      const p = new ProgressPrinter({ write: (s: string) => out.push(s), isTTY: false }, 'x: ', () => now);
      p.update('a');
      p.update('a');
      now = 500;
      p.update('b');
      now = 1000;
      p.update('c');
      expect(out).toEqual(['x: a\n']);
      now = 2000;
      jest.advanceTimersByTime(2000);
      expect(out).toEqual(['x: a\n', 'x: c\n']);
      now = 5000;
      p.update('c');
      p.update('d');
      expect(out).toEqual(['x: a\n', 'x: c\n', 'x: d\n']);
      now = 5100;
      p.update('e');
      p.done();
      jest.advanceTimersByTime(5000);
      expect(out).toEqual(['x: a\n', 'x: c\n', 'x: d\n']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('on a TTY: one live line rewritten in place, cut to the width, cleared at the end', () => {
    const out: string[] = [];
    const p = new ProgressPrinter({ write: (s: string) => out.push(s), isTTY: true, columns: 30 }, '', () => 0);
    p.update('short');
    p.update('short');
    p.update('a line that is much longer than thirty columns');
    p.done();
    expect(out).toEqual(['\r\x1b[Kshort', '\r\x1b[Ka line that is much longer t…', '\r\x1b[K']);
  });
});
