// Bounded reading of files a user points at (values files, go.mod, .go sources,
// chart files): regular files only, size checked before and while reading, so a
// link to /dev/zero or /dev/urandom, a FIFO or a huge file is refused, not read forever.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fsError, UsageError } from '../errors';

export const MiB = 1024 * 1024;

export interface ReadLimits {
  maxBytes: number;
  field: string; // names the input in errors, e.g. --values or values.yaml
}

/** The file's text; throws a typed error for a missing, special or oversized file. */
export function readBounded(path: string, limits: ReadLimits): string {
  return readBoundedBytes(path, limits).toString('utf8');
}

/** The file's bytes, read as readBounded reads (chart archives). */
export function readBoundedBytes(path: string, { maxBytes, field }: ReadLimits): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then refuses it).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fsError(e, path, 'read it');
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(field, `${path} is a directory, not a file`, 'give the path of a file');
    if (!st.isFile()) throw new UsageError(field, `${path} is not a regular file (a device, FIFO or socket)`, 'give the path of a regular file');
    if (st.size > maxBytes) throw tooLarge(field, path, maxBytes);
    // The size may change under us: read at most maxBytes + 1 and check again.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > maxBytes) throw tooLarge(field, path, maxBytes);
    return buf.subarray(0, n);
  } catch (e) {
    throw fsError(e, path, 'read it');
  } finally {
    closeSync(fd);
  }
}

function tooLarge(field: string, path: string, maxBytes: number): UsageError {
  return new UsageError(field, `${path} is larger than ${maxBytes / MiB} MiB`, 'give a smaller file; this limit protects against runaway input');
}
