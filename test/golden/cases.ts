import { join } from 'node:path';
import { CreateOptions } from '../../src/create/create';
import { parseNodeTerm, parsePreferredTerm } from '../../src/create/node-terms';
import { createOptions } from '../support/create-options';

const fixture = (name: string) => join(__dirname, '../fixtures', name);

/**
 * Service models whose whole output is committed: the chart under charts/NAME,
 * the Dockerfile and .dockerignore under test/golden/NAME.
 */
export const GOLDEN_CASES: CreateOptions[] = [
  createOptions({ name: 'hello', dir: fixture('hello') }),
  createOptions({
    name: 'withdeps',
    dir: fixture('withdeps'),
    runtime: 'scratch',
    versionVariable: 'main.version',
    flagValues: [
      { flag: '--hpa', path: 'autoscaling.enabled', value: false },
      { flag: '--replicas', path: 'replicaCount', value: 3 },
    ],
    nodeRequired: [parseNodeTerm('--node-required', 'disktype=ssd')],
    nodePreferred: [parsePreferredTerm('--node-preferred', '80:topology.kubernetes.io/zone=zone-a')],
  }),
  // go.mod requires grpc (health service imported) and the Prometheus client: gRPC probes, metrics on
  createOptions({ name: 'grpc', dir: fixture('grpc') }),
  createOptions({
    name: 'vendored',
    dir: fixture('vendored'),
    runtime: 'alpine',
    flagValues: [
      { flag: '--port', path: 'containerPort', value: 9090 },
      { flag: '--cpu-request', path: 'resources.requests.cpu', value: '200m' },
      { flag: '--memory-limit', path: 'resources.limits.memory', value: '256Mi' },
      { flag: '--memory-target', path: 'autoscaling.targetMemoryUtilizationPercentage', value: 75 },
    ],
  }),
];
