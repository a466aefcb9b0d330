// The local control plane the integration tests run against: fake nodes with
// distinct labels and finite capacity, real scheduling, pods becoming Ready.
import { readFileSync, statSync } from 'fs';
import * as https from 'https';
import * as path from 'path';
import { createNamespace, deleteNamespace, ensureCluster, kubectl, localRegistry } from '../support/cluster';
import { repoRoot } from '../support/tools';

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

/** GET https://REGISTRY/v2/ with the given CA and optional basic credentials. */
function registryGet(ca: Buffer | undefined, auth?: string): Promise<number> {
  const { host } = localRegistry();
  const [hostname, port] = host.split(':');
  return new Promise((resolve, reject) => {
    const req = https.get({ hostname, port: Number(port), path: '/v2/', ca, auth, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('the OCI registry', () => {
  test('registry.env names it, readable by its owner only', () => {
    const reg = localRegistry();
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(reg.password).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(path.join(repoRoot, '.tools', 'cluster', 'registry.env')).mode & 0o077).toBe(0);
    expect(readFileSync(reg.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  test('serves TLS from the local CA and wants credentials', async () => {
    const reg = localRegistry();
    const ca = readFileSync(reg.caFile);
    expect(await registryGet(ca)).toBe(401);
    expect(await registryGet(ca, `${reg.user}:not-the-password`)).toBe(401);
    expect(await registryGet(ca, `${reg.user}:${reg.password}`)).toBe(200);
    // A client that does not trust the local CA refuses the certificate.
    await expect(registryGet(undefined, `${reg.user}:${reg.password}`)).rejects.toThrow(/certificate/);
  });
});

test('the CRDs a chart can render are established', () => {
  const crds = json<{ items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[] }>([
    'get', 'crd',
  ]).items;
  const established = crds
    .filter((c) => c.status.conditions?.some((x) => x.type === 'Established' && x.status === 'True'))
    .map((c) => c.metadata.name);
  expect(established).toEqual(
    expect.arrayContaining([
      'httproutes.gateway.networking.k8s.io',
      'gateways.gateway.networking.k8s.io',
      'servicemonitors.monitoring.coreos.com',
    ]),
  );
});
