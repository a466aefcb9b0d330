// oclif reads a missing optional argument from stdin unless it sets ignoreStdin:
// piped input (a CI step's here-doc, `yes |`) must never become a chart, a
// revision or a version.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND_IDS, COMMANDS } from '../../src/cli';
import { fixtureCopy, RUN, runCli } from '../support/cli';

const run = (args: string[], cwd: string, input: string) => spawnSync(process.execPath, [RUN, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, HELM_BIN: '/nonexistent/helm' } });

it.each(COMMAND_IDS)('%s: every optional argument ignores stdin', (id) => {
  const args = Object.entries(COMMANDS[id].args ?? {});
  for (const [name, arg] of args) if (!arg.required) expect({ name, ignoreStdin: arg.ignoreStdin }).toEqual({ name, ignoreStdin: true });
});

it('upgrade without CHART looks under ./charts, whatever is piped in', () => {
  const empty = mkdtempSync(join(tmpdir(), 'goservice-stdin-'));
  const r = run(['upgrade', 'hello', '--dry-run'], empty, '/etc\n');
  rmSync(empty, { recursive: true, force: true });
  expect(r.status).toBe(5);
  expect(r.stderr).toContain('no chart found under ./charts');
  expect(r.stderr).not.toContain('/etc');
});

it('bump without a level bumps the patch version, whatever is piped in', () => {
  const project = fixtureCopy('hello');
  expect(runCli(['create', 'hello'], { cwd: project }).code).toBe(0);
  const r = run(['bump'], project, 'major\n');
  const chart = readFileSync(join(project, 'charts/hello/Chart.yaml'), 'utf8');
  rmSync(project, { recursive: true, force: true });
  expect(r.status).toBe(0);
  expect(chart).toMatch(/^version: 0\.1\.1$/m);
});
