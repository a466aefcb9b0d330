import { rmSync } from 'node:fs';
import { fixtureCopy, runCli, snapshot } from '../support/cli';

// The JSON error contract through the real CLI: with --json, every command's
// failure is one error object on stdout, with the exit code unchanged; without
// --json, stdout stays empty.
interface Case {
  name: string;
  args: (dir: string) => string[];
  code: string;
  exitCode: number;
  message: string | RegExp;
  issues?: { path: string; message?: string | RegExp; got?: string }[];
  env?: NodeJS.ProcessEnv;
}

const NO_HELM = { HELM_BIN: '/nonexistent/helm' };

const CASES: Case[] = [
  {
    name: 'create: a value the schema refuses',
    args: (d) => ['create', 'hello', '--dir', d, '--port', '0'],
    code: 'validation',
    exitCode: 3,
    message: 'containerPort (--port)',
    issues: [{ path: 'containerPort (--port)', message: 'must be >= 1', got: '0' }],
  },
  { name: 'create: an unknown flag', args: (d) => ['create', 'hello', '--dir', d, '--bogus'], code: 'usage', exitCode: 2, message: /Nonexistent flag: --bogus/ },
  {
    name: 'create: a bad chart name',
    args: (d) => ['create', 'Orders_API', '--dir', d],
    code: 'usage',
    exitCode: 2,
    message: 'NAME: "Orders_API"',
    issues: [{ path: 'NAME', message: /"Orders_API" is not valid/ }],
  },
  { name: 'bump: no chart there', args: (d) => ['bump', '--chart', `${d}/nope`], code: 'notFound', exitCode: 5, message: 'no Chart.yaml' },
  { name: 'upgrade: a bad release name', args: (d) => ['upgrade', 'Bad_Name', d], code: 'usage', exitCode: 2, message: 'RELEASE: "Bad_Name"', issues: [{ path: 'RELEASE' }] },
  { name: 'upgrade: no helm', args: (d) => ['upgrade', 'hello', `${d}/nope`], code: 'notFound', exitCode: 5, message: /helm|nope/, env: NO_HELM },
  { name: 'history: a bad release name', args: () => ['history', 'Bad_Name'], code: 'usage', exitCode: 2, message: 'RELEASE: "Bad_Name"' },
  { name: 'history: no helm', args: () => ['history', 'hello'], code: 'notFound', exitCode: 5, message: 'cannot run /nonexistent/helm', env: NO_HELM },
  { name: 'rollback: a bad release name', args: () => ['rollback', 'Bad_Name'], code: 'usage', exitCode: 2, message: 'RELEASE: "Bad_Name"' },
  { name: 'rollback: a bad revision', args: () => ['rollback', 'hello', '0'], code: 'usage', exitCode: 2, message: 'greater than or equal to 1' },
  { name: 'publish: a registry that is not oci://', args: (d) => ['publish', '--chart', d, '--registry', 'https://r.example/x'], code: 'usage', exitCode: 2, message: '--registry: "https://r.example/x"', issues: [{ path: '--registry' }] },
  { name: 'versions: a chart that is not oci://', args: () => ['versions', 'charts/hello'], code: 'usage', exitCode: 2, message: 'CHART: "charts/hello"', issues: [{ path: 'CHART' }] },
  { name: 'versions: a registry nobody listens on', args: () => ['versions', 'oci://127.0.0.1:1/ns/charts/x'], code: 'failed', exitCode: 6, message: 'unreachable' },
  { name: 'ci: an unknown system', args: (d) => ['ci', 'jenkins', '--dir', d], code: 'usage', exitCode: 2, message: /jenkins/ },
  {
    name: 'ci: a registry that is not oci://',
    args: (d) => ['ci', 'github', '--dir', d, '--registry', 'https://r.example'],
    code: 'usage',
    exitCode: 2,
    message: '--registry: "https://r.example"',
    issues: [{ path: '--registry' }],
  },
];

describe('--json failures: one error object on stdout, the exit code unchanged', () => {
  let dir: string;
  let before: Record<string, string>;
  beforeAll(() => {
    dir = fixtureCopy('hello');
    before = snapshot(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = runCli([...c.args(dir), '--json'], { env: c.env });
    expect(r.code).toBe(c.exitCode);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const { error } = JSON.parse(r.stdout);
    expect(Object.keys(error).sort()).toEqual(expect.arrayContaining(['code', 'exitCode', 'issues', 'message']));
    expect(error.code).toBe(c.code);
    expect(error.exitCode).toBe(c.exitCode);
    expect(error.message).toEqual(typeof c.message === 'string' ? expect.stringContaining(c.message) : expect.stringMatching(c.message));
    expect(Array.isArray(error.issues)).toBe(true);
    if (c.exitCode !== 2 || c.issues) expect(typeof error.suggestion).toBe('string');
    for (const [i, want] of (c.issues ?? []).entries()) {
      expect(error.issues[i].path).toBe(want.path);
      if (want.message) expect(error.issues[i].message).toEqual(typeof want.message === 'string' ? want.message : expect.stringMatching(want.message));
      if (want.got) expect(error.issues[i].got).toBe(want.got);
    }
    // The human message still goes to stderr; without --json stdout stays empty.
    expect(r.stderr).toMatch(/Error/);
    const text = runCli(c.args(dir), { env: c.env });
    expect(text.code).toBe(c.exitCode);
    expect(text.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
  });

  it('values that may be secret stay out of the error object', () => {
    const r = runCli(['create', 'hello', '--dir', dir, '--set', 'podAnnotations.api-token=12345', '--json']);
    expect(r.code).toBe(3);
    const { error } = JSON.parse(r.stdout);
    expect(error.issues).toEqual([{ path: 'podAnnotations.api-token', message: 'must be string' }]);
    expect(r.stdout).not.toContain('12345');
  });
});
