// What a release's workload is doing, read from its pods and Deployments as the
// API server reports them: why a pod is not ready, whether it can never become
// ready (fail fast), and a one-line summary for progress. Pure: the watch feeds
// it objects and the times it first saw each problem.
import type { RawObject } from '../kube/client';

/** The release's objects as last seen, and when each pod problem was first seen (ms). */
export interface Workload {
  since: number; // ms: pods created from then on belong to this operation
  deployments: RawObject[];
  pods: RawObject[];
  firstSeen: Map<string, number>; // `${pod uid}/${reason}` -> ms
}

/** A workload with nothing seen yet. */
export function emptyWorkload(since: number): Workload {
  return { since, deployments: [], pods: [], firstSeen: new Map() };
}

/** Why a pod is not running, as the kubelet or the scheduler says. */
export interface PodProblem {
  reason: string; // CrashLoopBackOff, ImagePullBackOff, Unschedulable, ...
  message: string;
  container?: string;
}

/** A state the workload cannot leave by waiting. */
export interface Failure {
  reason: string;
  object: string; // pod/NAME or deployment/NAME
  message: string;
  pod?: RawObject;
}

// Container states that never clear by themselves, and those that may for a
// short while (a ConfigMap or Secret created just after; a node being added).
const FATAL = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName']);
const AFTER_GRACE = new Set(['CreateContainerConfigError', 'Unschedulable']);

/** Pods of this operation: created since it started (to the second, as the API server stamps them), not being deleted. */
export function newPods(w: Workload): RawObject[] {
  const from = Math.floor(w.since / 1000) * 1000 - 1000;
  return w.pods.filter((p) => !p.metadata?.deletionTimestamp && Date.parse(p.metadata?.creationTimestamp ?? '') >= from);
}

/** What keeps a pod from running: a waiting container's reason, or the scheduler's. */
export function podProblems(pod: RawObject): PodProblem[] {
  const out: PodProblem[] = [];
  const scheduled = (pod.status?.conditions ?? []).find((c: RawObject) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') out.push({ reason: 'Unschedulable', message: oneLine(scheduled.message) });
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const w = c.state?.waiting;
    if (w?.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing') out.push({ reason: String(w.reason), message: oneLine(w.message), container: String(c.name) });
  }
  return out;
}

export const problemKey = (pod: RawObject, p: PodProblem) => `${pod.metadata?.uid}/${p.reason}`;

/** The first state the workload cannot leave by waiting (some only after `graceMs`), or undefined. */
export function findFailure(w: Workload, now: number, graceMs: number): Failure | undefined {
  for (const pod of newPods(w)) {
    for (const p of podProblems(pod)) {
      const seen = w.firstSeen.get(problemKey(pod, p)) ?? now;
      if (FATAL.has(p.reason) || (AFTER_GRACE.has(p.reason) && now - seen >= graceMs)) {
        const where = p.container ? ` (container ${p.container})` : '';
        return { reason: p.reason, object: `pod/${pod.metadata.name}`, message: `${p.reason}${where}${p.message ? `: ${p.message}` : ''}`, pod };
      }
    }
  }
  const from = Math.floor(w.since / 1000) * 1000 - 1000;
  for (const d of w.deployments) {
    const c = (d.status?.conditions ?? []).find((x: RawObject) => x.type === 'Progressing');
    const current = (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && Date.parse(c?.lastUpdateTime ?? '') >= from;
    if (c?.status === 'False' && c.reason === 'ProgressDeadlineExceeded' && current) {
      return { reason: 'ProgressDeadlineExceeded', object: `deployment/${d.metadata.name}`, message: `ProgressDeadlineExceeded: ${oneLine(c.message)}` };
    }
  }
  return undefined;
}

/**
 * One line: each Deployment's updated and ready replicas, and the first new pod
 * that is not ready with its reason, e.g. `deployment/orders 2/3 updated · 1/3
 * ready · pod orders-7c9 Pending: 0/3 nodes are available: ...`.
 */
export function progressLine(w: Workload): string {
  const parts: string[] = [];
  const byName = (a: RawObject, b: RawObject) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0); // DNS names: ASCII order, no ICU
  for (const d of [...w.deployments].sort(byName)) {
    const want = d.spec?.replicas ?? 1;
    // Until the controller has seen the new spec, its status counts the previous rollout.
    const updated = (d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0) ? 0 : (d.status?.updatedReplicas ?? 0);
    parts.push(`deployment/${d.metadata.name} ${updated}/${want} updated · ${d.status?.readyReplicas ?? 0}/${want} ready`);
  }
  const waiting = newPods(w).find((p) => !isReady(p));
  if (waiting) {
    const p = podProblems(waiting)[0];
    const phase = waiting.status?.phase ?? 'Pending';
    parts.push(`pod ${waiting.metadata.name} ${phase}${p ? `: ${p.reason === 'Unschedulable' ? '' : `${p.reason} `}${p.message}`.trimEnd() : ''}`);
  }
  return parts.length ? parts.join(' · ') : 'waiting for the release\'s workload';
}

function isReady(pod: RawObject): boolean {
  return (pod.status?.conditions ?? []).some((c: RawObject) => c.type === 'Ready' && c.status === 'True');
}

function oneLine(s: unknown): string {
  return typeof s === 'string' ? s.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
}
