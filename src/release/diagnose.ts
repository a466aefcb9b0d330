// The diagnosis of a workload that cannot come up: the reason, the failing
// object's recent events, each container's state, last state and exit code,
// and the last log lines of the containers that ran. Read once, before Helm is
// stopped (a rollback deletes the failing pods).
import { OperationError } from '../errors';
import type { KubeClient, RawObject } from '../kube/client';
import type { Failure } from './workload';

export interface DiagnosisEvent {
  type: string; // Normal | Warning
  reason: string;
  message: string;
  count: number;
}

export interface ContainerDiagnosis {
  name: string;
  state: string; // waiting | running | terminated
  reason?: string;
  message?: string;
  restarts: number;
  lastState?: { reason?: string; exitCode?: number; signal?: number };
  logs: string[]; // the last lines of the last run (or of the current one)
}

export interface Diagnosis {
  reason: string;
  object: string; // pod/NAME or deployment/NAME
  message: string;
  events: DiagnosisEvent[]; // the newest ten, oldest first
  containers: ContainerDiagnosis[];
}

export const LOG_LINES = 20;
const EVENTS = 10;

export async function diagnose(kube: KubeClient | null | undefined, namespace: string, f: Failure): Promise<Diagnosis> {
  const d: Diagnosis = { reason: f.reason, object: f.object, message: f.message, events: [], containers: [] };
  const name = f.object.slice(f.object.indexOf('/') + 1);
  if (kube) d.events = (await kube.events(namespace, name).catch(() => [] as RawObject[])).slice(-EVENTS).map(toEvent);
  const statuses: RawObject[] = [...(f.pod?.status?.initContainerStatuses ?? []), ...(f.pod?.status?.containerStatuses ?? [])];
  for (const c of statuses) {
    const [state, s]: [string, RawObject] = (Object.entries(c.state ?? {}) as [string, RawObject][])[0] ?? ['unknown', {}];
    const last = c.lastState?.terminated;
    const ran = !!last || state !== 'waiting';
    const logs = kube && ran ? await kube.logs(namespace, name, String(c.name), { previous: !!last && state !== 'running', lines: LOG_LINES }) : '';
    d.containers.push({
      name: String(c.name),
      state,
      ...(s?.reason ? { reason: String(s.reason) } : {}),
      ...(s?.message ? { message: String(s.message).slice(0, 300) } : {}),
      restarts: Number(c.restartCount ?? 0),
      ...(last ? { lastState: { reason: last.reason, exitCode: last.exitCode, ...(last.signal ? { signal: last.signal } : {}) } } : {}),
      logs: logs.split('\n').filter((l, i, all) => l || i < all.length - 1).slice(-LOG_LINES),
    });
  }
  return d;
}

function toEvent(e: RawObject): DiagnosisEvent {
  return { type: String(e.type ?? ''), reason: String(e.reason ?? ''), message: String(e.message ?? e.note ?? '').replace(/\s+/g, ' ').trim().slice(0, 300), count: Number(e.count ?? e.series?.count ?? 1) };
}

/** The diagnosis as the user reads it. */
export function formatDiagnosis(d: Diagnosis): string {
  const out = [`${d.object}: ${d.message}`];
  out.push(d.events.length ? `  events (oldest first):` : '  events: none');
  for (const e of d.events) out.push(`    ${e.type} ${e.reason}: ${e.message}${e.count > 1 ? ` (x${e.count})` : ''}`);
  for (const c of d.containers) {
    const now = `${c.state}${c.reason ? ` (${c.reason})` : ''}`;
    const last = c.lastState ? `; last run: terminated${c.lastState.reason ? ` (${c.lastState.reason})` : ''}, exit code ${c.lastState.exitCode ?? '?'}${c.lastState.signal ? `, signal ${c.lastState.signal}` : ''}` : '';
    out.push(`  container ${c.name}: ${now}, ${c.restarts} restart${c.restarts === 1 ? '' : 's'}${last}`);
    if (c.logs.length) out.push(`    last ${c.logs.length} log line${c.logs.length === 1 ? '' : 's'}:`, ...c.logs.map((l) => `      ${l}`));
    else out.push('    logs: none');
  }
  return out.join('\n');
}

/** An operation stopped because its workload could not come up (exit 6), with the diagnosis for --json. */
export class DiagnosedError extends OperationError {
  constructor(message: string, suggestion: string, readonly diagnosis: Diagnosis) {
    super(message, suggestion);
  }
}
