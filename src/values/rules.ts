// Cross-field rules JSON Schema cannot express. The chart enforces the same rules,
// with the same messages, at render time (<chart>.validate in _helpers.tpl).
import type { ValidationIssue } from '../errors';
import { shownValue } from '../inputs/grammar';
import { parseQuantity } from './quantity';

type Values = Record<string, any>;

const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
const HPA_TARGETS = { cpu: 'targetCPUUtilizationPercentage', memory: 'targetMemoryUtilizationPercentage' } as const;
/** Kubernetes' terminationGracePeriodSeconds when the pod spec leaves it out. */
const DEFAULT_GRACE_SECONDS = 30;
/** The chart's own volume (the writable /tmp). */
const TMP_VOLUME = 'tmp';

const PERCENT = /^[0-9]+%$/;

/** Set and not null (Helm deletes null values before rendering). */
const isSet = (obj: unknown, key: string) => (obj as any)?.[key] != null;

/** A value inside a message: strings as they are (cut when long), numbers and booleans, other values by kind. */
const show = (v: unknown) =>
  typeof v === 'string' ? (v.length > 80 ? shownValue(v) : v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'a list' : 'a map') : String(v);

/** Every rule broken by merged chart values (schema-valid or not), in the chart's order. */
export function checkRules(values: Values): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const requests = values.resources?.requests ?? {};
  const limits = values.resources?.limits ?? {};

  for (const r of RESOURCES) {
    if (!isSet(requests, r) || !isSet(limits, r)) continue;
    const request = quantity(`resources.requests.${r}`, requests[r], issues);
    const limit = quantity(`resources.limits.${r}`, limits[r], issues);
    if (request !== undefined && limit !== undefined && limit < request) {
      issues.push({ path: `resources.limits.${r}`, value: limits[r], message: `must be >= resources.requests.${r} (${show(requests[r])})` });
    }
  }

  const hpa = values.autoscaling ?? {};
  if (hpa.enabled) {
    if (hpa.minReplicas > hpa.maxReplicas) {
      issues.push({ path: 'autoscaling.minReplicas', value: hpa.minReplicas, message: `must be <= autoscaling.maxReplicas (${show(hpa.maxReplicas)})` });
    }
    if (!isSet(hpa, HPA_TARGETS.cpu) && !isSet(hpa, HPA_TARGETS.memory)) {
      issues.push({
        path: `autoscaling.${HPA_TARGETS.cpu}`,
        message: `must be set, or autoscaling.${HPA_TARGETS.memory}, when autoscaling.enabled is true (an HPA needs a metric)`,
      });
    }
    for (const r of ['cpu', 'memory'] as const) {
      const target = HPA_TARGETS[r];
      if (isSet(hpa, target) && !isSet(requests, r)) {
        issues.push({ path: `resources.requests.${r}`, message: `must be set when autoscaling.${target} is set` });
      }
    }
  }

  issues.push(...pdbIssues(values));

  const structured = values.nodeAffinity ?? {};
  if ((structured.required?.length || structured.preferred?.length) && isSet(values.affinity, 'nodeAffinity')) {
    issues.push({ path: 'affinity.nodeAffinity', message: 'must be unset when nodeAffinity.required or nodeAffinity.preferred is set' });
  }

  const volumes: unknown[] = Array.isArray(values.volumes) ? values.volumes : [];
  const volumeNames = volumes.map((v: any) => v?.name);
  volumeNames.forEach((name, i) => {
    if (name === TMP_VOLUME) issues.push({ path: `volumes[${i}].name`, value: name, message: `must not be ${TMP_VOLUME} (the chart's /tmp volume)` });
  });
  const mounts: unknown[] = Array.isArray(values.volumeMounts) ? values.volumeMounts : [];
  mounts.forEach((m: any, i) => {
    if (m?.name !== TMP_VOLUME && !volumeNames.includes(m?.name)) {
      issues.push({ path: `volumeMounts[${i}].name`, value: m?.name, message: 'must name an entry of volumes' });
    }
  });

  if (values.metrics?.serviceMonitor?.enabled && !values.metrics?.enabled) {
    issues.push({ path: 'metrics.serviceMonitor.enabled', message: 'must be false when metrics.enabled is false (a ServiceMonitor scrapes the metrics port)' });
  }

  const sleep = values.preStopSleepSeconds;
  if (typeof sleep === 'number' && sleep > 0) {
    const grace = isSet(values, 'terminationGracePeriodSeconds') ? values.terminationGracePeriodSeconds : DEFAULT_GRACE_SECONDS;
    if (!(grace > sleep)) {
      issues.push({ path: 'terminationGracePeriodSeconds', value: grace, message: `must be greater than preStopSleepSeconds (${show(sleep)})` });
    }
  }
  return issues;
}

/** A PodDisruptionBudget must protect something and still let a node be drained. */
function pdbIssues(values: Values): ValidationIssue[] {
  const pdb = values.podDisruptionBudget ?? {};
  if (isSet(pdb, 'minAvailable') && isSet(pdb, 'maxUnavailable')) {
    return [{
      path: 'podDisruptionBudget.maxUnavailable',
      value: pdb.maxUnavailable,
      message: 'must not be set together with podDisruptionBudget.minAvailable (set minAvailable to null)',
    }];
  }
  if (!pdb.enabled) return [];
  if (!isSet(pdb, 'minAvailable') && !isSet(pdb, 'maxUnavailable')) {
    return [{ path: 'podDisruptionBudget.minAvailable', message: 'must be set, or podDisruptionBudget.maxUnavailable, when podDisruptionBudget.enabled is true (a PodDisruptionBudget needs one)' }];
  }
  const drain = 'so that a node can be drained';
  const { minAvailable: min, maxUnavailable: max } = pdb;
  if (max === 0 || max === '0%') return [{ path: 'podDisruptionBudget.maxUnavailable', value: max, message: `must be above 0 ${drain}` }];
  if (min === '100%') return [{ path: 'podDisruptionBudget.minAvailable', value: min, message: `must be below 100% ${drain}` }];
  const [replicasKey, replicas] = values.autoscaling?.enabled ? ['autoscaling.minReplicas', values.autoscaling.minReplicas] : ['replicaCount', values.replicaCount];
  if (typeof replicas !== 'number' || replicas <= 0) return [];
  // pods that must stay: a count, or a percentage of the replicas rounded up (as the eviction API does)
  const staying = typeof min === 'number' ? min : typeof min === 'string' && PERCENT.test(min) ? Math.ceil((parseInt(min, 10) * replicas) / 100) : undefined;
  if (staying !== undefined && staying >= replicas) {
    return [{ path: 'podDisruptionBudget.minAvailable', value: min, message: `must be below ${replicasKey} (${replicas}) ${drain}` }];
  }
  return [];
}

/** The quantity's number, or undefined after recording why it is not one. */
function quantity(path: string, q: unknown, issues: ValidationIssue[]): number | undefined {
  try {
    return parseQuantity(q as string | number);
  } catch {
    issues.push({ path, value: q, message: 'must be a Kubernetes quantity such as 500m or 128Mi' });
    return undefined;
  }
}
