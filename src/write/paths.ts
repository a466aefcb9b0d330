// Where the writer may write: below a real root directory, through no symbolic
// link, with directories where directories must be and files where files must be.
import { lstatSync, readlinkSync, realpathSync, Stats } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, fsError, UsageError } from '../errors';
import { readBounded, MiB } from '../files/read';

/** The real path of an existing directory (links resolved once, here). */
export function realDir(dir: string, field: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch (e) {
    throw fsError(e, dir, 'open the directory');
  }
  if (!lstatSync(real).isDirectory()) throw new UsageError(field, `${dir} is not a directory`, 'give the path of a directory');
  return real;
}

/** What stands at a target path now. */
export type Existing = { kind: 'missing' } | { kind: 'file'; content: string; stats: Stats };

/**
 * Checks every component of `rel` below `root` (already real): none may be a
 * symbolic link, the parents must be directories, the target a regular file or
 * missing. Returns what is there. Errors name the path and how to clear it.
 */
export function inspect(root: string, rel: string): Existing {
  const parts = rel.split('/');
  if (!rel || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UsageError('path', `${JSON.stringify(rel)} is outside the module or not a clean relative path`, 'use a path inside the module such as charts/orders');
  }
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i]);
    const shown = parts.slice(0, i + 1).join('/');
    let st: Stats;
    try {
      st = lstatSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw fsError(e, at, 'inspect it');
    }
    if (st.isSymbolicLink()) {
      throw new ConflictError(
        `${shown} is a symbolic link (to ${safeReadlink(at)}): goservice writes only inside the module, never through a link`,
        `replace the link with a real directory or file, or choose another --chart-dir`,
      );
    }
    const last = i === parts.length - 1;
    if (!last && !st.isDirectory()) {
      throw new ConflictError(`${shown} is a file where a directory must be (for ${rel})`, `remove or rename ${shown}, or choose another --chart-dir`);
    }
    if (last) {
      if (st.isDirectory()) throw new ConflictError(`${shown} is a directory where a file must be`, `remove or rename ${shown}`);
      if (!st.isFile()) throw new ConflictError(`${shown} is not a regular file (a device, FIFO or socket)`, `remove ${shown}`);
      return { kind: 'file', content: readBounded(at, { maxBytes: 16 * MiB, field: shown }), stats: st };
    }
  }
  return { kind: 'missing' };
}

function safeReadlink(p: string): string {
  try {
    return JSON.stringify(readlinkSync(p));
  } catch {
    return 'an unreadable target';
  }
}
