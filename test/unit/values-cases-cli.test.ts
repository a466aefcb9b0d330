// The shared BAD_VALUES table through the CLI as users run it: every case, schema
// and rule alike, in a values file given to `create` and to `upgrade` (whose checks
// run before Helm: HELM_BIN points nowhere). Each exits 3 naming the case's key,
// and the layer that refuses it is the one the table names: a schema case is
// refused by the schema (a rule's wording would mean the schema let it through), a
// rule case passes the schema and gets the rule's exact message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { formatIssue } from '../../src/errors';
import { checkRules } from '../../src/values/rules';
import { BAD_VALUES, BadValuesCase } from '../cases/values-cases';
import { withDefaults } from '../support/chart-fixture';
import { fixtureCopy, runCli, snapshot } from '../support/cli';
import { repoRoot } from '../support/tools';

const work = mkdtempSync(join(tmpdir(), 'goservice-cases-'));
const project = fixtureCopy('hello');
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

const COMMANDS: Record<string, (file: string) => string[]> = {
  create: (file) => ['create', 'hello', '-f', file],
  upgrade: (file) => ['upgrade', 'hello', join(repoRoot, 'charts/hello'), '-f', file, '-n', 'apps'],
};
const NO_HELM = { HELM_BIN: '/nonexistent/helm', KUBECONFIG: '/nonexistent/kubeconfig' };

describe.each(Object.keys(COMMANDS))('%s refuses every BAD_VALUES case', (command) => {
  it.each(BAD_VALUES.map((c, i) => [c.name, c, i] as const))('%s', (_, c: BadValuesCase, i) => {
    const file = join(work, `${command}-${i}.yaml`);
    writeFileSync(file, stringify(c.values));
    const before = snapshot(project);
    const r = runCli(COMMANDS[command](file), { cwd: project, env: NO_HELM });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 3, stdout: '' });
    expect(snapshot(project)).toEqual(before);
    const line = r.stderr.split('\n').find((l) => l.startsWith(`  - ${c.path}: `));
    expect({ path: c.path, line, stderr: r.stderr }).toMatchObject({ line: expect.any(String) });
    const ruleMessages = checkRules(withDefaults(c.values)).map((issue) => `  - ${formatIssue(issue)}`);
    if (c.by === 'rule') expect(ruleMessages).toContain(line);
    else expect(ruleMessages).not.toContain(line);
  });
});
