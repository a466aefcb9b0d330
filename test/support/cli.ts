import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from './tools';

export const RUN = join(repoRoot, 'bin/run.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (node bin/run.js ...); needs `npm run build`. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  if (!existsSync(join(repoRoot, 'dist/goservice.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const r = spawnSync(process.execPath, [RUN, ...args], { cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh copy of a fixture Go module in a temp dir. */
export function fixtureCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `goservice-${name}-`));
  cpSync(join(repoRoot, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

/** path -> size:mtime:content of every file below dir, to prove nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = describeEntry(p);
    }
  };
  walk(dir);
  return out;
}

/** A file's mtime and content; links to directories, FIFOs, devices and dangling links are described, never read. */
function describeEntry(p: string): string {
  const link = lstatSync(p).isSymbolicLink() ? `link to ${readlinkSync(p)}:` : '';
  let st;
  try {
    st = statSync(p);
  } catch {
    return `${link}dangling`;
  }
  if (st.isFile()) return `${st.mtimeMs}:${readFileSync(p, 'utf8')}`;
  return `${link}${st.isDirectory() ? 'directory' : 'special file'}:${st.mode}:${st.mtimeMs}`;
}
