// history: the release's revisions, oldest first, with the live one marked.
// Every revision is read (Helm shows only the newest 256 by default), so the
// live revision is found however long the history; --max only trims the list.
import { NotFoundError } from '../errors';
import { HelmClient, Revision } from '../helm/client';
import { checkRelease } from './names';

export interface HistoryResult {
  release: string;
  namespace: string;
  live: number | null; // the newest revision whose status is "deployed"
  total: number; // revisions stored
  revisions: (Revision & { live: boolean })[]; // the newest --max of them
  warnings: string[]; // an inconsistent record, e.g. several "deployed" revisions
}

export async function history(helm: HelmClient, release: string, max?: number): Promise<HistoryResult> {
  const revs = await helm.history(checkRelease(release));
  const deployed = revs.filter((r) => r.status === 'deployed');
  const live = deployed[deployed.length - 1]?.revision ?? null;
  const shown = max ? revs.slice(-max) : revs;
  return {
    release,
    namespace: helm.settings.namespace,
    live,
    total: revs.length,
    revisions: shown.map((r) => ({ ...r, live: r.revision === live })),
    warnings: deployed.length > 1 ? [staleDeployed(deployed.slice(0, -1), live!)] : [],
  };
}

/** Why older "deployed" revisions are not live (Helm supersedes the previous one on success; an operation that finished late does not). */
export function staleDeployed(stale: Revision[], live: number): string {
  const list = stale.map((r) => r.revision).join(', ');
  return `revision${stale.length > 1 ? 's' : ''} ${list} ${stale.length > 1 ? 'are' : 'is'} also marked deployed, though revision ${live} is live: an operation finished after a later one (e.g. a Helm that outlived its command); rollback skips ${stale.length > 1 ? 'them' : 'it'} unless named`;
}

/** A fixed-width table like `helm history`, "*" marking the live revision. */
export function formatHistory(h: HistoryResult): string {
  const head = ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'];
  const rows = h.revisions.map((r) => [
    `${r.revision}${r.live ? '*' : ''}`,
    r.updated ? r.updated.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-',
    r.status,
    `${r.chart}-${r.chartVersion}`,
    r.appVersion,
    r.description.replace(/\s*\n\s*/g, '; '),
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const note = h.live === null ? 'no revision is live' : `* live revision: ${h.live}`;
  const trimmed = h.revisions.length < h.total ? [`(${h.total - h.revisions.length} older revisions not shown)`] : [];
  return [line(head), ...rows.map(line), note, ...trimmed, ...h.warnings.map((w) => `warning: ${w}`)].join('\n');
}

/** "live revision: 3 (chart hello-0.1.0, app 1.0.0); latest revision 4 is failed", for messages. */
export function liveSummary(revs: Revision[]): string {
  const d = revs.filter((r) => r.status === 'deployed').pop();
  const last = revs[revs.length - 1];
  let s = d ? `live revision: ${d.revision} (chart ${d.chart}-${d.chartVersion}, app ${d.appVersion})` : 'no revision is live';
  if (last && last !== d) s += `; latest revision ${last.revision} is ${last.status}`;
  return s;
}

/** The revisions, read even after SIGINT/SIGTERM; null when the release does not exist, an Error when they cannot be read. */
export async function readRevisions(helm: HelmClient, release: string): Promise<Revision[] | null | Error> {
  try {
    return await helm.history(release);
  } catch (e) {
    return e instanceof NotFoundError ? null : (e as Error);
  }
}

/** The state line for a message, from what readRevisions returned. */
export function stateOf(revs: Revision[] | null | Error): string {
  if (revs === null || (Array.isArray(revs) && !revs.length)) return 'the release no longer exists';
  return revs instanceof Error ? `the state could not be read: ${revs.message}` : liveSummary(revs);
}
