// The chart under the real, pinned Helm 3 and Helm 4: lint, rendered objects, and
// every bad value rejected by Helm itself (schema) or by the chart's render-time rules.
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { formatIssue } from '../../src/errors';
import { loadAssets } from '../../src/render/assets';
import { render } from '../../src/render/render';
import { checkRules } from '../../src/values/rules';
import { BAD_VALUES, BadValuesCase, EVERYTHING_ON, GOOD_VALUES, ValuesCase } from '../cases/values-cases';
import { buildChart, withDefaults } from '../support/chart-fixture';
import { fixtureCopy, runCli } from '../support/cli';
import { HELMS } from '../support/tools';

jest.setTimeout(60_000);

const work = mkdtempSync(path.join(tmpdir(), 'goservice-helm-'));
const chart = buildChart('hello', work);
afterAll(() => rmSync(work, { recursive: true, force: true }));
// Helm's own config, cache and data stay out of the user's home.
const helmEnv = { ...process.env, HELM_CONFIG_HOME: `${work}/config`, HELM_CACHE_HOME: `${work}/cache`, HELM_DATA_HOME: `${work}/data` };

// Pinned target cluster version (the chart needs >= 1.23), so results do not depend
// on the default a Helm build was linked with.
const KUBE_VERSION = ['--kube-version', 'v1.31.0'];

