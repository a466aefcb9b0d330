// The version of an absolute Helm binary (as HELM_BIN is for plugins), kept in
// the per-user cache (<cache root>/helm-version/) under a key of its real path,
// device, inode, size and mtime, so a replaced binary is asked again. Saves a
// Helm start (~50-100 ms) on every upgrade and rollback. An entry is trusted
// only if it is a regular file of the user (not a link) whose content names the
// same binary and a Helm 3 or Helm 4 version; anything else is ignored and
// Helm is asked again. Entries are written to a temp file and renamed.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileKey, readPrivateJson, userDir, UserDirOptions, writePrivateJson } from '../process/user-dir';

/** What `helm version --template {{.Version}}` prints for a Helm we support. */
export const HELM_VERSION = /^v([34])\.\d{1,4}\.\d{1,4}(?:-[0-9A-Za-z.-]{1,64})?(?:\+[0-9A-Za-z.-]{1,64})?$/;

export interface VersionCache {
  read(): string | undefined;
  write(version: string): void;
}

const MAX_ENTRY = 4096;

export function helmVersionCache(bin: string, o: UserDirOptions = {}): VersionCache | undefined {
  if (!isAbsolute(bin)) return undefined;
  let id: { bin: string; dev: number; ino: number; size: number; mtimeMs: number };
  try {
    const st = statSync(bin);
    id = { bin: realpathSync(bin), dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined; // missing binary: let the run report it
  }
  const dir = userDir('helm-version', o);
  if (!dir) return undefined;
  const key = fileKey(JSON.stringify(id)); // the entry holds `id`, compared on read
  return {
    read() {
      const entry = readPrivateJson(join(dir, `${key}.json`), MAX_ENTRY, o);
      const same = entry && typeof entry === 'object' && JSON.stringify(entry.id) === JSON.stringify(id);
      return same && typeof entry.version === 'string' && HELM_VERSION.test(entry.version) ? entry.version : undefined;
    },
    write(version) {
      if (HELM_VERSION.test(version)) writePrivateJson(dir, `${key}.json`, { id, version }); // no cache: ask again next time
    },
  };
}
