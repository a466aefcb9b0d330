import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
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

/** path -> mtime:mode:content of every file (link:target of every link) below dir, to prove nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) out[relative(dir, p)] = `link:${readlinkSync(p)}`;
      else if (e.isDirectory()) walk(p);
      else if (!e.isFile()) out[relative(dir, p)] = 'special'; // a FIFO or device: never opened
      else {
        const st = statSync(p);
        out[relative(dir, p)] = `${st.mtimeMs}:${(st.mode & 0o7777).toString(8)}:${readFileSync(p, 'utf8')}`;
      }
    }
  };
  walk(dir);
  return out;
}
