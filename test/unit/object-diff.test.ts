import { sensitiveStrings } from '../../src/release/guard';
import { comparable, formatDiff, hpaTargets, objectChange, useColour } from '../../src/release/object-diff';

const deployment = (replicas: number, extra: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '7', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'helm' }], annotations: { 'deployment.kubernetes.io/revision': '4', 'meta.helm.sh/release-name': 'web' }, ...extra },
  spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
  status: { readyReplicas: replicas },
});
const secret = (data: Record<string, string>, stringData?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data, ...(stringData ? { stringData } : {}) });
const ref = { kind: 'Deployment', namespace: 'ns', name: 'web' };

describe('objectChange', () => {
  it('leaves out what always differs: status, server bookkeeping, controller annotations', () => {
    expect(comparable(deployment(2))).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, spec: deployment(2).spec });
    expect(objectChange(ref, deployment(2), deployment(2, { resourceVersion: '9', uid: 'u2', generation: 5 })).change).toBe('unchanged');
  });

  it('a changed field is a unified diff hunk', () => {
    const c = objectChange(ref, deployment(2), deployment(3));
    expect(c.change).toBe('changed');
    expect(c.diff).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    expect(c.diff).toMatch(/^-  replicas: 2\n\+  replicas: 3$/m);
  });

  it('replicas an HPA manages are not a change', () => {
    const hpa = { kind: 'HorizontalPodAutoscaler', spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } } };
    expect([...hpaTargets([hpa])]).toEqual(['Deployment/web']);
    expect(objectChange(ref, deployment(5), deployment(2), { hpaManaged: true }).change).toBe('unchanged');
  });

  it('added and removed objects', () => {
    expect(objectChange(ref, null, deployment(1))).toMatchObject({ change: 'added', diff: expect.stringMatching(/^\+kind: Deployment$/m) });
    expect(objectChange(ref, deployment(1), null)).toMatchObject({ change: 'removed', diff: expect.stringMatching(/^-kind: Deployment$/m) });
  });

  it('Secret values never appear: <changed>, <unchanged>, <added>, <hidden>', () => {
    const b = (s: string) => Buffer.from(s).toString('base64');
    const live = secret({ password: b('old-pass-1'), user: b('admin'), gone: b('x-value') });
    const next = secret({ password: b('new-pass-2'), user: b('admin') }, { extra: 'plain-extra' });
    const c = objectChange({ kind: 'Secret', namespace: 'ns', name: 's' }, live, next);
    expect(c.change).toBe('changed');
    expect(c.diff).toMatch(/^-  password: <hidden>$/m);
    expect(c.diff).toMatch(/^\+  password: <changed>$/m);
    expect(c.diff).toMatch(/^\+  extra: <added>$/m);
    expect(c.diff).toMatch(/^ {3}user: <unchanged>$/m);
    expect(c.diff).toMatch(/^-  gone: <hidden>$/m);
    for (const v of ['old-pass-1', 'new-pass-2', 'admin', 'x-value', 'plain-extra']) {
      expect(c.diff).not.toContain(v);
      expect(c.diff).not.toContain(b(v));
    }
    const added = objectChange({ kind: 'Secret', name: 's' }, null, secret({ token: b('tok-value') }));
    expect(added.diff).toMatch(/^\+  token: <added>$/m);
    expect(added.diff).not.toContain(b('tok-value'));
    expect(objectChange({ kind: 'Secret', name: 's' }, live, live).change).toBe('unchanged');
  });
});

describe('formatDiff', () => {
  const changes = [objectChange(ref, deployment(2), deployment(3)), objectChange({ kind: 'Service', name: 'web' }, { kind: 'Service', metadata: { name: 'web' } }, { kind: 'Service', metadata: { name: 'web' } })];

  it('per object a header and its hunks, then the summary; colours only when asked', () => {
    const plain = formatDiff(changes, false);
    expect(plain).toMatch(/^Deployment\/ns\/web changed\n@@ /);
    expect(plain.split('\n').pop()).toBe('1 changed, 0 added, 0 removed (1 unchanged)');
    expect(plain).not.toContain('\x1b[');
    const coloured = formatDiff(changes, true);
    expect(coloured).toContain('\x1b[31m-  replicas: 2\x1b[0m');
    expect(coloured).toContain('\x1b[32m+  replicas: 3\x1b[0m');
    expect(formatDiff([changes[1]], false)).toBe('0 changed, 0 added, 0 removed: no changes (1 unchanged)');
  });

  it('colours on a TTY only, and not with NO_COLOR', () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour({}, {})).toBe(false);
  });
});

describe('sensitiveStrings', () => {
  it('values under env or secret-like keys, not the rest', () => {
    const v = { env: [{ name: 'DB_URL', value: 'postgres://u:p@db' }], podAnnotations: { token: 'tok-123456', 'goservice.dev/kwok-pod-state': 'CrashLoopBackOff' }, image: { tag: '1.2.3' }, auth: { user: 'someone' } };
    expect(sensitiveStrings(v).sort()).toEqual(['DB_URL', 'postgres://u:p@db', 'someone', 'tok-123456'].sort());
  });
});
