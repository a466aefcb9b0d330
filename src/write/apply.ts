// The one writer: applies a map of generated files to a directory.
// Plan first (every check, also in a dry run), then write all-or-nothing:
// whole units (the chart directory, the Dockerfile) are staged and moved into
// place in one step by txn.ts, under a lock, after finishing or discarding
// whatever an interrupted earlier run left.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { ConflictError } from '../errors';
import { withLock } from './lock';
import { Existing, inspect, realDir } from './paths';
import { recover, transact } from './txn';

export type FileAction = 'created' | 'unchanged' | 'replaced';
export interface FileReport {
  path: string;
  action: FileAction;
  needsForce?: boolean; // dry run: this replacement would need --force
}

export interface ApplyOptions {
  force: boolean; // replace files whose content differs
  dryRun: boolean; // every check, then report only: write nothing
  dirs?: string[]; // directories (relative) replaced as one unit, e.g. the chart
}

/** The lock file beside a chart directory, shared by create and bump. */
export const chartLockPath = (realChartDir: string) => join(dirname(realChartDir), `.goservice-${basename(realChartDir)}.lock`);
const MODULE_LOCK = '.goservice.lock';

export function applyFiles(root: string, files: Map<string, string>, opts: ApplyOptions): FileReport[] {
  const real = realDir(root, '--dir');
  const plan = (): FileReport[] => [...files].map(([path, content]) => ({ path, action: actionFor(inspect(real, path), content) }));
  const checked = plan(); // links and files in the way are refused before any lock file is made
  if (opts.dryRun) return checked.map((r) => (r.action === 'replaced' && !opts.force ? { ...r, needsForce: true } : r));

  return withLock(join(real, MODULE_LOCK), `the module ${root}`, () =>
    withChartLocks(real, opts.dirs ?? [], () => {
      recover(real);
      const report = plan();
      const clashes = report.filter((r) => r.action === 'replaced');
      if (clashes.length && !opts.force) {
        throw new ConflictError(
          `would overwrite ${clashes.length} existing file(s) that differ: ${clashes.map((c) => c.path).join(', ')}`,
          'run again with --force to replace them, or with --dry-run to see the plan',
        );
      }
      const changed = report.filter((r) => r.action !== 'unchanged').map((r) => r.path);
      if (changed.length) write(real, files, changed, opts.dirs ?? []);
      return report;
    }),
  );
}

function actionFor(existing: Existing, content: string): FileAction {
  if (existing.kind === 'missing') return 'created';
  return existing.content === content ? 'unchanged' : 'replaced';
}

/** The unit a file belongs to: the declared directory holding it, else the file itself. */
const unitOf = (path: string, dirs: string[]) => dirs.find((d) => path.startsWith(`${d}/`)) ?? path;

function write(root: string, files: Map<string, string>, changed: string[], dirs: string[]): void {
  const units = [...new Set(changed.map((p) => unitOf(p, dirs)))];
  transact(root, units, (newRoot) => {
    for (const unit of units) {
      // A directory unit starts as a copy of what is there, so files the user added stay.
      if (dirs.includes(unit) && existsSync(join(root, unit))) {
        cpSync(join(root, unit), join(newRoot, unit), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      }
    }
    for (const path of changed) {
      mkdirSync(join(newRoot, posix.dirname(path)), { recursive: true });
      writeFileSync(join(newRoot, path), files.get(path)!);
    }
  });
}

/** Holds the lock of each existing chart directory's parent, so bump waits for create. */
function withChartLocks<T>(root: string, dirs: string[], fn: () => T): T {
  const [first, ...rest] = dirs.filter((d) => existsSync(join(root, posix.dirname(d))));
  if (first === undefined) return fn();
  return withLock(chartLockPath(join(root, first)), `the chart ${first}`, () => withChartLocks(root, rest, fn));
}
