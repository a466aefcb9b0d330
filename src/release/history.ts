// history: the release's revisions, oldest first, with the live one marked.
import { HelmClient, Revision } from '../helm/client';
import { checkRelease } from './names';

export interface HistoryResult {
  release: string;
  namespace: string;
  live: number | null; // the revision whose status is "deployed"
  revisions: (Revision & { live: boolean })[];
}

export async function history(helm: HelmClient, release: string, max?: number): Promise<HistoryResult> {
  const revs = await helm.history(checkRelease(release), max);
  const live = revs.filter((r) => r.status === 'deployed').pop()?.revision ?? null;
  return { release, namespace: helm.settings.namespace, live, revisions: revs.map((r) => ({ ...r, live: r.revision === live })) };
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
  return [line(head), ...rows.map(line), note].join('\n');
}
