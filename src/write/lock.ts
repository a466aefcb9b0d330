// Advisory locks between goservice processes: a lock file created exclusively
// (a hard link of a complete temp file), holding "pid start-time". A lock whose
// holder is gone (crashed, killed) is taken over; a live one is waited for, then
// reported as a conflict.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { ConflictError, fsError } from '../errors';

const POLL_MS = 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

/** Linux: the process start time in clock ticks (field 22 of /proc/PID/stat), so a reused pid is told apart. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

const ME = `${process.pid} ${startTime(process.pid)}`;

function holderAlive(content: string): boolean {
  const [pidText, start = ''] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false; // garbage: nobody holds it
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return !start || !startTime(pid) || startTime(pid) === start;
}

/** Creates the lock with its content in one step (link of a complete temp file): never seen empty. */
function tryCreate(path: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${ME}\n`, { mode: 0o600 });
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsError(e, path, 'create the lock file');
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // released meanwhile
  }
}

/**
 * Runs `fn` holding the lock file `path`; waits up to `waitMs` for another
 * holder, then throws a ConflictError naming `what` and the holder's pid.
 */
export function withLock<T>(path: string, what: string, fn: () => T, waitMs = 30_000): T {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(path)) break;
    const held = readLock(path);
    if (held !== undefined && !holderAlive(held)) {
      // A dead holder: move its lock aside (one taker wins the rename) and retry. If
      // what moved is not the lock judged dead (another taker got there first), put it back.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
        if (readFileSync(aside, 'utf8') !== held) linkSync(aside, path);
        unlinkSync(aside);
      } catch {}
      continue;
    }
    if (Date.now() >= deadline) {
      const pid = held?.trim().split(' ')[0] ?? '?';
      throw new ConflictError(
        `${what} is in use by another goservice process (pid ${pid}): another create or bump is in progress`,
        `wait for it to finish and run again; if no goservice process is running, remove ${path}`,
      );
    }
    sleep(POLL_MS);
  }
  try {
    return fn();
  } finally {
    if (readLock(path) === `${ME}\n`) {
      try {
        unlinkSync(path);
      } catch {}
    }
  }
}
