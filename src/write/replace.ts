// Replacing one existing file in place of a user's setup: through a symbolic
// link to the file it points to, keeping the file's mode, and keeping hard
// links (a file with several names is rewritten, not replaced by a new inode).
import { chmodSync, chownSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConflictError, fsError } from '../errors';

const TMP_PREFIX = '.goservice-tmp-';

/** The file a path names, links followed: what an edit must change. */
export function realFile(path: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    throw fsError(e, path, 'resolve it');
  }
  if (!statSync(real).isFile()) throw new ConflictError(`${path} is not a regular file`, `point it at a regular file`);
  return real;
}

/** Writes `content` to the real file behind `path`, atomically unless it has hard links. */
export function replaceFile(path: string, content: string): void {
  const real = realFile(path);
  const st = statSync(real);
  try {
    if (st.nlink > 1) {
      writeFileSync(real, content); // every name keeps seeing the same file
      return;
    }
    const tmp = join(dirname(real), `${TMP_PREFIX}${basename(real)}-${process.pid}`);
    writeFileSync(tmp, content, { flag: 'w', mode: st.mode & 0o7777 });
    chmodSync(tmp, st.mode & 0o7777); // the umask may have narrowed it
    if (process.getuid?.() === 0 && (st.uid !== 0 || st.gid !== 0)) chownSync(tmp, st.uid, st.gid);
    renameSync(tmp, real);
  } catch (e) {
    throw fsError(e, real, 'write it');
  }
}

/** Removes temp files an interrupted replaceFile left in `dir` (call it holding the lock). */
export function removeStaleTemps(dir: string): void {
  try {
    for (const n of readdirSync(dir)) if (n.startsWith(TMP_PREFIX)) rmSync(join(dir, n), { force: true });
  } catch {}
}
