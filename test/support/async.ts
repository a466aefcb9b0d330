// Running the CLI in the background (to race it or signal it) and waiting for a condition.
import { ChildProcess, spawn } from 'node:child_process';
import { CliResult } from './cli';

export interface Background {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts cmd in the background with env added to the test's environment. */
export function runBackground(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Background {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, sig) => resolve({ code: code ?? (sig ? 128 : -1), stdout, stderr })));
  return { child, done };
}

/** Waits until cond() holds, polling every 250 ms; throws after timeoutMs. */
export async function until(cond: () => boolean, timeoutMs: number, what = 'a condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
