// Per-user directories for caches, state and private temp files, never the
// shared temp directory under predictable names. A directory is used only when
// it is a real directory (not a link), owned by the user and not writable by
// anyone else; otherwise the caller goes without (a cache) or falls back to a
// fresh mkdtemp directory (temp files).
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { onCleanup } from './lifecycle';

export interface UserDirOptions {
  env?: NodeJS.ProcessEnv;
  uid?: number; // the owner required (default: this process's user)
}

/** GOSERVICE_CACHE, else $XDG_CACHE_HOME/goservice, else ~/.cache/goservice. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOSERVICE_CACHE) return resolve(env.GOSERVICE_CACHE);
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache'), 'goservice');
}

/**
 * `<cache root>/<name>`, created 0700; undefined when the root or the directory
 * is a link, belongs to someone else, or is writable by others.
 */
export function userDir(name: string, o: UserDirOptions = {}): string | undefined {
  return privateSubdir(cacheRoot(o.env), name, o, true);
}

export interface TempDir {
  path: string;
  /** Removes it now (it is also removed at exit, on every path, signals included). */
  remove(): void;
}

/**
 * A new private directory (0700, unpredictable name) for files that may hold
 * secrets: under $XDG_RUNTIME_DIR/goservice (a per-user tmpfs) when usable,
 * else under <cache root>/tmp, else in the system temp directory.
 */
export function privateTempDir(prefix: string, o: UserDirOptions = {}): TempDir {
  const env = o.env ?? process.env;
  const runtime = env.XDG_RUNTIME_DIR && isAbsolute(env.XDG_RUNTIME_DIR) ? privateSubdir(env.XDG_RUNTIME_DIR, 'goservice', o, false) : undefined;
  const base = runtime ?? userDir('tmp', o) ?? tmpdir();
  const path = mkdtempSync(join(base, prefix));
  const remove = () => rmSync(path, { recursive: true, force: true });
  const unregister = onCleanup(remove);
  return {
    path,
    remove() {
      unregister();
      remove();
    },
  };
}

function privateSubdir(root: string, name: string, o: UserDirOptions, createRoot: boolean): string | undefined {
  const uid = o.uid ?? process.getuid?.() ?? -1;
  try {
    if (createRoot) mkdirSync(root, { recursive: true, mode: 0o700 });
    if (!ownedDir(root, uid, 0o022)) return undefined;
    const dir = join(root, name);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!ownedDir(dir, uid, 0)) return undefined;
    if (lstatSync(dir).mode & 0o077) chmodSync(dir, 0o700); // ours, made by an older version or umask: make it private
    return dir;
  } catch {
    return undefined;
  }
}

/** A real directory (lstat: a link is refused) owned by `uid`, with none of the `forbidden` mode bits. */
function ownedDir(path: string, uid: number, forbidden: number): boolean {
  const st = lstatSync(path);
  return st.isDirectory() && (uid < 0 || st.uid === uid) && (st.mode & forbidden) === 0;
}

/**
 * The parsed JSON of a small file in a user directory, or undefined for a link,
 * a non-regular file, someone else's file, an oversized or garbled one.
 */
export function readPrivateJson(file: string, maxBytes = 64 * 1024, o: UserDirOptions = {}): any {
  const uid = o.uid ?? process.getuid?.() ?? -1;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (uid >= 0 && st.uid !== uid) || st.size > maxBytes) return undefined;
    const buf = Buffer.alloc(maxBytes + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n > maxBytes ? undefined : JSON.parse(buf.toString('utf8', 0, n));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A file name for `text` in a user directory: its 64-bit FNV-1a hash, 16 hex digits.
 * Not a cryptographic hash, and it need not be one: the directory is the user's own,
 * and what a file holds is checked when it is read. (node:crypto takes ~3 ms to load.)
 */
export function fileKey(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

let written = 0;

/** Writes `data` as JSON to dir/name (0600) through a temp file and a rename; false when it could not. */
export function writePrivateJson(dir: string, name: string, data: unknown): boolean {
  // unique for this process; 'wx' below never reuses a file left behind by another
  const tmp = join(dir, `.${name}.${process.pid}.${Date.now().toString(36)}.${written++}`);
  try {
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, join(dir, name)); // replaces a link itself, never its target
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}
