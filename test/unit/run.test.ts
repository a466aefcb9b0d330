import { repoRoot } from '../support/tools';
import { NotFoundError } from '../../src/errors';
import { ProcessError, processRunner, redactArgs, runChecked } from '../../src/process/run';

describe('processRunner', () => {
  it('runs an argument array without a shell and collects output and exit code', async () => {
    const r = await processRunner.run(process.execPath, ['-e', 'process.stdout.write(process.argv[1]); console.error("e"); process.exit(3)', '$(echo no; shell)']);
    expect(r).toEqual({ code: 3, stdout: '$(echo no; shell)', stderr: 'e\n' });
  });

  it('passes stdin and env', async () => {
    const r = await processRunner.run(process.execPath, ['-e', 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(s + process.env.X))'], { input: 'in-', env: { X: 'x' } });
    expect(r.stdout).toBe('in-x');
  });

  it('a missing program is a NotFoundError', async () => {
    await expect(processRunner.run('/nonexistent/helm', ['version'])).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runChecked throws a ProcessError with exit code, redacted argv and stderr', async () => {
    const err = await runChecked(processRunner, process.execPath, ['-e', 'console.error("bad"); process.exit(4)', '--', '--password', 'hunter2']).catch((e) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect(err.exitCode).toBe(4);
    expect(err.stderr).toBe('bad\n');
    expect(err.message).not.toContain('hunter2');
    expect(err.argv.slice(-2)).toEqual(['--password', '***']);
  });
});

describe('redactArgs', () => {
  it('hides values of secret flags and secret --set keys only', () => {
    expect(redactArgs(['registry', 'login', '--username', 'me', '--password', 'p', '--token=t', '--set', 'db.password=p,replicaCount=2', '--set-string', 'apiKey=k', '--timeout', '5m'])).toEqual(
      ['registry', 'login', '--username', 'me', '--password', '***', '--token=***', '--set', 'db.password=***,replicaCount=2', '--set-string', 'apiKey=***', '--timeout', '5m'],
    );
  });
});

// Signals are tested on a real process: a small script bundled from the sources
// (esbuild, as the build does) runs the runner, and the test signals it.
describe('signals and cleanup', () => {
  const { buildSync } = require('esbuild');
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const fs = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const work = fs.mkdtempSync(join(require('node:os').tmpdir(), 'gs-signals-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const script = join(work, 'script.js');
  beforeAll(() => {
    buildSync({
      stdin: {
        contents: `
          import { processRunner } from './src/process/run';
          import { onCleanup } from './src/process/lifecycle';
          import { privateTempDir } from './src/process/user-dir';
          import { mkdirSync, writeFileSync } from 'node:fs';
          const [mode, dir] = process.argv.slice(2);
          // The child counts the SIGTERMs/SIGINTs it gets, takes 300 ms to clean up, then says so.
          const child = 'let n = 0; const stop = (s) => { n++; setTimeout(() => { process.stdout.write(s + " x" + n); process.exit(0); }, 300); };' +
            'process.on("SIGTERM", stop); process.on("SIGINT", stop); require("fs").writeFileSync(process.env.PIDFILE, String(process.pid)); setInterval(() => {}, 1000);';
          (async () => {
            if (mode === 'forward') {
              const r = await processRunner.run(process.execPath, ['-e', child], { env: { ...process.env, PIDFILE: dir + '/child.pid' } });
              const refused = await processRunner.run(process.execPath, ['-e', '1']).then(() => 'started', (e) => e.constructor.name + ': ' + e.message);
              const after = await processRunner.run(process.execPath, ['-e', 'process.stdout.write("read")'], { afterInterrupt: true });
              process.stdout.write(JSON.stringify({ r, refused, after: after.stdout }));
            } else if (mode === 'idle') {
              const tmp = privateTempDir('goservice-values-', { env: { GOSERVICE_CACHE: dir + '/cache' } });
              writeFileSync(tmp.path + '/values.json', 'secret');
              mkdirSync(dir + '/other');
              onCleanup(() => writeFileSync(dir + '/cleaned', 'yes'));
              writeFileSync(dir + '/ready', tmp.path);
              setInterval(() => {}, 1000);
            } else if (mode === 'throw') {
              onCleanup(() => writeFileSync(dir + '/cleaned', 'yes'));
              throw new Error('boom');
            }
          })();
        `,
        resolveDir: repoRoot,
        loader: 'ts',
      },
      outfile: script,
      bundle: true,
      platform: 'node',
      logLevel: 'error',
    });
  });

  const start = (mode: string, dir: string) => {
    const p = spawn(process.execPath, [script, mode, dir], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d) => (stdout += d));
    p.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr })));
    return { p, done };
  };
  const waitFor = async (file: string) => {
    for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
    expect(fs.existsSync(file)).toBe(true);
    await new Promise((r) => setTimeout(r, 50)); // the file is written before its content is complete
    return fs.readFileSync(file, 'utf8');
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it.each(['SIGTERM', 'SIGINT'] as const)('%s is passed to the running child once (also when sent to the whole process group) and the child is waited for', async (sig) => {
    const dir = fs.mkdtempSync(join(work, 'fwd-'));
    const { p, done } = start('forward', dir);
    const childPid = Number(await waitFor(join(dir, 'child.pid')));
    process.kill(-p.pid!, sig); // as a terminal's Ctrl-C does: to the foreground process group
    const out = await done;
    expect(out.code).toBe(0);
    const { r, refused, after } = JSON.parse(out.stdout);
    expect(r).toEqual({ code: 0, stdout: `${sig} x1`, stderr: '', interrupted: sig }); // once: the child has its own group
    expect(alive(childPid)).toBe(false);
    expect(refused).toBe(`InterruptedError: interrupted by ${sig} before node was started`);
    expect(after).toBe('read'); // read-only calls may still tell the state
  });

  it('with no child running, a signal runs the cleanups (private temp files included) and exits 130', async () => {
    const dir = fs.mkdtempSync(join(work, 'idle-'));
    const { p, done } = start('idle', dir);
    const tmp = await waitFor(join(dir, 'ready'));
    expect(tmp.startsWith(join(dir, 'cache', 'tmp', 'goservice-values-'))).toBe(true);
    expect(fs.statSync(tmp).mode & 0o777).toBe(0o700);
    expect(fs.statSync(join(dir, 'cache', 'tmp')).mode & 0o777).toBe(0o700);
    p.kill('SIGTERM');
    const out = await done;
    expect(out.code).toBe(130);
    expect(out.stderr).toBe('Error: interrupted by SIGTERM\n');
    expect(fs.existsSync(tmp)).toBe(false);
    expect(fs.readFileSync(join(dir, 'cleaned'), 'utf8')).toBe('yes');
    expect(fs.existsSync(join(dir, 'other'))).toBe(true); // only what was registered
  });

  it('cleanups also run when the process dies of an error', async () => {
    const dir = fs.mkdtempSync(join(work, 'throw-'));
    const out = await start('throw', dir).done;
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('boom');
    expect(fs.readFileSync(join(dir, 'cleaned'), 'utf8')).toBe('yes');
  });
});
