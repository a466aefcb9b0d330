import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CI_FLAG_SETS } from '../cases/ci-flags';
import { runCli } from '../support/cli';
import { moduleWithChart } from '../support/ci-module';
import { toolPath } from '../support/tools';

// The generated GitHub workflow passes actionlint with shellcheck on its run:
// scripts, with no finding, for every flag combination the tests use.
function actionlint(file: string): { code: number; out: string } {
  const r = spawnSync(toolPath('actionlint'), ['-no-color', '-shellcheck', 'shellcheck', file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('ci github: actionlint + shellcheck', () => {
  let dir: string;
  beforeAll(() => {
    if (spawnSync('shellcheck', ['--version']).status !== 0) throw new Error('shellcheck is not installed (apt-get install shellcheck)');
    dir = moduleWithChart();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CI_FLAG_SETS.map((f) => [f.join(' ') || '(defaults)', f] as const))('%s: zero findings', (_, flags) => {
    const r = runCli(['ci', 'github', '--dir', dir, '--force', ...flags]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(actionlint(join(dir, '.github/workflows/goservice.yml'))).toEqual({ code: 0, out: '' });
  });

  it('the check can fail: an unquoted variable in a run: script is reported by shellcheck', () => {
    const file = join(dir, '.github/workflows/goservice.yml');
    expect(runCli(['ci', 'github', '--dir', dir, '--force']).code).toBe(0);
    const broken = join(dir, 'broken.yml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(broken, readFileSync(file, 'utf8').replace('go vet ./...', 'go vet $GOSERVICE_PACKAGES'));
    const r = actionlint(broken);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/SC2086/);
  });
});
