import { formatIssue } from '../../src/errors';
import { checkRules } from '../../src/values/rules';
import { BAD_VALUES, GOOD_VALUES } from '../cases/values-cases';
import { withDefaults } from '../support/chart-fixture';

const messages = (values: Record<string, unknown>) => checkRules(withDefaults(values)).map(formatIssue);

describe('checkRules', () => {
  test.each(GOOD_VALUES)('accepts: $name', ({ values }) => {
    expect(messages(values)).toEqual([]);
  });

  test.each(BAD_VALUES.filter((c) => c.by === 'rule'))('reports only $path: $name', ({ values, path }) => {
    expect(checkRules(withDefaults(values)).map((i) => i.path)).toEqual([path]);
  });

  // The chart's goservice.validate fails with these exact texts (see chart-helm.test.ts).
  test.each<[string, Record<string, unknown>, string]>([
    ['memory limit below request', { resources: { limits: { memory: '32Mi' } } }, 'resources.limits.memory: must be >= resources.requests.memory (64Mi) (got "32Mi")'],
    ['numeric cpu', { resources: { requests: { cpu: 1 }, limits: { cpu: 0.5 } } }, 'resources.limits.cpu: must be >= resources.requests.cpu (1) (got 0.5)'],
    ['minReplicas', { autoscaling: { minReplicas: 12 } }, 'autoscaling.minReplicas: must be <= autoscaling.maxReplicas (10) (got 12)'],
    [
      'CPU target',
      { resources: { requests: { cpu: null } } },
      'resources.requests.cpu: must be set when autoscaling.targetCPUUtilizationPercentage is set',
    ],
    [
      'PDB',
      { podDisruptionBudget: { maxUnavailable: '10%' } },
      'podDisruptionBudget.maxUnavailable: must not be set together with podDisruptionBudget.minAvailable (set minAvailable to null) (got "10%")',
    ],
    ['not a quantity', { resources: { limits: { memory: '128MB' } } }, 'resources.limits.memory: must be a Kubernetes quantity such as 500m or 128Mi (got "128MB")'],
    [
      'HPA without a metric',
      { autoscaling: { targetCPUUtilizationPercentage: null } },
      'autoscaling.targetCPUUtilizationPercentage: must be set, or autoscaling.targetMemoryUtilizationPercentage, when autoscaling.enabled is true (an HPA needs a metric)',
    ],
    [
      'PDB protecting nothing',
      { podDisruptionBudget: { minAvailable: null } },
      'podDisruptionBudget.minAvailable: must be set, or podDisruptionBudget.maxUnavailable, when podDisruptionBudget.enabled is true (a PodDisruptionBudget needs one)',
    ],
    ['PDB blocking drains (HPA)', { podDisruptionBudget: { minAvailable: 3 } }, 'podDisruptionBudget.minAvailable: must be below autoscaling.minReplicas (2) so that a node can be drained (got 3)'],
    [
      'PDB blocking drains (fixed replicas)',
      { autoscaling: { enabled: false }, replicaCount: 2, podDisruptionBudget: { minAvailable: 2 } },
      'podDisruptionBudget.minAvailable: must be below replicaCount (2) so that a node can be drained (got 2)',
    ],
    ['PDB 100%', { podDisruptionBudget: { minAvailable: '100%' } }, 'podDisruptionBudget.minAvailable: must be below 100% so that a node can be drained (got "100%")'],
    ['PDB 0%', { podDisruptionBudget: { minAvailable: null, maxUnavailable: '0%' } }, 'podDisruptionBudget.maxUnavailable: must be above 0 so that a node can be drained (got "0%")'],
    ['volumeMount', { volumeMounts: [{ name: 'data', mountPath: '/data' }] }, 'volumeMounts[0].name: must name an entry of volumes (got "data")'],
    ['volume named tmp', { volumes: [{ name: 'tmp', emptyDir: {} }] }, 'volumes[0].name: must not be tmp (the chart\'s /tmp volume) (got "tmp")'],
    [
      'ServiceMonitor',
      { metrics: { serviceMonitor: { enabled: true } } },
      'metrics.serviceMonitor.enabled: must be false when metrics.enabled is false (a ServiceMonitor scrapes the metrics port)',
    ],
    ['grace period', { terminationGracePeriodSeconds: 3 }, 'terminationGracePeriodSeconds: must be greater than preStopSleepSeconds (5) (got 3)'],
    ['grace period by default', { terminationGracePeriodSeconds: null, preStopSleepSeconds: 30 }, 'terminationGracePeriodSeconds: must be greater than preStopSleepSeconds (30) (got 30)'],
  ])('message: %s', (_name, values, expected) => {
    expect(messages(values)).toEqual([expected]);
  });

  test('equal amounts in different notations satisfy limits >= requests', () => {
    expect(messages({ resources: { requests: { cpu: '0.1', memory: '1Gi' }, limits: { cpu: '100m', memory: '1024Mi' } } })).toEqual([]);
  });

  test('HPA rules apply only when autoscaling is enabled', () => {
    expect(messages({ autoscaling: { enabled: false, minReplicas: 12 }, resources: { requests: { cpu: null } } })).toEqual([]);
  });

  test('raw affinity.nodeAffinity is fine without structured lists', () => {
    expect(messages({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } })).toEqual([]);
  });

  test('lists every broken rule, in the chart order', () => {
    const values = {
      resources: { requests: { memory: null }, limits: { cpu: '10m' } },
      autoscaling: { minReplicas: 5, maxReplicas: 3, targetMemoryUtilizationPercentage: 70 },
      podDisruptionBudget: { maxUnavailable: 1 },
      nodeAffinity: { preferred: [{ weight: 1, key: 'disktype', operator: 'Exists' }] },
      affinity: { nodeAffinity: {} },
      volumes: [{ name: 'tmp', emptyDir: {} }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      metrics: { serviceMonitor: { enabled: true } },
      terminationGracePeriodSeconds: 2,
    };
    expect(checkRules(withDefaults(values)).map((i) => i.path)).toEqual([
      'resources.limits.cpu',
      'autoscaling.minReplicas',
      'resources.requests.memory',
      'podDisruptionBudget.maxUnavailable',
      'affinity.nodeAffinity',
      'volumes[0].name',
      'volumeMounts[0].name',
      'metrics.serviceMonitor.enabled',
      'terminationGracePeriodSeconds',
    ]);
  });

  test('PDB drain rules apply only when the PDB is on, and not to zero replicas', () => {
    expect(messages({ podDisruptionBudget: { enabled: false, minAvailable: 5 } })).toEqual([]);
    expect(messages({ autoscaling: { enabled: false }, replicaCount: 0 })).toEqual([]);
    expect(messages({ autoscaling: { enabled: false }, replicaCount: 2 })).toEqual([]);
    expect(messages({ podDisruptionBudget: { minAvailable: '50%' } })).toEqual([]);
  });

  test('a percentage minAvailable counts the pods it keeps, rounded up', () => {
    expect(messages({ podDisruptionBudget: { minAvailable: '50%' }, autoscaling: { minReplicas: 1 } })).toEqual([
      'podDisruptionBudget.minAvailable: must be below autoscaling.minReplicas (1) so that a node can be drained (got "50%")',
    ]);
    expect(messages({ podDisruptionBudget: { minAvailable: '70%' }, autoscaling: { minReplicas: 3 } })).toEqual([
      'podDisruptionBudget.minAvailable: must be below autoscaling.minReplicas (3) so that a node can be drained (got "70%")',
    ]);
    expect(messages({ podDisruptionBudget: { minAvailable: '60%' }, autoscaling: { minReplicas: 4 } })).toEqual([]);
  });
});

describe('rule messages with values from any chart', () => {
  // upgrade checks the rules against a chart's own schema, which may let anything through.
  test('name maps and lists by their kind and cut long strings', () => {
    const huge = `${'9'.repeat(200)}`;
    const out = checkRules({
      resources: { requests: { cpu: { secret: 'hunter2' }, memory: '1Gi' }, limits: { cpu: '1', memory: `${huge}Mi` } },
      autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 1, targetCPUUtilizationPercentage: 80 },
    }).map(formatIssue);
    expect(out).toEqual([
      'resources.requests.cpu: must be a Kubernetes quantity such as 500m or 128Mi (got a map)',
      'autoscaling.minReplicas: must be <= autoscaling.maxReplicas (1) (got 5)',
    ]);
    expect(out.join('\n')).not.toContain('hunter2');
    const limit = checkRules({ resources: { requests: { memory: `${huge}Gi` }, limits: { memory: '1Mi' } } }).map(formatIssue);
    expect(limit).toEqual([`resources.limits.memory: must be >= resources.requests.memory ("${'9'.repeat(77)}...") (got "1Mi")`]);
  });
});
