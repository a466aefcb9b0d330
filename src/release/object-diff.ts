// What an upgrade would change, object by object: the live object against the
// one the API server would store (server-side dry run), both without the
// fields that always differ, Secret values masked, as a unified diff of YAML.
// Pure: the caller reads the objects.
import { structuredPatch } from 'diff';
import { stringify } from 'yaml';
import type { RawObject } from '../kube/client';

export type ChangeKind = 'changed' | 'added' | 'removed' | 'unchanged';

export interface ObjectChange {
  kind: string;
  namespace?: string;
  name: string;
  change: ChangeKind;
  diff: string; // unified diff lines (no file headers); '' when unchanged
}

export interface DiffSummary {
  changed: number;
  added: number;
  removed: number;
  unchanged: number;
}

const DROPPED_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'];
// Annotations written by controllers and tools, not by the chart.
const DROPPED_ANNOTATIONS = [/^deployment\.kubernetes\.io\/revision$/, /^kubectl\.kubernetes\.io\/last-applied-configuration$/, /^meta\.helm\.sh\//];

/** The object without what always differs (status, server bookkeeping, controller annotations; replicas an HPA manages). */
export function comparable(o: RawObject, opts: { hpaManaged?: boolean } = {}): RawObject {
  const c = structuredClone(o);
  delete c.status;
  const m = c.metadata ?? {};
  for (const k of DROPPED_METADATA) delete m[k];
  if (m.annotations) {
    for (const k of Object.keys(m.annotations)) if (DROPPED_ANNOTATIONS.some((re) => re.test(k))) delete m.annotations[k];
    if (!Object.keys(m.annotations).length) delete m.annotations;
  }
  if (opts.hpaManaged && c.spec) delete c.spec.replicas;
  return c;
}

/** Kind/name of each workload an enabled HorizontalPodAutoscaler of the new objects scales. */
export function hpaTargets(objects: RawObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) if (o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.name) out.add(`${o.spec.scaleTargetRef.kind}/${o.spec.scaleTargetRef.name}`);
  return out;
}

/**
 * A Secret's data and stringData with every value replaced: `<unchanged>` on
 * both sides, `<changed>` for a key whose value differs (the live side shows
 * `<hidden>`), `<added>` for a new key. No value ever reaches the diff.
 */
export function maskSecrets(live: RawObject | null, next: RawObject | null): [RawObject | null, RawObject | null] {
  if ((live ?? next)?.kind !== 'Secret' || (live ?? next)?.apiVersion !== 'v1') return [live, next];
  const before = live ? { ...live } : null;
  const after = next ? { ...next } : null;
  const oldData = secretData(live);
  const newData = secretData(next);
  if (before) {
    delete before.stringData;
    if (Object.keys(oldData).length) before.data = Object.fromEntries(Object.keys(oldData).map((k) => [k, k in newData && newData[k] === oldData[k] ? '<unchanged>' : '<hidden>']));
  }
  if (after) {
    delete after.stringData;
    if (Object.keys(newData).length) after.data = Object.fromEntries(Object.keys(newData).map((k) => [k, !live ? '<added>' : !(k in oldData) ? '<added>' : oldData[k] === newData[k] ? '<unchanged>' : '<changed>']));
  }
  return [before, after];
}

/** data (base64) and stringData, as one map of base64 values. */
function secretData(o: RawObject | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o?.data ?? {})) out[k] = String(v);
  for (const [k, v] of Object.entries(o?.stringData ?? {})) out[k] = Buffer.from(String(v)).toString('base64');
  return out;
}

/** One object's change: `live` null means added, `next` null removed. */
export function objectChange(ref: { kind: string; namespace?: string; name: string }, live: RawObject | null, next: RawObject | null, opts: { hpaManaged?: boolean } = {}): ObjectChange {
  const [a, b] = maskSecrets(live && comparable(live, opts), next && comparable(next, opts));
  const before = a ? stringify(a, { sortMapEntries: true }) : '';
  const after = b ? stringify(b, { sortMapEntries: true }) : '';
  const change: ChangeKind = !a ? 'added' : !b ? 'removed' : before === after ? 'unchanged' : 'changed';
  if (change === 'unchanged') return { ...ref, change, diff: '' };
  const patch = structuredPatch('live', 'upgrade', before, after, '', '', { context: 3 });
  const lines = patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
  return { ...ref, change, diff: lines.join('\n') };
}

export function summarize(changes: ObjectChange[]): DiffSummary {
  const s: DiffSummary = { changed: 0, added: 0, removed: 0, unchanged: 0 };
  for (const c of changes) s[c.change]++;
  return s;
}

/** The diff as the user reads it; coloured (ANSI) when asked. */
export function formatDiff(changes: ObjectChange[], colour: boolean): string {
  const paint = (code: string, s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const c of changes) {
    if (c.change === 'unchanged') continue;
    out.push(paint('1', `${c.kind}/${c.namespace ? `${c.namespace}/` : ''}${c.name} ${c.change}`));
    for (const l of c.diff.split('\n')) out.push(l.startsWith('@@') ? paint('36', l) : l.startsWith('+') ? paint('32', l) : l.startsWith('-') ? paint('31', l) : l);
  }
  const s = summarize(changes);
  out.push(`${s.changed} changed, ${s.added} added, ${s.removed} removed${s.changed + s.added + s.removed === 0 ? ': no changes' : ''} (${s.unchanged} unchanged)`);
  return out.join('\n');
}

/** Colours on a terminal only, and not when NO_COLOR is set (no-color.org). */
export function useColour(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return !!out.isTTY && !env.NO_COLOR;
}
