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