let fileCount = 0;
function valuesFile(values: Record<string, unknown>): string {
  const file = path.join(work, `values-${fileCount++}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

const good = (name: string): ValuesCase => {
  const found = GOOD_VALUES.find((c) => c.name === name);
  if (!found) throw new Error(`no GOOD_VALUES entry named "${name}"`);
  return found;
};

/** "a.b[0].c" -> ["a", "b", "0", "c"] */
const segments = (keyPath: string) => keyPath.replace(/\[(\d+)\]/g, '.$1').split('.');

/**
 * Helm's schema errors name a location as a JSON pointer (`at '/a/b/0'`) and, for
 * unknown or missing keys, the key in quotes under its parent's pointer.
 */
function mentionsPath(stderr: string, keyPath: string): boolean {
  const parts = segments(keyPath);
  const pointer = (p: string[]) => p.map((s) => `/${s}`).join('');
  const last = parts[parts.length - 1];
  return stderr.includes(`'${pointer(parts)}'`) || (stderr.includes(`'${pointer(parts.slice(0, -1))}'`) && stderr.includes(`'${last}'`));
}

describe.each(HELMS)('chart under $name', (helm) => {
  const run = (...args: string[]) => spawnSync(helm.bin, [...args, ...KUBE_VERSION], { encoding: 'utf8', env: helmEnv });
  const template = (values: Record<string, unknown>) => run('template', 'rel', chart, '--namespace', 'apps', '-f', valuesFile(values));

  /** Rendered objects by kind; fails with Helm's stderr when rendering fails. */
  function render(values: Record<string, unknown> = {}): Record<string, any> {
    const r = template(values);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
    return Object.fromEntries(objects.map((o) => [o.kind, o]));
  }
  const podSpec = (objects: Record<string, any>) => objects.Deployment.spec.template.spec;
  const container = (objects: Record<string, any>) => podSpec(objects).containers[0];

  test.each(GOOD_VALUES)('lint --strict and template accept: $name', ({ values }) => {
    const r = run('lint', '--strict', chart, '-f', valuesFile(values));
    expect({ status: r.status, output: r.stdout + r.stderr }).toEqual({ status: 0, output: expect.stringContaining('0 chart(s) failed') });
    render(values);
  });

  test.each(BAD_VALUES)('rejects: $name ($by, $path)', (c: BadValuesCase) => {
    const r = template(c.values);
    expect(r.status).not.toBe(0);
    if (c.by === 'schema') {
      expect(r.stderr).toContain("values don't meet the specifications of the schema");
      expect({ path: c.path, mentioned: mentionsPath(r.stderr, c.path), stderr: r.stderr }).toMatchObject({ mentioned: true });
    } else {
      // Same message as the CLI's rule check, word for word.
      const issue = checkRules(withDefaults(c.values)).find((i) => i.path === c.path);
      expect(issue).toBeDefined();
      expect(r.stderr).toContain(`execution error at (hello/templates/deployment.yaml`);
      expect(r.stderr).toContain(formatIssue(issue!));
    }
  });

  describe('renders the defaults', () => {
    let objects: Record<string, any>;
    beforeAll(() => {
      objects = render();
    });

    test('one of each object', () => {
      // (the Pod is the helm test hook)
      expect(Object.keys(objects).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Pod', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    });

    test('HPA autoscaling/v2 on CPU, and no replicas in the Deployment', () => {
      const hpa = objects.HorizontalPodAutoscaler;
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec).toEqual({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'rel-hello' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      });
      expect(objects.Deployment.spec).not.toHaveProperty('replicas');
    });

    test('image, port, resources and GOMEMLIMIT at 90% of the memory limit', () => {
      const c = container(objects);
      expect(c.image).toBe('example/app:0.1.0');
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(c.resources).toEqual({
        requests: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
        limits: { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
      });
      expect(c.env).toEqual([{ name: 'PORT', value: '8080' }, { name: 'GOMEMLIMIT', value: String(Math.floor(128 * 2 ** 20 * 0.9)) }]);
    });

    test('a soft spread over nodes and zones, and a preStop sleep within the grace period', () => {
      const pod = podSpec(objects);
      const selector = { matchLabels: objects.Deployment.spec.selector.matchLabels };
      expect(pod.topologySpreadConstraints).toEqual(
        ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector })),
      );
      expect(container(objects).lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
      expect(pod.terminationGracePeriodSeconds).toBe(30);
    });

    test('the helm test pod: a hook, restricted, asks the readiness path, not selected by the Service', () => {
      const pod = objects.Pod;
      expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
      expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      const c = pod.spec.containers[0];
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(c.command).toEqual(['wget', '-q', '-O', '/dev/null', '-T', '10', 'http://rel-hello.apps.svc:80/readyz']);
      const selector = objects.Service.spec.selector;
      expect(Object.entries(selector).every(([k, v]) => pod.metadata.labels[k] === v)).toBe(false);
    });

    test('restricted security contexts, a writable /tmp, no API token', () => {
      const pod = podSpec(objects);
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container(objects).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        capabilities: { drop: ['ALL'] },
      });
      expect(container(objects).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(objects.ServiceAccount.metadata.name);
    });

    test('HTTP probes on the http port', () => {
      const c = container(objects);
      const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
        httpGet: { path, port: 'http' },
        initialDelaySeconds: 0,
        periodSeconds,
        timeoutSeconds: 1,
        failureThreshold,
      });
      expect(c.livenessProbe).toEqual(probe('/healthz', 10, 3));
      expect(c.readinessProbe).toEqual(probe('/readyz', 5, 3));
      expect(c.startupProbe).toEqual(probe('/healthz', 2, 30));
    });

    test('PDB and Service select the pods', () => {
      const selector = objects.Deployment.spec.selector.matchLabels;
      expect(objects.Deployment.spec.template.metadata.labels).toMatchObject(selector);
      expect(objects.PodDisruptionBudget.apiVersion).toBe('policy/v1');
      expect(objects.PodDisruptionBudget.spec).toEqual({ minAvailable: 1, selector: { matchLabels: selector } });
      expect(objects.Service.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], selector });
    });
  });

  test('HPA off: fixed replicas and no HPA', () => {
    const objects = render(good('HPA off with a fixed replicaCount').values);
    expect(objects.Deployment.spec.replicas).toBe(3);
    expect(objects).not.toHaveProperty('HorizontalPodAutoscaler');
  });

  test('structured node affinity: required ANDed in one term, one weighted term per preference', () => {
    expect(podSpec(render(good('required and preferred node affinity').values)).affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
                { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
              ],
            },
          ],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 80, preference: { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] } },
          { weight: 20, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'NotIn', values: ['zone-c'] }] } },
        ],
      },
    });
  });

  test('HPA memory target, with and without the CPU target', () => {
    const metric = (name: string, averageUtilization: number) => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } });
    expect(render(good('memory target with a memory request').values).HorizontalPodAutoscaler.spec.metrics).toEqual([metric('cpu', 80), metric('memory', 75)]);
    expect(render(good('memory target only').values).HorizontalPodAutoscaler.spec.metrics).toEqual([metric('memory', 75)]);
  });

  test('PDB with a percentage maxUnavailable instead of minAvailable', () => {
    expect(render(good('maxUnavailable PDB').values).PodDisruptionBudget.spec).toMatchObject({ maxUnavailable: '25%' });
    expect(render(good('maxUnavailable PDB').values).PodDisruptionBudget.spec).not.toHaveProperty('minAvailable');
  });

  test('deleting the limits drops GOMEMLIMIT', () => {
    const c = container(render(good('limits deleted with null').values));
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' } });
    expect(c.env).toEqual([{ name: 'PORT', value: '8080' }]);
  });

  test('pod anti-affinity passes through; topology spread gets the selector labels', () => {
    const objects = render(good('pod anti-affinity and topology spread').values);
    const pod = podSpec(objects);
    expect(pod.affinity).toEqual(good('pod anti-affinity and topology spread').values.affinity);
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: objects.Deployment.spec.selector.matchLabels },
      },
    ]);
  });

  test('tolerations pass through', () => {
    expect(podSpec(render(good('tolerations').values)).tolerations).toEqual(good('tolerations').values.tolerations);
  });

  test('GOMAXPROCS from the CPU limit, then the extra env', () => {
    expect(container(render(good('extra env and GOMAXPROCS').values)).env).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'GOMEMLIMIT', value: String(Math.floor(128 * 2 ** 20 * 0.9)) },
      ...(good('extra env and GOMAXPROCS').values.env as object[]),
    ]);
  });

  test('a PORT or GOMEMLIMIT in env replaces the one the chart sets', () => {
    const env = [
      { name: 'GOMEMLIMIT', value: '100MiB' },
      { name: 'PORT', value: '9999' },
    ];
    expect(container(render({ env })).env).toEqual(env);
  });

  test('PORT follows containerPort', () => {
    expect(container(render({ containerPort: 9090 })).env[0]).toEqual({ name: 'PORT', value: '9090' });
  });

  describe('everything on', () => {
    let objects: Record<string, any>;
    const name = 'rel-hello';
    beforeAll(() => {
      objects = render(EVERYTHING_ON);
    });

    test('Ingress and HTTPRoute point at the Service port', () => {
      const port = objects.Service.spec.ports[0].port;
      expect(objects.Ingress.spec).toEqual({
        ingressClassName: 'nginx',
        tls: [{ secretName: 'hello-tls', hosts: ['hello.example.com'] }],
        rules: [{ host: 'hello.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: port } } } }] } }],
      });
      expect(objects.Ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' });
      expect(objects.HTTPRoute.apiVersion).toBe('gateway.networking.k8s.io/v1');
      expect(objects.HTTPRoute.spec).toEqual({
        parentRefs: [{ name: 'gateway', namespace: 'infra', sectionName: 'http' }],
        hostnames: ['hello.example.com'],
        rules: [{ backendRefs: [{ name, port }], matches: [{ path: { type: 'PathPrefix', value: '/' } }] }],
      });
    });

    test('config in a ConfigMap read last by envFrom; secretEnv by reference; checksum on the pods', () => {
      expect(objects.ConfigMap.data).toEqual({ LOG_LEVEL: 'info', FEATURE_X: 'true' });
      const c = container(objects);
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'shared', optional: true } }, { configMapRef: { name } }]);
      expect(c.env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } });
      expect(objects.Deployment.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'certs', mountPath: '/etc/certs', readOnly: true }]);
      expect(podSpec(objects).volumes[1]).toEqual({ name: 'certs', secret: { secretName: 'certs', optional: true } });
    });

    test('the checksum follows the config', () => {
      const checksum = (values: Record<string, unknown>) => render(values).Deployment.spec.template.metadata.annotations['checksum/config'];
      expect(checksum({ config: { LOG_LEVEL: 'info' } })).toBe(checksum({ config: { LOG_LEVEL: 'info' } }));
      expect(checksum({ config: { LOG_LEVEL: 'info' } })).not.toBe(checksum({ config: { LOG_LEVEL: 'debug' } }));
    });

    test('metrics on a port of their own, scraped by a ServiceMonitor', () => {
      expect(container(objects).ports).toContainEqual({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
      expect(objects.Service.spec.ports).toContainEqual({ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' });
      expect(objects.ServiceMonitor.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(objects.ServiceMonitor.metadata.labels).toMatchObject({ release: 'prometheus' });
      expect(objects.ServiceMonitor.spec).toEqual({
        selector: { matchLabels: objects.Deployment.spec.selector.matchLabels },
        namespaceSelector: { matchNames: ['apps'] },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      });
    });

    test('NetworkPolicy: ingress from the test pod, the named namespaces and peers; egress as given', () => {
      expect(objects.NetworkPolicy.spec).toEqual({
        podSelector: { matchLabels: objects.Deployment.spec.selector.matchLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/component': 'test' } } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
              { podSelector: { matchLabels: { role: 'client' } } },
            ],
          },
        ],
        egress: (EVERYTHING_ON.networkPolicy as any).egress,
      });
      expect(objects.Pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/component': 'test' });
    });
  });

  test('no Egress policy type unless egress is given; an empty list denies all', () => {
    expect(render({ networkPolicy: { enabled: true } }).NetworkPolicy.spec.policyTypes).toEqual(['Ingress']);
    const deny = render(good('network policy denying egress').values).NetworkPolicy.spec;
    expect(deny.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.egress).toEqual([]);
  });

  test('gRPC: native probes on containerPort, a port named grpc with appProtocol, a TCP check in the test pod', () => {
    const objects = render(good('gRPC probes and port').values);
    const c = container(objects);
    expect(c.ports[0]).toEqual({ name: 'grpc', containerPort: 8080, protocol: 'TCP' });
    expect(c.livenessProbe).toMatchObject({ grpc: { port: 8080 } });
    expect(c.livenessProbe).not.toHaveProperty('httpGet');
    expect(c.readinessProbe.grpc).toEqual({ port: 8080, service: 'orders.v1.Orders' });
    expect(c).not.toHaveProperty('startupProbe');
    expect(objects.Service.spec.ports).toEqual([{ name: 'grpc', port: 80, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' }]);
    expect(objects.Pod.spec.containers[0].command).toEqual(['nc', '-z', '-w', '10', 'rel-hello.apps.svc', '80']);
  });

  test('metrics on the service port: no extra port, the ServiceMonitor scrapes http', () => {
    const objects = render(good('metrics on the service port').values);
    expect(container(objects).ports).toHaveLength(1);
    expect(objects.ServiceMonitor.spec.endpoints[0].port).toBe('http');
  });

  test('GOMEMLIMIT is the percentage of the limit, in bytes', () => {
    expect(container(render(good('GOMEMLIMIT at 75% of 1Gi').values)).env).toContainEqual({ name: 'GOMEMLIMIT', value: String(0.75 * 2 ** 30) });
  });

  test('no preStop sleep on a cluster without the sleep action, or when it is 0', () => {
    const r = spawnSync(helm.bin, ['template', 'rel', chart, '--kube-version', 'v1.29.0'], { encoding: 'utf8', env: helmEnv });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(deployment(parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean)).spec.template.spec.containers[0]).not.toHaveProperty('lifecycle');
    expect(container(render({ preStopSleepSeconds: 0 }))).not.toHaveProperty('lifecycle');
  });

  test('test.enabled false: no test pod', () => {
    expect(render({ test: { enabled: false } })).not.toHaveProperty('Pod');
  });
});

// Two goservice charts whose helpers differ, side by side in one umbrella chart:
// each renders with its own named templates.
describe.each(HELMS)('umbrella chart under $name', (helm) => {
  test('two subcharts keep their own helpers', () => {
    const root = mkdtempSync(path.join(work, 'umbrella-'));
    const umbrella = path.join(root, 'shop');
    mkdirSync(path.join(umbrella, 'charts'), { recursive: true });
    writeFileSync(path.join(umbrella, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
    const orders = buildChart('orders', path.join(umbrella, 'charts'));
    const users = buildChart('users', path.join(umbrella, 'charts'));
    // As if made by another goservice version: users' fullname helper differs.
    const helpers = path.join(users, 'templates/_helpers.tpl');
    const text = readFileSync(helpers, 'utf8');
    writeFileSync(helpers, text.replace('{{- define "users.fullname" -}}', '{{- define "users.fullname" -}}\n{{- printf "v2-%s" .Release.Name }}\n{{- end }}\n{{- define "users.fullnameOld" -}}'));
    const r = spawnSync(helm.bin, ['template', 'rel', umbrella, ...KUBE_VERSION], { encoding: 'utf8', env: helmEnv });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const names = parseAllDocuments(r.stdout)
      .map((d) => d.toJS())
      .filter((o) => o?.kind === 'Deployment')
      .map((o) => o.metadata.name)
      .sort();
    expect(names).toEqual(['rel-orders', 'v2-rel']);
    expect(readFileSync(path.join(orders, 'templates/_helpers.tpl'), 'utf8')).not.toContain('goservice.');
  });
});

// A value that slipped past the schema (helm --skip-schema-validation, or a chart
// whose schema was edited) still cannot add fields: every string the templates
// emit goes through quote/toYaml/toJson.
const SMUGGLE = '"\nhostPID: true\nhostNetwork: true\nx: "';

describe.each(HELMS)('hostile strings under $name --skip-schema-validation', (helm) => {
  function renderUnchecked(values: Record<string, unknown>): any[] {
    const r = spawnSync(
      helm.bin,
      ['template', 'rel', chart, '--namespace', 'apps', '--skip-schema-validation', '-f', valuesFile(values), ...KUBE_VERSION],
      { encoding: 'utf8', env: helmEnv },
    );
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
  }

  test.each<[string, Record<string, unknown>, (objects: any[]) => void]>([
    ['image.repository', { image: { repository: `app${SMUGGLE}` } }, (o) => expect(deployment(o).spec.template.spec.containers[0].image).toBe(`app${SMUGGLE}:0.1.0`)],
    ['image.tag', { image: { tag: `1.0${SMUGGLE}` } }, (o) => expect(deployment(o).spec.template.spec.containers[0].image).toBe(`example/app:1.0${SMUGGLE}`)],
    ['image.digest', { image: { digest: `sha256:0${SMUGGLE}` } }, (o) => expect(deployment(o).spec.template.spec.containers[0].image).toBe(`example/app@sha256:0${SMUGGLE}`)],
    ['image.pullPolicy', { image: { pullPolicy: `Always${SMUGGLE}` } }, (o) => expect(deployment(o).spec.template.spec.containers[0].imagePullPolicy).toBe(`Always${SMUGGLE}`)],
    ['probes.liveness.path', { probes: { liveness: { path: `/x${SMUGGLE}` } } }, (o) => expect(deployment(o).spec.template.spec.containers[0].livenessProbe.httpGet.path).toBe(`/x${SMUGGLE}`)],
    ['serviceAccount.automount', { serviceAccount: { automount: `true${SMUGGLE}` } }, (o) => expect(deployment(o).spec.template.spec.automountServiceAccountToken).toBe(`true${SMUGGLE}`)],
    ['serviceAccount.name', { serviceAccount: { name: `sa${SMUGGLE}` } }, (o) => expect(deployment(o).spec.template.spec.serviceAccountName).toBe(`sa${SMUGGLE}`)],
    ['service.type', { service: { type: `ClusterIP${SMUGGLE}` } }, (o) => expect(o.find((x) => x.kind === 'Service').spec.type).toBe(`ClusterIP${SMUGGLE}`)],
    ['fullnameOverride', { fullnameOverride: 'n\nhostPID: true' }, (o) => expect(deployment(o).metadata.name).toBe('n\nhostPID: true')],
    ['nameOverride', { nameOverride: 'n\nhostPID: true' }, (o) => expect(deployment(o).spec.selector.matchLabels['app.kubernetes.io/name']).toBe('n\nhostPID: true')],
    ['config', { config: { A: `x${SMUGGLE}` } }, (o) => expect(o.find((x) => x.kind === 'ConfigMap').data.A).toBe(`x${SMUGGLE}`)],
    [
      'ingress.hosts[0].host',
      { ingress: { enabled: true, hosts: [{ host: `h${SMUGGLE}`, paths: [{ path: '/', pathType: 'Prefix' }] }] } },
      (o) => expect(o.find((x) => x.kind === 'Ingress').spec.rules[0].host).toBe(`h${SMUGGLE}`),
    ],
    ['test.image', { test: { image: `busybox${SMUGGLE}` } }, (o) => expect(o.find((x) => x.kind === 'Pod').spec.containers[0].image).toBe(`busybox${SMUGGLE}`)],
    ['networkPolicy.ingressNamespaces[0]', { networkPolicy: { enabled: true, ingressNamespaces: [`n${SMUGGLE}`] } }, (o) =>
      expect(o.find((x) => x.kind === 'NetworkPolicy').spec.ingress[0].from[1].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(`n${SMUGGLE}`)],
  ])('%s renders as one string, no field added, security context kept', (_, values, check) => {
    const objects = renderUnchecked(values);
    check(objects);
    const pod = deployment(objects).spec.template.spec;
    for (const o of objects) expect(JSON.stringify(o)).not.toMatch(/"host(PID|Network)":/);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  test('the same repository is refused when the schema is on', () => {
    const r = spawnSync(helm.bin, ['template', 'rel', chart, '-f', valuesFile({ image: { repository: `app${SMUGGLE}` } }), ...KUBE_VERSION], { encoding: 'utf8', env: helmEnv });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("values don't meet the specifications of the schema");
  });
});

const deployment = (objects: any[]) => objects.find((o) => o.kind === 'Deployment');

describe.each(HELMS)('image by digest under $name', (helm) => {
  test('repository@digest, the tag unused', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const r = spawnSync(helm.bin, ['template', 'rel', chart, '-f', valuesFile({ image: { repository: 'ghcr.io/acme/app', tag: '9.9.9', digest } }), ...KUBE_VERSION], { encoding: 'utf8', env: helmEnv });
    expect(r.status).toBe(0);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
    expect(deployment(objects).spec.template.spec.containers[0].image).toBe(`ghcr.io/acme/app@${digest}`);
  });
});

// What goservice writes, read back by Helm itself (go-yaml v2, YAML 1.1), is what
// was meant: strings stay strings, numbers and booleans keep their types.
const AMBIGUOUS = [
  'on', 'Off', 'y', 'n', 'yes', 'NO', 'true', 'False', 'null', '~', '', '1_000', '0b101', '-0b1', '0B11', '0x1F', '0X1F', '0777', '0o17',
  '-0o17', '0_b1', '1e3', '1e3_0', '.5', '+1', '.inf', '-.Inf', '.nan', '12:30', '2001-12-14', '2001-12-14 21:59:43', '<<', '1e400', '0.1.0',
];

describe.each(HELMS)('YAML written by goservice, read back by $name', (helm) => {
  const helmRun = (...args: string[]) => spawnSync(helm.bin, [...args, ...KUBE_VERSION], { encoding: 'utf8', env: helmEnv });
  const objectsOf = (stdout: string) => parseAllDocuments(stdout).map((d) => d.toJS()).filter(Boolean);

  test('values.yaml and Chart.yaml: every value and key as meant', () => {
    const root = mkdtempSync(path.join(work, 'roundtrip-'));
    const values = withDefaults({
      podAnnotations: Object.fromEntries(AMBIGUOUS.map((s, i) => [`a${i}`, s])),
      // (not "<<" as a key: Helm's own toYaml writes it plain, and then reads it as a merge key)
      podLabels: Object.fromEntries(AMBIGUOUS.filter((s) => s !== '' && s !== '<<').map((s) => [s, 'k'])),
      global: { list: AMBIGUOUS, n: 3, f: 0.5, neg: -2, b: true, multi: 'line one\nhostPID: true\n' },
    });
    const modulePath = 'example.com/a"b\nname: evil';
    const files = render(
      { name: 'hello', modulePath, chartDir: 'hello', chartVersion: '1.0.0-on', appVersion: 'on', description: `A "chart"\nfor ${modulePath}`, values: values as any, chart: true },
      loadAssets(),
    );
    for (const [file, content] of files) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), content);
    }
    writeFileSync(
      path.join(root, 'hello/templates/dump.yaml'),
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dump\ndata:',
        '  values: {{ toJson .Values | quote }}',
        // .Chart's JSON differs between Helm 3 and 4: the fields one by one
        '  chart: {{ dict "name" .Chart.Name "version" .Chart.Version "appVersion" .Chart.AppVersion "description" .Chart.Description "kubeVersion" .Chart.KubeVersion "annotations" .Chart.Annotations | toJson | quote }}',
      ].join('\n'),
    );
    const r = helmRun('template', 'rel', path.join(root, 'hello'), '--show-only', 'templates/dump.yaml');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const dump = objectsOf(r.stdout)[0].data;
    expect(JSON.parse(dump.values)).toEqual(values);
    expect(JSON.parse(dump.chart)).toEqual({
      name: 'hello',
      version: '1.0.0-on',
      appVersion: 'on',
      // Helm itself turns white space in a description into spaces (Metadata.Validate)
      description: `A "chart" for ${modulePath.replace('\n', ' ')}`,
      kubeVersion: '>=1.23.0-0',
      annotations: { 'goservice/go-module': modulePath },
    });
  });

  test('create then bump, through the CLI: image, labels and annotations as meant', () => {
    const dir = fixtureCopy('hello');
    const created = runCli(['create', 'hello', '--chart-only', '--app-version', 'on', '--set', 'image.tag=on,podAnnotations.yes=no,podLabels.y=0777'], { cwd: dir });
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    const chartDir = path.join(dir, 'charts/hello');
    const pod = () => {
      const r = helmRun('template', 'rel', chartDir);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      return deployment(objectsOf(r.stdout)).spec.template;
    };
    let t = pod();
    expect(t.spec.containers[0].image).toBe('hello:on');
    expect(t.metadata.annotations).toEqual({ yes: 'no' });
    expect(t.metadata.labels).toMatchObject({ y: '0777', 'app.kubernetes.io/version': 'on', 'helm.sh/chart': 'hello-0.1.0' });

    const bumped = runCli(['bump', 'patch', '--chart', chartDir, '--app-version', '1_000'], { cwd: dir });
    expect({ code: bumped.code, stderr: bumped.stderr }).toEqual({ code: 0, stderr: '' });
    t = pod();
    expect(t.spec.containers[0].image).toBe('hello:1_000');
    expect(t.metadata.labels).toMatchObject({ 'app.kubernetes.io/version': '1_000', 'helm.sh/chart': 'hello-0.1.1' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.each(HELMS)('helm package under $name', (helm) => {
  test("leaves the writer's staging and lock files out of the chart archive", () => {
    const root = mkdtempSync(path.join(work, 'package-'));
    const dir = buildChart('hello', root);
    mkdirSync(path.join(dir, '.goservice-a1b2c3/templates'), { recursive: true });
    writeFileSync(path.join(dir, '.goservice-a1b2c3/templates/deployment.yaml'), 'half-written: [');
    writeFileSync(path.join(dir, 'templates/.goservice.lock'), '');
    const r = spawnSync(helm.bin, ['package', dir, '--destination', root], { encoding: 'utf8', env: helmEnv });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const list = spawnSync('tar', ['-tzf', path.join(root, 'hello-0.1.0.tgz')], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    const entries = list.stdout.trim().split('\n');
    expect(entries).toEqual(expect.arrayContaining(['hello/Chart.yaml', 'hello/templates/deployment.yaml']));
    expect(entries.filter((e) => e.includes('.goservice'))).toEqual([]);
  });
});
