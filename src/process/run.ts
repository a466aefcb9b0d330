// The only module that starts child processes (helm, go, buildah, ...): argument
// arrays handed to spawn, never a shell string. Everything above it talks to a
// `Runner`, so unit tests can pass a fake one.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { NotFoundError, OperationError } from '../errors';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv; // replaces the environment (default: inherit)
  cwd?: string;
  input?: string; // written to stdin, which is then closed
  signal?: AbortSignal;
}

export interface Runner {
  /** Resolves with any exit code; rejects only when the program cannot start. */
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export const processRunner: Runner = {
  run(cmd, args, opts = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, [...args], {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        signal: opts.signal,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'ENOENT'
            ? new NotFoundError(`cannot run ${cmd}: not found`, `install it or point to it (for helm: HELM_BIN=/path/to/helm)`)
            : new OperationError(`cannot run ${cmd}: ${e.message}`),
        ),
      );
      child.on('close', (code, sig) =>
        resolve({
          code: code ?? 128 + (sig ? constants.signals[sig] ?? 0 : 0),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
      child.stdin.on('error', () => {}); // a child that exits without reading stdin (EPIPE)
      child.stdin.end(opts.input ?? '');
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

/** Runs and throws ProcessError unless the exit code is 0. */
export async function runChecked(runner: Runner, cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  const r = await runner.run(cmd, args, opts);
  if (r.code !== 0) throw new ProcessError(cmd, args, r);
  return r;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
