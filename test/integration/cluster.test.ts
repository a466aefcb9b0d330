// The local control plane the integration tests run against: fake nodes with
// distinct labels and finite capacity, real scheduling, pods becoming Ready.
import { createNamespace, deleteNamespace, ensureCluster, kubectl } from '../support/cluster';

const NS = 'cluster-test';

// The first start may build the control plane from source.
jest.setTimeout(60 * 60 * 1000);

interface NodeList {
  items: { metadata: { name: string; labels: Record<string, string> }; status: { conditions: { type: string; status: string }[] } }[];
}

function json<T>(args: string[]): T {
  const r = kubectl([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function apply(manifest: object): void {
  const r = kubectl(['apply', '-n', NS, '-f', '-'], { input: JSON.stringify(manifest) });
  if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}`);
}

const pause = { name: 'app', image: 'registry.k8s.io/pause:3.10' };

beforeAll(async () => {
  await ensureCluster();
  deleteNamespace(NS);
  createNamespace(NS, { 'pod-security.kubernetes.io/enforce': 'baseline' });
});

afterAll(() => {
  deleteNamespace(NS);
});

test('three Ready nodes with distinct labels', () => {
  const nodes = json<NodeList>(['get', 'nodes']).items;
  const byName = Object.fromEntries(nodes.map((n) => [n.metadata.name, n]));
  expect(Object.keys(byName).sort()).toEqual(['node-a', 'node-b', 'node-c']);
  for (const n of nodes) {
    expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(n.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': n.metadata.name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      type: 'kwok',
    });
  }
  const pick = (name: string) => {
    const l = byName[name].metadata.labels;
    return [l.disktype, l['topology.kubernetes.io/zone']];
  };
  expect(pick('node-a')).toEqual(['ssd', 'zone-a']);
  expect(pick('node-b')).toEqual(['hdd', 'zone-b']);
  expect(pick('node-c')).toEqual(['ssd', 'zone-b']);
});

test('a Deployment with required node affinity becomes Available on matching nodes only', () => {
  apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ssd-only' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'ssd-only' } },
      template: {
        metadata: { labels: { app: 'ssd-only' } },
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] }],
              },
            },
          },
          containers: [{ ...pause, resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        },
      },
    },
  });
  const wait = kubectl(['wait', '-n', NS, '--for=condition=Available', 'deployment/ssd-only', '--timeout=120s']);
  expect({ code: wait.code, stderr: wait.stderr }).toEqual({ code: 0, stderr: expect.any(String) });

  const pods = json<{ items: { spec: { nodeName: string }; status: { phase: string } }[] }>([
    'get', 'pods', '-n', NS, '-l', 'app=ssd-only',
  ]).items;
  expect(pods).toHaveLength(2);
  for (const p of pods) {
    expect(p.status.phase).toBe('Running');
    expect(['node-a', 'node-c']).toContain(p.spec.nodeName);
  }
});

test('a pod requesting more CPU than any node has stays Pending', async () => {
  apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'too-big' },
    spec: { containers: [{ ...pause, resources: { requests: { cpu: '100' } } }] },
  });
  // Give the scheduler time to try (and fail).
  const deadline = Date.now() + 30_000;
  let reason = '';
  while (Date.now() < deadline && reason === '') {
    const pod = json<{ status: { conditions?: { type: string; status: string; reason?: string }[] } }>([
      'get', 'pod', '-n', NS, 'too-big',
    ]);
    reason = pod.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.reason ?? '';
    if (reason === '') await new Promise((r) => setTimeout(r, 500));
  }
  expect(reason).toBe('Unschedulable');
  const pod = json<{ spec: { nodeName?: string }; status: { phase: string } }>(['get', 'pod', '-n', NS, 'too-big']);
  expect(pod.status.phase).toBe('Pending');
  expect(pod.spec.nodeName).toBeUndefined();
});
