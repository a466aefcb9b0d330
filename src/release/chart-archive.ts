// Reading a packaged chart (NAME-VERSION.tgz, as `helm package` and `helm pull`
// write it) without unpacking it: the archive is gunzipped in memory under a
// bound and its tar entries are walked for the three files the release flow
// checks values against (Chart.yaml, values.yaml, values.schema.json at the
// chart's top level). Nothing is written to disk, so no entry name can escape.
import type * as Zlib from 'node:zlib';
import { ValidationError } from '../errors';
import { MiB, readBoundedBytes } from '../files/read';
import { LIMITS } from '../values/limits';

export const ARCHIVE_LIMITS = {
  /** Bytes of a chart archive, compressed . */
  compressedBytes: 20 * MiB,
  /** Bytes once gunzipped (Helm's own limit on a decompressed chart is 100 MiB). */
  tarBytes: 100 * MiB,
};

const WANTED: Record<string, number> = {
  'Chart.yaml': LIMITS.chartFileBytes,
  'values.yaml': LIMITS.valuesFileBytes,
  'values.schema.json': LIMITS.schemaFileBytes,
};

export interface ChartArchive {
  top: string; // the archive's top directory (the chart's name)
  files: Map<string, string>; // Chart.yaml, values.yaml, values.schema.json: those present
}

/** The chart files of a .tgz on disk (a regular file of at most 20 MiB); a bad archive is invalid (exit 3). */
export function readChartArchive(file: string, field = 'CHART'): ChartArchive {
  return chartArchiveFrom(readBoundedBytes(file, { maxBytes: ARCHIVE_LIMITS.compressedBytes, field }), file);
}

/** The chart files of an archive's bytes; `source` names it in errors. */
export function chartArchiveFrom(bytes: Buffer, source: string): ChartArchive {
  const bad = (why: string) => new ValidationError([{ path: '(archive)', message: why }], source, 'give a chart archive written by helm package or helm pull');
  const { gunzipSync }: typeof Zlib = require('node:zlib'); // loaded for archives only: ~1 ms of every upgrade otherwise
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: ARCHIVE_LIMITS.tarBytes });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw bad(code === 'ERR_BUFFER_TOO_LARGE' ? `unpacks to more than ${ARCHIVE_LIMITS.tarBytes / MiB} MiB` : 'is not a gzip archive');
  }
  const files = new Map<string, string>();
  let top: string | undefined;
  let longName: string | undefined; // from a GNU "L" entry or a PAX "path" record, for the next entry
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break; // end of archive
    if (!checksumOk(h)) throw bad(`has a damaged tar header at byte ${off}`);
    const size = octal(h.subarray(124, 136));
    if (size === undefined || off + 512 + size > tar.length) throw bad(`has a tar entry with a bad size at byte ${off}`);
    const type = String.fromCharCode(h[156] || 48);
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(body);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(body) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const prefix = cString(h.subarray(345, 500));
    const name = longName ?? (prefix ? `${prefix}/${cString(h.subarray(0, 100))}` : cString(h.subarray(0, 100)));
    longName = undefined;
    const parts = name.replace(/^\.\//, '').split('/').filter((p) => p !== '');
    if (!parts.length || name.startsWith('/') || parts.includes('..')) throw bad(`has an entry named ${JSON.stringify(name.slice(0, 100))} outside the chart`);
    if (top === undefined) top = parts[0];
    else if (parts[0] !== top) throw bad(`holds more than one top directory (${top}, ${parts[0].slice(0, 60)})`);
    if (parts.length !== 2 || !(parts[1] in WANTED)) continue;
    if (type !== '0') throw bad(`${parts[1]} is not a regular file in the archive`);
    if (size > WANTED[parts[1]]) throw bad(`${parts[1]} is larger than ${WANTED[parts[1]] / MiB} MiB`);
    files.set(parts[1], body.toString('utf8'));
  }
  if (top === undefined || !files.has('Chart.yaml')) throw bad('holds no Chart.yaml at its top level');
  return { top, files };
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
}

function octal(b: Buffer): number | undefined {
  if (b[0] & 0x80) return undefined; // base-256 sizes: far beyond any chart
  const s = cString(b).trim();
  return /^[0-7]{1,12}$/.test(s) ? parseInt(s, 8) : undefined;
}

function checksumOk(h: Buffer): boolean {
  const want = octal(h.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return want === sum;
}

/** The "path" record of a PAX extended header ("<len> path=<value>\n" records). */
function paxPath(body: Buffer): string | undefined {
  let path: string | undefined;
  for (let off = 0; off < body.length; ) {
    const space = body.indexOf(0x20, off);
    const len = space < 0 ? NaN : Number(body.toString('ascii', off, space));
    if (!Number.isInteger(len) || len <= 0 || off + len > body.length) break;
    const rec = body.toString('utf8', space + 1, off + len - 1);
    if (rec.startsWith('path=')) path = rec.slice(5);
    off += len;
  }
  return path;
}
