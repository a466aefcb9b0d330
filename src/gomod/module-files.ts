// Paths inside the module: its real root, containment through symbolic links,
// bounded reads, and paths shown safely in messages.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsError } from '../errors';
import { MiB, readBounded } from '../files/read';
import { shownValue } from '../inputs/grammar';

export const GO_MOD_MAX = 1 * MiB; // go.mod and go.work: real ones are a few KiB
export const GO_SOURCE_MAX = 16 * MiB; // a .go file: generated tables reach a few MiB
/** The characters a directory name that reaches the Dockerfile may have (the mainPackage grammar). */
export const SAFE_NAME_CHARS = 'letters, digits, "_", "-", ".", "~" and "+"';

export class ModuleFiles {
  readonly root: string; // the real path of the module root

  constructor(dir: string) {
    try {
      this.root = fs.realpathSync(dir);
    } catch (e) {
      throw fsError(e, path.resolve(dir), 'resolve the module directory');
    }
  }

  abs(rel: string): string {
    return path.join(this.root, rel);
  }

  /** Whether a real path is the module root or below it. */
  contains(real: string): boolean {
    const r = path.relative(this.root, real);
    return !path.isAbsolute(r) && r !== '..' && !r.startsWith(`..${path.sep}`);
  }

  /** The real path of rel, or undefined when it does not exist. */
  real(rel: string): string | undefined {
    try {
      return fs.realpathSync(this.abs(rel));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw fsError(e, this.abs(rel), 'resolve it');
    }
  }

  /** An absolute path with its links resolved; a missing tail is appended as written. */
  resolveLinks(abs: string): string {
    const missing: string[] = [];
    for (let p = abs; ; p = path.dirname(p)) {
      try {
        return path.join(fs.realpathSync(p), ...missing.reverse());
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(p) === p) throw fsError(e, abs, 'resolve it');
        missing.push(path.basename(p));
      }
    }
  }

  exists(rel: string): boolean {
    return this.real(rel) !== undefined;
  }

  /** Whether rel is a directory, following links (false when it does not exist). */
  isDirectory(rel: string): boolean {
    const real = this.real(rel);
    if (real === undefined) return false;
    try {
      return fs.statSync(real).isDirectory();
    } catch (e) {
      throw fsError(e, this.abs(rel), 'inspect it');
    }
  }

  read(rel: string, maxBytes: number): string {
    return readBounded(this.abs(rel), { maxBytes, field: shownPath(rel) });
  }

  list(rel: string): fs.Dirent[] {
    try {
      return fs.readdirSync(this.abs(rel), { withFileTypes: true });
    } catch (e) {
      throw fsError(e, this.abs(rel), 'list the directory');
    }
  }
}

/** A module-relative path for a message: as it is when plain, else JSON-quoted (newlines, quotes and all shown). */
export function shownPath(rel: string): string {
  return /^[A-Za-z0-9_.~+/-]+$/.test(rel) ? rel : shownValue(rel);
}
