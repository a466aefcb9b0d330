// Process-wide exit handling. One registry of cleanups that run on every exit
// path (normal exit, thrown error, SIGINT/SIGTERM/SIGHUP), and the forwarding of
// those signals to the children the runner started, so that none outlives the
// command. The handlers are installed on first use only: a command that
// registers nothing and starts nothing keeps Node's default signal behaviour.
import type { ChildProcess } from 'node:child_process';
import { ExitCode, InterruptedError } from '../errors';
import { jsonError } from '../report/json-error';

export type Interrupt = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const SIGNALS: Interrupt[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const cleanups = new Set<() => void>();
const children = new Set<ChildProcess>();
let holds = 0;
let received: Interrupt | undefined;
let installed = false;

/** Runs `fn` once when the process exits, however it exits; the returned function unregisters it. */
export function onCleanup(fn: () => void): () => void {
  install();
  cleanups.add(fn);
  return () => void cleanups.delete(fn);
}

/** Runs (and forgets) every registered cleanup, newest first; a failing one does not stop the others. */
export function runCleanups(): void {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort: the others still run
    }
  }
}

/** The first SIGINT/SIGTERM/SIGHUP received, if any. */
export function interruption(): Interrupt | undefined {
  return received;
}

/**
 * While `fn` runs, a signal does not end the process: it is forwarded to the
 * running children and recorded, and `fn` is expected to notice (the runner
 * refuses to start new work, see RunOptions.afterInterrupt) and report the
 * state it leaves. Outside any hold, a signal with no child running ends the
 * process at once, after the cleanups.
 */
export async function holdInterrupts<T>(fn: () => Promise<T>): Promise<T> {
  install();
  holds++;
  try {
    return await fn();
  } finally {
    holds--;
  }
}

/** For the runner: forward signals to `child` (its own process group) until the returned function is called. */
export function track(child: ChildProcess): () => void {
  install();
  children.add(child);
  return () => void children.delete(child);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const child of children) forward(child, 'SIGTERM'); // one nobody waited for (e.g. an early `helm version`)
    runCleanups();
  });
  for (const s of SIGNALS) process.on(s, onSignal);
}

function onSignal(sig: Interrupt): void {
  received ??= sig;
  for (const child of children) forward(child, sig);
  if (children.size === 0 && holds === 0) {
    runCleanups();
    process.stderr.write(`Error: interrupted by ${sig}\n`);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(jsonError(new InterruptedError(`interrupted by ${sig}`)))}\n`);
    process.exit(ExitCode.interrupted);
  }
}

/** Asks a child the runner started to stop (SIGTERM to its group), as an interrupt would: it may clean up before it exits. */
export function stopChild(child: ChildProcess): void {
  forward(child, 'SIGTERM');
}

// Children run in their own process group (so a terminal's Ctrl-C reaches them
// once, through us): signal the group, or the child alone if that fails.
function forward(child: ChildProcess, sig: Interrupt): void {
  try {
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    child.kill(sig);
  }
}
