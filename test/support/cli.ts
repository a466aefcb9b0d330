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

/** path -> mtime:content of every file below dir (a link: its target, never followed), to prove nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) out[relative(dir, p)] = `link:${readlinkSync(p)}`;
      else out[relative(dir, p)] = `${statSync(p).mtimeMs}:${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}
