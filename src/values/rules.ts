// Cross-field rules JSON Schema cannot express. The chart enforces the same rules,
// with the same messages, at render time (goservice.validate in _helpers.tpl).
import type { ValidationIssue } from '../errors';
import { shownValue } from '../inputs/grammar';
import { parseQuantity } from './quantity';

type Values = Record<string, any>;

const RESOURCES = ['cpu', 'memory'] as const;
const HPA_TARGETS = { cpu: 'targetCPUUtilizationPercentage', memory: 'targetMemoryUtilizationPercentage' } as const;

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
    for (const r of RESOURCES) {
      const target = HPA_TARGETS[r];
      if (isSet(hpa, target) && !isSet(requests, r)) {
        issues.push({ path: `resources.requests.${r}`, message: `must be set when autoscaling.${target} is set` });
      }
    }
  }

  const pdb = values.podDisruptionBudget ?? {};
  if (isSet(pdb, 'minAvailable') && isSet(pdb, 'maxUnavailable')) {
    issues.push({
      path: 'podDisruptionBudget.maxUnavailable',
      value: pdb.maxUnavailable,
      message: 'must not be set together with podDisruptionBudget.minAvailable (set minAvailable to null)',
    });
  }

  const structured = values.nodeAffinity ?? {};
  if ((structured.required?.length || structured.preferred?.length) && isSet(values.affinity, 'nodeAffinity')) {
    issues.push({ path: 'affinity.nodeAffinity', message: 'must be unset when nodeAffinity.required or nodeAffinity.preferred is set' });
  }
  return issues;
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
