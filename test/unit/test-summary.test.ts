// The closing line of `npm test` (scripts/test-summary.js) on the result files a
// real jest run writes: a suite that fails to load is counted, not lost.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '../..');
const SUMMARY = join(repo, 'scripts/test-summary.js');

/** Runs jest on a project of the given test files; returns the path of its --json result. */
function jestResult(dir: string, files: Record<string, string>): string {
  mkdirSync(join(dir, 't'), { recursive: true });
  writeFileSync(join(dir, 'jest.config.json'), JSON.stringify({ rootDir: dir, testEnvironment: 'node' }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 't', name), text);
  const out = join(dir, 'result.json');
  spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--ci', '--config', join(dir, 'jest.config.json'), '--json', '--outputFile', out], {
    cwd: dir,
    encoding: 'utf8',
  });
  return out;
}

const summary = (...files: string[]) => {
  const r = spawnSync(process.execPath, [SUMMARY, ...files], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout };
};

describe('npm test closing line', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'goservice-summary-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('counts a suite that failed to load, a failing hook and failed tests, over several runs', () => {
    const first = jestResult(join(work, 'a'), {
      'ok.test.js': "test('passes', () => expect(1).toBe(1));\ntest('fails', () => expect(1).toBe(2));\n",
      'broken.test.js': "require('./does-not-exist');\ntest('never runs', () => {});\n",
    });
    const second = jestResult(join(work, 'b'), {
      'hook.test.js': "beforeAll(() => { throw new Error('setup'); });\ntest('under a failed hook', () => {});\n",
      'good.test.js': "test('one', () => {});\ntest('two', () => {});\n",
    });
    expect(summary(first)).toEqual({ code: 1, stdout: 'tests: 1 passed, 1 failed, 1 suite failed to load\n' });
    expect(summary(first, second)).toEqual({ code: 1, stdout: 'tests: 3 passed, 2 failed, 1 suite failed to load\n' });
  });

  it('a run that wrote no result file is counted', () => {
    expect(summary(join(work, 'missing.json'))).toEqual({ code: 1, stdout: 'tests: 0 passed, 0 failed, 0 suites failed to load, 1 run left no results\n' });
  });

  it('exits 0 only when everything passed', () => {
    const ok = jestResult(join(work, 'c'), { 'ok.test.js': "test('passes', () => {});\n" });
    expect(summary(ok)).toEqual({ code: 0, stdout: 'tests: 1 passed, 0 failed, 0 suites failed to load\n' });
  });
});
