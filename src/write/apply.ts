import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ConflictError, UsageError } from '../errors';

export type FileAction = 'created' | 'unchanged' | 'replaced';
export interface FileReport {
  path: string;
  action: FileAction;
}

export interface ApplyOptions {
  force: boolean; // replace files whose content differs
  dryRun: boolean; // report only, write nothing
}

/**
 * The only place generated files reach the disk. Checks everything first
 * (nothing is written when a file would be overwritten without --force), then
 * writes every file into a temp dir beside the target and renames it into place.
 */
export function applyFiles(root: string, files: Map<string, string>, opts: ApplyOptions): FileReport[] {
  const report = [...files].map(([path, content]) => ({ path, action: plan(root, path, content) }));
  const clashes = report.filter((r) => r.action === 'replaced');
  if (clashes.length && !opts.force) {
    throw new ConflictError(
      `would overwrite ${clashes.length} existing file(s) that differ: ${clashes.map((c) => c.path).join(', ')}`,
      'run again with --force to replace them, or --dry-run to see the plan',
    );
  }
  if (opts.dryRun) return report;
  const changed = report.filter((r) => r.action !== 'unchanged');
  if (!changed.length) return report;
  const staging = mkdtempSync(join(root, '.goservice-'));
  try {
    for (const { path } of changed) {
      const tmp = join(staging, path);
      mkdirSync(dirname(tmp), { recursive: true });
      writeFileSync(tmp, files.get(path)!);
    }
    for (const { path } of changed) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      renameSync(join(staging, path), join(root, path));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return report;
}

function plan(root: string, path: string, content: string): FileAction {
  const target = resolve(root, path);
  if (relative(root, target).startsWith('..')) throw new UsageError('--chart-dir', `${path} is outside ${root}`, 'choose a chart directory inside the module');
  if (!existsSync(target)) return 'created';
  if (statSync(target).isDirectory()) throw new ConflictError(`${path} exists and is a directory`, 'remove it or choose another --chart-dir');
  return readFileSync(target, 'utf8') === content ? 'unchanged' : 'replaced';
}
