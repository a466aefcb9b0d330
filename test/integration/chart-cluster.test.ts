// The chart with everything on, installed by Helm 3 and Helm 4 into a namespace that
// enforces the "restricted" Pod Security profile on the local control plane, whose
// API server knows the Gateway API and prometheus-operator CRDs.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { EVERYTHING_ON } from '../cases/values-cases';
import { buildChart } from '../support/chart-fixture';
import { clusterNamespaces, createNamespace, kubeconfigPath, kubectl } from '../support/cluster';
import { HELMS, HelmTool } from '../support/tools';

jest.setTimeout(5 * 60_000);

const namespaces = clusterNamespaces();
const work = mkdtempSync(path.join(tmpdir(), 'goservice-chart-cluster-'));
const chart = buildChart('hello', work);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

/**
 * Helm's stderr without the log line client-go prints when Helm 4 cancels its
 * status watch at the end of --wait ("Unexpected error when reading response body"
 * err="context canceled"): not a warning about the chart, and not always printed.
 */
function warnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l !== '' && !/^E\d{4} [\d:.]+\s+\d+ request\.go:\d+\] "Unexpected error when reading response body" err="context canceled"$/.test(l))
    .join('\n');
}

let fileCount = 0;
function valuesFile(values: Record<string, unknown>): string {
  const file = path.join(work, `values-${fileCount++}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

function json(args: string[]): any {
  const r = kubectl([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.each(HELMS.map((h) => [h.name, h] as const))('everything on under %s', (_, helm: HelmTool) => {
  const ns = `chart-all-${helm.name}`;
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, HELM_CONFIG_HOME: `${work}/${helm.name}/config`, HELM_CACHE_HOME: `${work}/${helm.name}/cache`, HELM_DATA_HOME: `${work}/${helm.name}/data` };
  const run = (...args: string[]) => spawnSync(helm.bin, [...args, '--namespace', ns], { encoding: 'utf8', env, timeout: 180_000 });
  const replicaSets = () => json(['get', 'replicasets', '-n', ns, '-l', 'app.kubernetes.io/instance=rel']).items.map((r: any) => r.metadata.name).sort();

  beforeAll(() => {
    namespaces.push(ns);
    kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    createNamespace(ns, RESTRICTED);
  });

  test('installs into a restricted namespace with no warning at all', () => {
    const r = run('install', 'rel', chart, '-f', valuesFile(EVERYTHING_ON), '--wait', '--timeout', '120s');
    expect({ status: r.status, warnings: warnings(r.stderr) }).toEqual({ status: 0, warnings: '' });
  });

  test('the API server holds the HTTPRoute, Ingress, ServiceMonitor, NetworkPolicy and ConfigMap as rendered', () => {
    expect(json(['get', 'httproute.gateway.networking.k8s.io', 'rel-hello', '-n', ns]).spec.rules[0].backendRefs[0]).toMatchObject({ name: 'rel-hello', port: 80 });
    expect(json(['get', 'ingress', 'rel-hello', '-n', ns]).spec.rules[0].host).toBe('hello.example.com');
    expect(json(['get', 'servicemonitor.monitoring.coreos.com', 'rel-hello', '-n', ns]).spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    expect(json(['get', 'networkpolicy', 'rel-hello', '-n', ns]).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(json(['get', 'configmap', 'rel-hello', '-n', ns]).data).toEqual(EVERYTHING_ON.config);
  });

  test('a CRD schema refuses what it does not know (the objects above were validated)', () => {
    const bad = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'bad', namespace: ns }, spec: { endpoints: [{ interval: 'soon' }], selector: {} } };
    const r = kubectl(['apply', '--dry-run=server', '-f', '-'], { input: JSON.stringify(bad) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('interval');
  });

  test('the default soft spread puts the replicas on different nodes', () => {
    const pods = json(['get', 'pods', '-n', ns, '-l', 'app.kubernetes.io/name=hello,app.kubernetes.io/instance=rel']).items;
    const nodes = pods.map((p: any) => p.spec.nodeName);
    expect(nodes).toHaveLength(2);
    expect(new Set(nodes).size).toBe(2);
  });

  test('helm test passes', () => {
    const r = run('test', 'rel', '--timeout', '120s');
    expect({ status: r.status, warnings: warnings(r.stderr) }).toEqual({ status: 0, warnings: '' });
    expect(r.stdout).toMatch(/TEST SUITE:\s+rel-hello-test[\s\S]*Phase:\s+Succeeded/);
  });

  test('an upgrade that changes nothing keeps the pods; a config change rolls them', () => {
    const before = replicaSets();
    expect(before).toHaveLength(1);
    const same = run('upgrade', 'rel', chart, '-f', valuesFile(EVERYTHING_ON), '--wait', '--timeout', '120s');
    expect({ status: same.status, warnings: warnings(same.stderr) }).toEqual({ status: 0, warnings: '' });
    expect(replicaSets()).toEqual(before);
    const changed = run('upgrade', 'rel', chart, '-f', valuesFile({ ...EVERYTHING_ON, config: { ...(EVERYTHING_ON.config as object), LOG_LEVEL: 'debug' } }), '--wait', '--timeout', '120s');
    expect({ status: changed.status, warnings: warnings(changed.stderr) }).toEqual({ status: 0, warnings: '' });
    const after = replicaSets();
    expect(after).toHaveLength(2);
    expect(after).toEqual(expect.arrayContaining(before));
  });
});
