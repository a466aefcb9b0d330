// The only module that starts child processes (helm, go, buildah, ...): argument
// arrays handed to spawn, never a shell string. Everything above it talks to a
// `Runner`, so unit tests can pass a fake one. Each child runs in its own
// process group and SIGINT/SIGTERM/SIGHUP are forwarded to it (lifecycle.ts):
// the command waits for it to exit, so no child outlives the command.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { InterruptedError, NotFoundError, OperationError } from '../errors';
import { Interrupt, interruption, stopChild, track } from './lifecycle';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The signal that was forwarded to the child while it ran (it may have ended early because of it). */
  interrupted?: Interrupt;
  /** RunOptions.stop fired while the child ran: it was sent SIGTERM. */
  stopped?: true;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv; // replaces the environment (default: inherit)
  cwd?: string;
  input?: string; // written to stdin, which is then closed
  signal?: AbortSignal;
  /**
   * Start even after SIGINT/SIGTERM was received (for read-only calls that tell
   * what state an interrupted operation left). Otherwise the run is refused
   * with an InterruptedError and nothing is started.
   */
  afterInterrupt?: boolean;
  /** Sees the output as it arrives (stdout and stderr), e.g. to show an image build's progress. */
  onOutput?: (chunk: string) => void;
  /** When it fires, the child is sent SIGTERM (as an interrupt would be) and waited for; the result says `stopped`. */
  stop?: AbortSignal;
  /** Called once the child has started. */
  onStart?: () => void;
}

export interface Runner {
  /** Resolves with any exit code; rejects only when the program cannot start. */
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export const processRunner: Runner = {
  run(cmd, args, opts = {}) {
    return new Promise((resolve, reject) => {
      const before = interruption();
      if (before && !opts.afterInterrupt) {
        reject(new InterruptedError(`interrupted by ${before} before ${basename(cmd)} was started`, 'nothing was started; run the command again'));
        return;
      }
      const child = spawn(cmd, [...args], {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        signal: opts.signal,
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], // no input: stdin is /dev/null
        detached: true, // own process group: signals reach it once, forwarded by us
      });
      const untrack = track(child);
      let stopped = false;
      const stop = () => {
        stopped = true;
        stopChild(child);
      };
      if (opts.stop?.aborted) stop();
      else opts.stop?.addEventListener('abort', stop, { once: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (b: Buffer) => (out.push(b), opts.onOutput?.(b.toString('utf8'))));
      child.stderr!.on('data', (b: Buffer) => (err.push(b), opts.onOutput?.(b.toString('utf8'))));
      child.on('error', (e: NodeJS.ErrnoException) => {
        untrack();
        reject(
          e.code === 'ENOENT'
            ? new NotFoundError(`cannot run ${cmd}: not found`, `install it or point to it (for helm: HELM_BIN=/path/to/helm)`)
            : new OperationError(`cannot run ${cmd}: ${e.message}`),
        );
      });
      child.on('close', (code, sig) => {
        untrack();
        opts.stop?.removeEventListener('abort', stop);
        const now = interruption();
        resolve({
          code: code ?? 128 + (sig ? constants.signals[sig] ?? 0 : 0),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ...(now && now !== before ? { interrupted: now } : {}),
          ...(stopped ? { stopped: true as const } : {}),
        });
      });
      child.stdin?.on('error', () => {}); // a child that exits without reading stdin (EPIPE)
      child.stdin?.end(opts.input);
      if (child.pid) opts.onStart?.();
    });
  },
};

// Flags whose value is a secret, and --set keys that look like one.
const SECRET = /pass(word)?|token|secret|credential|api-?key|auth/i;

/** argv with the values of --password/--token style flags (and secret --set keys) hidden. */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^(--?[\w-]+)=(.*)$/s.exec(a);
    if (m && SECRET.test(m[1])) out.push(`${m[1]}=***`);
    else if (/^--?[\w-]+$/.test(a) && SECRET.test(a) && i + 1 < args.length && !args[i + 1].startsWith('-')) {
      out.push(a, '***');
      i++;
    } else if (/^--set(-string|-file|-json|-literal)?$/.test(args[i - 1] ?? '')) {
      out.push(a.split(',').map((kv) => kv.replace(/^([^=]*)=.*$/s, (all, k: string) => (SECRET.test(k) ? `${k}=***` : all))).join(','));
    } else out.push(a);
  }
  return out;
}

/**
 * The strings of a values object that no message may show (every string leaf of
 * at least 4 characters, and the key=value text of --set): values files and
 * --set values may hold secrets, and Helm and the API server quote values in
 * their errors.
 */
export function secretStrings(values: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (typeof v === 'string') {
      if (v.trim().length >= 4) out.add(v);
    } else if (v && typeof v === 'object' && depth < 200) {
      for (const x of Object.values(v)) walk(x, depth + 1);
    }
  };
  walk(values, 0);
  return [...out].sort((a, b) => b.length - a.length); // longest first: a value inside another is hidden with it
}

/** `text` with every occurrence of `secrets` (and of their JSON-quoted form) replaced by ***. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    for (const form of new Set([s, JSON.stringify(s).slice(1, -1)])) if (out.includes(form)) out = out.split(form).join('***');
  }
  return out;
}

/** A child that exited non-zero: keeps its exit code, redacted argv and stderr. */
export class ProcessError extends OperationError {
  readonly argv: string[];
  constructor(cmd: string, args: readonly string[], readonly result: RunResult, suggestion?: string) {
    const argv = [cmd, ...redactArgs(args)];
    const detail = lastLines(result.stderr || result.stdout, 20);
    super(`${argv.join(' ')} exited with ${result.code}${detail ? `:\n${detail}` : ''}`, suggestion, result.code);
    this.argv = argv;
  }
  get stderr(): string {
    return this.result.stderr;
  }
}

/** Runs and throws ProcessError unless the exit code is 0 (InterruptedError when a signal stopped it). */
export async function runChecked(runner: Runner, cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  const r = await runner.run(cmd, args, opts);
  if (r.interrupted && r.code !== 0) throw new InterruptedError(`${basename(cmd)} was stopped: ${r.interrupted} was passed on to it`, 'run the command again');
  if (r.code !== 0) throw new ProcessError(cmd, args, r);
  return r;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
