// Values the chart must reject or accept, shared by the CLI's validation tests and
// the real-Helm tests. `values` is merged over the chart defaults the Helm way
// (objects merge, arrays and scalars replace, null deletes). `path` is the key path
// the error must name (list indexes as [0]); `by` says which layer catches it:
// the JSON Schema, or a cross-field rule (src/values/rules.ts, goservice.validate).

export interface ValuesCase {
  name: string;
  values: Record<string, unknown>;
}

export interface BadValuesCase extends ValuesCase {
  path: string;
  by: 'schema' | 'rule';
}

const requiredTerm = (term: Record<string, unknown>) => ({ nodeAffinity: { required: [term] } });
const preferredTerm = (term: Record<string, unknown>) => ({ nodeAffinity: { preferred: [term] } });
const ssd = { key: 'disktype', operator: 'In', values: ['ssd'] };

export const BAD_VALUES: BadValuesCase[] = [
  // unknown keys (typos)
  { name: 'unknown top-level key', values: { replicacount: 3 }, path: 'replicacount', by: 'schema' },
  { name: 'unknown image key', values: { image: { tagg: '1.0.0' } }, path: 'image.tagg', by: 'schema' },
  { name: 'unknown resources key', values: { resources: { requests: { cpus: '1' } } }, path: 'resources.requests.cpus', by: 'schema' },
  { name: 'unknown autoscaling key', values: { autoscaling: { minReplica: 1 } }, path: 'autoscaling.minReplica', by: 'schema' },
  { name: 'unknown nodeAffinity entry key', values: requiredTerm({ ...ssd, operater: 'In' }), path: 'nodeAffinity.required[0].operater', by: 'schema' },
  // quantities
  { name: 'memory in MB', values: { resources: { limits: { memory: '128MB' } } }, path: 'resources.limits.memory', by: 'schema' },
  { name: 'cpu not a number', values: { resources: { requests: { cpu: 'abc' } } }, path: 'resources.requests.cpu', by: 'schema' },
  { name: 'negative quantity string', values: { resources: { limits: { cpu: '-1' } } }, path: 'resources.limits.cpu', by: 'schema' },
  { name: 'negative quantity number', values: { resources: { requests: { memory: -1 } } }, path: 'resources.requests.memory', by: 'schema' },
  { name: 'empty quantity', values: { resources: { requests: { memory: '' } } }, path: 'resources.requests.memory', by: 'schema' },
  // types
  { name: 'replicaCount as a word', values: { replicaCount: 'two' }, path: 'replicaCount', by: 'schema' },
  { name: 'service.port as a string', values: { service: { port: '80' } }, path: 'service.port', by: 'schema' },
  { name: 'fractional replicaCount', values: { replicaCount: 1.5 }, path: 'replicaCount', by: 'schema' },
  // ranges
  { name: 'service.port 0', values: { service: { port: 0 } }, path: 'service.port', by: 'schema' },
  { name: 'service.port 70000', values: { service: { port: 70000 } }, path: 'service.port', by: 'schema' },
  { name: 'containerPort 0', values: { containerPort: 0 }, path: 'containerPort', by: 'schema' },
  { name: 'preferred weight 0', values: preferredTerm({ weight: 0, ...ssd }), path: 'nodeAffinity.preferred[0].weight', by: 'schema' },
  { name: 'preferred weight 101', values: preferredTerm({ weight: 101, ...ssd }), path: 'nodeAffinity.preferred[0].weight', by: 'schema' },
  { name: 'negative replicaCount', values: { replicaCount: -1 }, path: 'replicaCount', by: 'schema' },
  { name: 'minReplicas 0', values: { autoscaling: { minReplicas: 0 } }, path: 'autoscaling.minReplicas', by: 'schema' },
  // enums
  { name: 'pullPolicy', values: { image: { pullPolicy: 'Sometimes' } }, path: 'image.pullPolicy', by: 'schema' },
  { name: 'service.type', values: { service: { type: 'Ingress' } }, path: 'service.type', by: 'schema' },
  { name: 'affinity operator', values: requiredTerm({ key: 'disktype', operator: 'Has', values: ['ssd'] }), path: 'nodeAffinity.required[0].operator', by: 'schema' },
  { name: 'toleration effect', values: { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoRun' }] }, path: 'tolerations[0].effect', by: 'schema' },
  { name: 'toleration operator', values: { tolerations: [{ key: 'dedicated', operator: 'Is', value: 'go' }] }, path: 'tolerations[0].operator', by: 'schema' },
  // node affinity operator rules
  { name: 'In without values', values: requiredTerm({ key: 'disktype', operator: 'In' }), path: 'nodeAffinity.required[0].values', by: 'schema' },
  { name: 'NotIn with an empty list', values: requiredTerm({ key: 'disktype', operator: 'NotIn', values: [] }), path: 'nodeAffinity.required[0].values', by: 'schema' },
  { name: 'Exists with values', values: requiredTerm({ key: 'gpu', operator: 'Exists', values: ['true'] }), path: 'nodeAffinity.required[0].values', by: 'schema' },
  { name: 'Gt with two values', values: preferredTerm({ weight: 10, key: 'cores', operator: 'Gt', values: ['3', '4'] }), path: 'nodeAffinity.preferred[0].values', by: 'schema' },
  { name: 'Gt with a non-integer', values: requiredTerm({ key: 'cores', operator: 'Gt', values: ['3.5'] }), path: 'nodeAffinity.required[0].values[0]', by: 'schema' },
  { name: 'invalid label key', values: requiredTerm({ ...ssd, key: 'disk type' }), path: 'nodeAffinity.required[0].key', by: 'schema' },
  // other shapes
  { name: 'probe path without a slash', values: { probes: { liveness: { path: 'healthz' } } }, path: 'probes.liveness.path', by: 'schema' },
  { name: 'env without a name', values: { env: [{ value: 'debug' }] }, path: 'env[0].name', by: 'schema' },
  { name: 'nameOverride not a DNS label', values: { nameOverride: 'My_App' }, path: 'nameOverride', by: 'schema' },
  // hostile strings: the image reference is pasted into the Deployment; the schema
  // holds it to the OCI reference grammar (src/inputs/grammar.ts), so Helm refuses too
  { name: 'repository with a quote and newlines smuggling hostPID', values: { image: { repository: 'example/app"\nhostPID: true\nx: "' } }, path: 'image.repository', by: 'schema' },
  { name: 'repository with upper case', values: { image: { repository: 'Example/App' } }, path: 'image.repository', by: 'schema' },
  { name: 'repository with a tag in it', values: { image: { repository: 'example/app:1.0' } }, path: 'image.repository', by: 'schema' },
  { name: 'empty repository', values: { image: { repository: '' } }, path: 'image.repository', by: 'schema' },
  { name: 'tag with spaces', values: { image: { tag: '1.0 beta' } }, path: 'image.tag', by: 'schema' },
  { name: 'tag with a quote and a newline smuggling hostPID', values: { image: { tag: '1.0"\nhostPID: true' } }, path: 'image.tag', by: 'schema' },
  { name: 'tag starting with a dot', values: { image: { tag: '.1' } }, path: 'image.tag', by: 'schema' },
  { name: 'tag longer than 128', values: { image: { tag: 'a'.repeat(129) } }, path: 'image.tag', by: 'schema' },
  { name: 'digest not sha256', values: { image: { digest: 'md5:0123456789abcdef0123456789abcdef' } }, path: 'image.digest', by: 'schema' },
  { name: 'digest too short', values: { image: { digest: 'sha256:abc' } }, path: 'image.digest', by: 'schema' },
  { name: 'hostPID as a top-level key', values: { hostPID: true }, path: 'hostPID', by: 'schema' },
  // traffic in
  { name: 'ingress host with a space', values: { ingress: { enabled: true, hosts: [{ host: 'a b.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }] } }, path: 'ingress.hosts[0].host', by: 'schema' },
  { name: 'ingress pathType', values: { ingress: { hosts: [{ host: 'a.example.com', paths: [{ path: '/', pathType: 'Regex' }] }] } }, path: 'ingress.hosts[0].paths[0].pathType', by: 'schema' },
  { name: 'ingress path without a slash', values: { ingress: { hosts: [{ host: 'a.example.com', paths: [{ path: 'api', pathType: 'Prefix' }] }] } }, path: 'ingress.hosts[0].paths[0].path', by: 'schema' },
  { name: 'ingress tls without hosts', values: { ingress: { tls: [{ secretName: 'tls' }] } }, path: 'ingress.tls[0].hosts', by: 'schema' },
  { name: 'ingress className with upper case', values: { ingress: { className: 'Nginx' } }, path: 'ingress.className', by: 'schema' },
  { name: 'httpRoute without parentRefs', values: { httpRoute: { enabled: true, parentRefs: [] } }, path: 'httpRoute.parentRefs', by: 'schema' },
  { name: 'httpRoute parentRef without a name', values: { httpRoute: { parentRefs: [{ namespace: 'infra' }] } }, path: 'httpRoute.parentRefs[0].name', by: 'schema' },
  { name: 'httpRoute hostname with a port', values: { httpRoute: { hostnames: ['a.example.com:443'] } }, path: 'httpRoute.hostnames[0]', by: 'schema' },
  { name: 'httpRoute rule key typo', values: { httpRoute: { rules: [{ match: [] }] } }, path: 'httpRoute.rules[0].match', by: 'schema' },
  { name: 'service.appProtocol', values: { service: { appProtocol: 'grpcs' } }, path: 'service.appProtocol', by: 'schema' },
  // configuration
  { name: 'config value not a string', values: { config: { WORKERS: 4 } }, path: 'config.WORKERS', by: 'schema' },
  { name: 'config key not an env name', values: { config: { '1BAD': 'x' } }, path: 'config.1BAD', by: 'schema' },
  { name: 'envFrom with both refs', values: { envFrom: [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] }, path: 'envFrom[0]', by: 'schema' },
  { name: 'envFrom ref without a name', values: { envFrom: [{ secretRef: { optional: true } }] }, path: 'envFrom[0].secretRef.name', by: 'schema' },
  { name: 'secretEnv with a value', values: { secretEnv: [{ name: 'DB_PASSWORD', secretName: 'db', key: 'password', value: 'hunter2' }] }, path: 'secretEnv[0].value', by: 'schema' },
  { name: 'secretEnv without a key', values: { secretEnv: [{ name: 'DB_PASSWORD', secretName: 'db' }] }, path: 'secretEnv[0].key', by: 'schema' },
  { name: 'volume without a name', values: { volumes: [{ emptyDir: {} }] }, path: 'volumes[0].name', by: 'schema' },
  { name: 'volumeMount with a relative path', values: { volumes: [{ name: 'data', emptyDir: {} }], volumeMounts: [{ name: 'data', mountPath: 'data' }] }, path: 'volumeMounts[0].mountPath', by: 'schema' },
  { name: 'ephemeral-storage in GB', values: { resources: { limits: { 'ephemeral-storage': '1GB' } } }, path: 'resources.limits.ephemeral-storage', by: 'schema' },
  { name: 'tmp sizeLimit not a quantity', values: { tmpDir: { sizeLimit: 'big' } }, path: 'tmpDir.sizeLimit', by: 'schema' },
  // metrics, probes, network policy, shutdown, runtime, test
  { name: 'metrics.port 0', values: { metrics: { enabled: true, port: 0 } }, path: 'metrics.port', by: 'schema' },
  { name: 'metrics.path without a slash', values: { metrics: { path: 'metrics' } }, path: 'metrics.path', by: 'schema' },
  { name: 'serviceMonitor interval not a duration', values: { metrics: { serviceMonitor: { interval: '30 seconds' } } }, path: 'metrics.serviceMonitor.interval', by: 'schema' },
  { name: 'grpc probe key typo', values: { probes: { readiness: { grpc: { services: 'x' } } } }, path: 'probes.readiness.grpc.services', by: 'schema' },
  { name: 'networkPolicy peer typo', values: { networkPolicy: { from: [{ podSelectors: {} }] } }, path: 'networkPolicy.from[0].podSelectors', by: 'schema' },
  { name: 'networkPolicy namespace not a DNS label', values: { networkPolicy: { ingressNamespaces: ['Ingress_Nginx'] } }, path: 'networkPolicy.ingressNamespaces[0]', by: 'schema' },
  { name: 'preStopSleepSeconds negative', values: { preStopSleepSeconds: -1 }, path: 'preStopSleepSeconds', by: 'schema' },
  { name: 'memoryLimitPercent above 100', values: { goRuntime: { memoryLimitPercent: 120 } }, path: 'goRuntime.memoryLimitPercent', by: 'schema' },
  { name: 'test image with a space', values: { test: { image: 'busybox 1.37' } }, path: 'test.image', by: 'schema' },
  // cross-field rules
  { name: 'minReplicas above maxReplicas', values: { autoscaling: { minReplicas: 12, maxReplicas: 10 } }, path: 'autoscaling.minReplicas', by: 'rule' },
  { name: 'cpu limit below request', values: { resources: { limits: { cpu: '50m' } } }, path: 'resources.limits.cpu', by: 'rule' },
  { name: 'numeric cpu limit below request', values: { resources: { requests: { cpu: 1 }, limits: { cpu: 0.5 } } }, path: 'resources.limits.cpu', by: 'rule' },
  { name: 'memory limit below request', values: { resources: { limits: { memory: '32Mi' } } }, path: 'resources.limits.memory', by: 'rule' },
  { name: 'CPU target without a CPU request', values: { resources: { requests: { cpu: null } } }, path: 'resources.requests.cpu', by: 'rule' },
  {
    name: 'memory target without a memory request',
    values: { autoscaling: { targetMemoryUtilizationPercentage: 75 }, resources: { requests: { memory: null } } },
    path: 'resources.requests.memory',
    by: 'rule',
  },
  { name: 'PDB with minAvailable and maxUnavailable', values: { podDisruptionBudget: { maxUnavailable: 1 } }, path: 'podDisruptionBudget.maxUnavailable', by: 'rule' },
  { name: 'ephemeral-storage limit below request', values: { resources: { limits: { 'ephemeral-storage': '32Mi' } } }, path: 'resources.limits.ephemeral-storage', by: 'rule' },
  {
    name: 'HPA without a metric, CPU request removed too',
    values: { autoscaling: { targetCPUUtilizationPercentage: null }, resources: { requests: { cpu: null } } },
    path: 'autoscaling.targetCPUUtilizationPercentage',
    by: 'rule',
  },
  { name: 'PDB that protects nothing', values: { podDisruptionBudget: { minAvailable: null } }, path: 'podDisruptionBudget.minAvailable', by: 'rule' },
  { name: 'PDB minAvailable at the HPA minimum', values: { podDisruptionBudget: { minAvailable: 2 } }, path: 'podDisruptionBudget.minAvailable', by: 'rule' },
  { name: 'PDB minAvailable at the replica count', values: { autoscaling: { enabled: false }, replicaCount: 1 }, path: 'podDisruptionBudget.minAvailable', by: 'rule' },
  { name: 'PDB percentage keeping every pod', values: { podDisruptionBudget: { minAvailable: '50%' }, autoscaling: { minReplicas: 1 } }, path: 'podDisruptionBudget.minAvailable', by: 'rule' },
  { name: 'PDB minAvailable 100%', values: { podDisruptionBudget: { minAvailable: '100%' } }, path: 'podDisruptionBudget.minAvailable', by: 'rule' },
  { name: 'PDB maxUnavailable 0', values: { podDisruptionBudget: { minAvailable: null, maxUnavailable: 0 } }, path: 'podDisruptionBudget.maxUnavailable', by: 'rule' },
  { name: 'volumeMount of no volume', values: { volumeMounts: [{ name: 'data', mountPath: '/data' }] }, path: 'volumeMounts[0].name', by: 'rule' },
  { name: 'volume named tmp', values: { volumes: [{ name: 'tmp', emptyDir: {} }] }, path: 'volumes[0].name', by: 'rule' },
  { name: 'ServiceMonitor without metrics', values: { metrics: { serviceMonitor: { enabled: true } } }, path: 'metrics.serviceMonitor.enabled', by: 'rule' },
  { name: 'grace period not above the preStop sleep', values: { terminationGracePeriodSeconds: 5 }, path: 'terminationGracePeriodSeconds', by: 'rule' },
  { name: 'preStop sleep above the default grace period', values: { terminationGracePeriodSeconds: null, preStopSleepSeconds: 45 }, path: 'terminationGracePeriodSeconds', by: 'rule' },
  {
    name: 'raw affinity.nodeAffinity with structured lists',
    values: { ...requiredTerm(ssd), affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
    path: 'affinity.nodeAffinity',
    by: 'rule',
  },
];

/** Every optional object of the chart on, each pointing at something real: the proof chart. */
export const EVERYTHING_ON: Record<string, unknown> = {
  service: { appProtocol: 'http' },
  ingress: {
    enabled: true,
    className: 'nginx',
    annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' },
    hosts: [{ host: 'hello.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }],
    tls: [{ secretName: 'hello-tls', hosts: ['hello.example.com'] }],
  },
  httpRoute: { enabled: true, parentRefs: [{ name: 'gateway', namespace: 'infra', sectionName: 'http' }], hostnames: ['hello.example.com'] },
  metrics: { enabled: true, port: 9090, serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
  networkPolicy: {
    enabled: true,
    ingressNamespaces: ['ingress-nginx', 'monitoring'],
    from: [{ podSelector: { matchLabels: { role: 'client' } } }],
    egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
  },
  config: { LOG_LEVEL: 'info', FEATURE_X: 'true' },
  envFrom: [{ configMapRef: { name: 'shared', optional: true } }],
  secretEnv: [{ name: 'DB_PASSWORD', secretName: 'db', key: 'password', optional: true }],
  volumes: [{ name: 'certs', secret: { secretName: 'certs', optional: true } }],
  volumeMounts: [{ name: 'certs', mountPath: '/etc/certs', readOnly: true }],
};

export const GOOD_VALUES: ValuesCase[] = [
  { name: 'defaults', values: {} },
  { name: 'everything on', values: EVERYTHING_ON },
  {
    name: 'gRPC probes and port',
    values: {
      service: { appProtocol: 'grpc' },
      probes: { liveness: { grpc: {} }, readiness: { grpc: { service: 'orders.v1.Orders' } }, startup: { enabled: false, grpc: {} } },
    },
  },
  { name: 'metrics on the service port', values: { metrics: { enabled: true, serviceMonitor: { enabled: true } } } },
  { name: 'network policy denying egress', values: { networkPolicy: { enabled: true, egress: [] } } },
  { name: 'no preStop sleep, short grace period', values: { preStopSleepSeconds: 0, terminationGracePeriodSeconds: 1 } },
  { name: 'single replica without a PDB', values: { autoscaling: { enabled: false }, replicaCount: 1, podDisruptionBudget: { enabled: false } } },
  { name: 'PDB by maxUnavailable 1', values: { podDisruptionBudget: { minAvailable: null, maxUnavailable: 1 } } },
  { name: 'no topology spread', values: { topologySpreadConstraints: [] } },
  { name: 'GOMEMLIMIT at 75% of 1Gi', values: { goRuntime: { memoryLimitPercent: 75 }, resources: { limits: { memory: '1Gi' } } } },
  { name: 'HPA off with a fixed replicaCount', values: { autoscaling: { enabled: false }, replicaCount: 3 } },
  {
    name: 'required and preferred node affinity',
    values: {
      nodeAffinity: {
        required: [
          { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
          { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
        ],
        preferred: [
          { weight: 80, key: 'disktype', operator: 'In', values: ['ssd'] },
          { weight: 20, key: 'topology.kubernetes.io/zone', operator: 'NotIn', values: ['zone-c'] },
        ],
      },
    },
  },
  { name: 'Gt with one integer value', values: requiredTerm({ key: 'example.com/cores', operator: 'Gt', values: ['3'] }) },
  { name: 'memory target with a memory request', values: { autoscaling: { targetMemoryUtilizationPercentage: 75 } } },
  { name: 'memory target only', values: { autoscaling: { targetCPUUtilizationPercentage: null, targetMemoryUtilizationPercentage: 75 }, resources: { requests: { cpu: null } } } },
  { name: 'percentage PDB', values: { podDisruptionBudget: { minAvailable: '50%' } } },
  { name: 'maxUnavailable PDB', values: { podDisruptionBudget: { minAvailable: null, maxUnavailable: '25%' } } },
  {
    name: 'tolerations',
    values: {
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'go', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      ],
    },
  },
  { name: 'numeric cpu', values: { resources: { requests: { cpu: 0.5 }, limits: { cpu: 1 } } } },
  { name: 'exponent and binary quantities', values: { resources: { requests: { memory: '1e8' }, limits: { memory: '0.5Gi' } } } },
  { name: 'limits deleted with null', values: { resources: { limits: null } } },
  { name: 'global key', values: { global: { imageRegistry: 'registry.example.com' } } },
  { name: 'registry with a port, nested path, tag', values: { image: { repository: 'registry.example.com:5000/team/sub_group/app', tag: 'v1.2.3_build-4' } } },
  { name: 'image by digest', values: { image: { repository: 'ghcr.io/acme/app', digest: `sha256:${'0123456789abcdef'.repeat(4)}` } } },
  {
    name: 'pod anti-affinity and topology spread',
    values: {
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } } },
          ],
        },
      },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
    },
  },
  {
    name: 'extra env and GOMAXPROCS',
    values: {
      goRuntime: { maxProcsFromCpuLimit: true },
      env: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
    },
  },
];
