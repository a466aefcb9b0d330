import { Flags } from '@oclif/core';

/**
 * Flags that set one chart value each, with the value's key path. The path is
 * named once here: it feeds the values and names the flag in error messages.
 */
export const VALUE_FLAGS = {
  port: { path: 'containerPort', flag: Flags.integer({ description: 'port the service listens on (containerPort, EXPOSE)', helpValue: 'PORT' }) },
  'service-port': { path: 'service.port', flag: Flags.integer({ description: 'port of the Kubernetes Service', helpValue: 'PORT' }) },
  image: { path: 'image.repository', flag: Flags.string({ description: 'image repository (default: NAME)', helpValue: 'REPO' }) },
  replicas: { path: 'replicaCount', flag: Flags.integer({ description: 'replicas when autoscaling is off' }) },
  'cpu-request': { path: 'resources.requests.cpu', flag: Flags.string({ description: 'CPU request, e.g. 100m', helpValue: 'QTY' }) },
  'cpu-limit': { path: 'resources.limits.cpu', flag: Flags.string({ description: 'CPU limit, e.g. 500m', helpValue: 'QTY' }) },
  'memory-request': { path: 'resources.requests.memory', flag: Flags.string({ description: 'memory request, e.g. 64Mi', helpValue: 'QTY' }) },
  'memory-limit': { path: 'resources.limits.memory', flag: Flags.string({ description: 'memory limit, e.g. 128Mi (also sets GOMEMLIMIT)', helpValue: 'QTY' }) },
  hpa: { path: 'autoscaling.enabled', flag: Flags.boolean({ allowNo: true, description: 'HorizontalPodAutoscaler (autoscaling/v2) on or off (default on)' }) },
  'min-replicas': { path: 'autoscaling.minReplicas', flag: Flags.integer({ description: 'HPA minimum replicas' }) },
  'max-replicas': { path: 'autoscaling.maxReplicas', flag: Flags.integer({ description: 'HPA maximum replicas' }) },
  'cpu-target': { path: 'autoscaling.targetCPUUtilizationPercentage', flag: Flags.integer({ description: 'HPA average CPU utilisation target, % of the request', helpValue: 'PERCENT' }) },
  'memory-target': { path: 'autoscaling.targetMemoryUtilizationPercentage', flag: Flags.integer({ description: 'HPA average memory utilisation target, % of the request', helpValue: 'PERCENT' }) },
} as const;

export type ValueFlagName = keyof typeof VALUE_FLAGS;

export const valueFlagDefinitions = Object.fromEntries(
  Object.entries(VALUE_FLAGS).map(([name, v]) => [name, v.flag]),
) as { [K in ValueFlagName]: (typeof VALUE_FLAGS)[K]['flag'] };

export interface FlagValue {
  flag: string; // e.g. --cpu-limit
  path: string; // e.g. resources.limits.cpu
  value: unknown;
}

/** The value flags the user gave, as key paths. */
export function flagValues(parsed: Partial<Record<ValueFlagName, unknown>>): FlagValue[] {
  return (Object.keys(VALUE_FLAGS) as ValueFlagName[])
    .filter((name) => parsed[name] !== undefined)
    .map((name) => ({ flag: `--${name}`, path: VALUE_FLAGS[name].path, value: parsed[name] }));
}

/** Nests key paths into a values layer. */
export function toValuesLayer(items: { path: string; value: unknown }[]): Record<string, unknown> {
  const out: Record<string, any> = {};
  for (const { path, value } of items) {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    node[keys[keys.length - 1]] = value;
  }
  return out;
}
