import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, ValidationError } from '../../src/errors';
import { fixtureCopy, runCli, snapshot } from '../support/cli';

// Hostile values through the real CLI: `create` with -f files and --set arguments
// an attacker or a careless colleague wrote. Each case: the documented exit code,
// a message naming the field, the value (when safe) and the fix, a module left
// byte for byte as it was, and a loose time bound (precise figures: bench/).

describe('secrets and hostile text stay out of messages', () => {
  it.each<[string, Parameters<typeof formatIssue>[0], string]>([
    ['a map is named by its kind', { path: 'env[0]', value: { name: 'DB', value: 'hunter2' }, message: 'must be string' }, 'env[0]: must be string (got a map)'],
    ['a list by its kind and length', { path: 'image', value: ['hunter2'], message: 'must be object' }, 'image: must be object (got a list of 1 item)'],
    ['a scalar under env by its type', { path: 'env[3].value', value: 12345, message: 'must be string' }, 'env[3].value: must be string (got a number, not shown: it may be secret)'],
    ['a password', { path: 'db.password', value: 'hunter2', message: 'must be integer' }, 'db.password: must be integer (got a string, not shown: it may be secret)'],
    ['an API token', { path: 'config.apiToken', value: 'ghp_x', message: 'is invalid' }, 'config.apiToken: is invalid (got a string, not shown: it may be secret)'],
    ['a long string, cut', { path: 'image.tag', value: 'v'.repeat(500), message: 'must be short' }, `image.tag: must be short (got "${'v'.repeat(77)}...")`],
    ['a newline, escaped', { path: 'image.tag', value: 'a\nb', message: 'is invalid' }, 'image.tag: is invalid (got "a\\nb")'],
    ['a friendly scalar, as before', { path: 'resources.requests.cpu (--cpu-request)', value: '100MB', message: 'must be a quantity' }, 'resources.requests.cpu (--cpu-request): must be a quantity (got "100MB")'],
  ])('%s', (_name, issue, expected) => {
    expect(formatIssue(issue)).toBe(expected);
  });

  it('lists at most 50 issues, then how many more', () => {
    const issues = Array.from({ length: 65_537 }, (_, i) => ({ path: `tolerations[${i}]`, value: null, message: 'must be object' }));
    const lines = new ValidationError(issues).message.split('\n');
    expect(lines).toHaveLength(52);
    expect(lines[51]).toBe('  - ... and 65487 more');
  });
});

interface CliCase {
  name: string;
  args: (dir: string) => string[]; // dir: a scratch directory outside the module
  code: number;
  expect: (string | RegExp)[];
  never?: string[]; // text that must not appear (secrets)
}

const YAML = (dir: string, name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const CASES: CliCase[] = [
  {
    name: 'a huge --set index',
    args: () => ['--set', 'tolerations[20000000].key=x'],
    code: 2,
    expect: ['--set: key "tolerations" has list index 20000000, greater than the maximum supported index of 65536 (Helm\'s limit)', 'Fix: write --set key.path=value'],
  },
  {
    name: 'a 50,000-segment --set path',
    args: () => ['--set', `${'a.'.repeat(50_000)}a=1`],
    code: 2,
    expect: ['--set: key "a.a.a.a.a.a.a.a ... a.a.a.a (31 levels)" nests names more than 30 levels deep (Helm\'s limit)'],
  },
  {
    name: '30,000 nested --set indexes',
    args: () => ['--set', `env${'[0]'.repeat(30_000)}=1`], // 90 KB: an argument may not exceed 128 KiB
    code: 2,
    expect: ['nests maps and lists more than 100 levels deep'],
  },
  {
    name: 'a --set value in an error',
    args: () => ['--set', 'db.password[x]=hunter2'],
    code: 2,
    expect: ['--set: key "db.password" has a list index that is not a whole number'],
    never: ['hunter2'],
  },
  { name: '-f /dev/zero', args: () => ['-f', '/dev/zero'], code: 2, expect: ['--values: /dev/zero is not a regular file', 'Fix: give the path of a regular file'] },
  {
    name: '-f a link to /dev/urandom',
    args: (d) => (symlinkSync('/dev/urandom', join(d, 'random.yaml')), ['-f', join(d, 'random.yaml')]),
    code: 2,
    expect: [/--values: \S+random\.yaml is not a regular file/],
  },
  {
    name: '-f a FIFO nobody writes',
    args: (d) => (execFileSync('mkfifo', [join(d, 'fifo.yaml')]), ['-f', join(d, 'fifo.yaml')]),
    code: 2,
    expect: [/--values: \S+fifo\.yaml is not a regular file/],
  },
  {
    name: '-f a 17 MiB file',
    args: (d) => {
      const f = YAML(d, 'huge.yaml', '');
      truncateSync(f, 17 * 1024 * 1024);
      return ['-f', f];
    },
    code: 2,
    expect: [/--values: \S+huge\.yaml is larger than 16 MiB/, 'Fix: give a smaller file'],
  },
  { name: '-f a missing file', args: (d) => ['-f', join(d, 'missing.yaml')], code: 5, expect: [/--values: file \S+missing\.yaml does not exist/, 'Fix: check the path'] },
  {
    name: '-f a 50,000-deep document',
    args: (d) => ['-f', YAML(d, 'deep.yaml', `affinity: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`)],
    code: 2,
    expect: [/deep\.yaml nests maps and lists more than 100 levels deep \(line 1, column 1\d\d\); flatten the values/],
  },
  {
    name: '-f 1e400',
    args: (d) => ['-f', YAML(d, 'inf.yaml', 'resources:\n  limits:\n    cpu: 1e400\n')],
    code: 2,
    expect: ['resources.limits.cpu is Infinity (not a finite number); write a finite number, or quote it to make it a string'],
  },
  {
    name: '-f alias expansion (billion laughs)',
    args: (d) => {
      let text = 'l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n';
      for (let i = 1; i < 9; i++) text += `l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(',')}]\n`;
      return ['-f', YAML(d, 'laughs.yaml', text)];
    },
    code: 2,
    expect: [/laughs\.yaml not valid YAML: its aliases expand past the limit of 10000; use fewer aliases/],
  },
  {
    name: '-f a duplicate key',
    args: (d) => ['-f', YAML(d, 'dup.yaml', 'image:\n  tag: "1.0"\n  tag: "2.0"\n')],
    code: 2,
    expect: ['key "tag" appears twice in one mapping (line 3, column 3); Helm would silently keep the last one'],
  },
  {
    name: '-f an unquoted image tag 1.10 (a number to Helm)',
    args: (d) => ['-f', YAML(d, 'tag.yaml', 'image:\n  tag: 1.10\n')],
    code: 3,
    expect: ['image.tag: must be string (got 1.1)'],
  },
  {
    name: '--set __proto__',
    args: () => ['--set', '__proto__.polluted=yes'],
    code: 3,
    expect: ['__proto__: unknown key; expected one of: global, replicaCount'],
  },
  {
    name: '-f __proto__ and constructor keys',
    args: (d) => ['-f', YAML(d, 'proto.yaml', '__proto__:\n  replicaCount: 99\nimage:\n  constructor: {prototype: {polluted: 1}}\n')],
    code: 3,
    expect: ['__proto__: unknown key', 'image.constructor: unknown key; expected one of: repository, tag, digest, pullPolicy'],
  },
  {
    name: 'an env value in an error',
    args: (d) => ['-f', YAML(d, 'env.yaml', 'env:\n  - name: DB_PASSWORD\n    value: hunter2\n    valueFrom: {secretKeyRef: {name: db, key: hunter2}}\n  - {name: TOKEN, value: 42}\n')],
    code: 3,
    expect: ['env[0]: must not set value, valueFrom together (got a map)', 'env[1].value: must be string (got a number, not shown: it may be secret)'],
    never: ['hunter2', '42'],
  },
];

describe('create: hostile -f and --set change nothing', () => {
  let module: string;
  let scratch: string;
  beforeAll(() => {
    module = fixtureCopy('hello');
    scratch = mkdtempSync(join(tmpdir(), 'goservice-hostile-'));
  });
  afterAll(() => {
    rmSync(module, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const before = snapshot(module);
    const t0 = performance.now();
    const r = runCli(['create', 'hello', '--dir', module, ...c.args(scratch)], { cwd: scratch });
    const ms = performance.now() - t0;
    expect(r.stdout).toBe('');
    for (const e of c.expect) expect(r.stderr).toMatch(typeof e === 'string' ? new RegExp(e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : e);
    for (const secret of c.never ?? []) expect(r.stderr).not.toContain(secret);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.code).toBe(c.code);
    expect(snapshot(module)).toEqual(before);
    expect(ms).toBeLessThan(3000);
  });

  it('reads booleans as Helm does (YAML 1.1): create: on, automount: no', () => {
    const file = YAML(scratch, 'yaml11.yaml', 'serviceAccount:\n  create: on\n  automount: no\n');
    const r = runCli(['create', 'hello', '--dir', module, '--dry-run', '-f', file], { cwd: scratch });
    expect(r.stderr).toBe(''); // YAML 1.2 would read "on" and "no" as strings: must be boolean
    expect(r.code).toBe(0);
  });

  it('reads a 5 MB values file, merges and validates it (dry run: nothing written)', () => {
    const env = Array.from({ length: 20_000 }, (_, i) => `  - name: VAR_${i}\n    value: "value ${i}"\n`).join('');
    const file = YAML(scratch, 'big.yaml', `env:\n${env}podAnnotations:\n  blob: "${'x'.repeat(4_400_000)}"\n`);
    const before = snapshot(module);
    const t0 = performance.now();
    const r = runCli(['create', 'hello', '--dir', module, '--dry-run', '-f', file], { cwd: scratch });
    const ms = performance.now() - t0;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run: nothing written');
    expect(snapshot(module)).toEqual(before);
    expect(ms).toBeLessThan(20_000); // loose: a shared test machine; bench/ records the figures
  });
});

describe('upgrade: a hostile chart is refused before Helm runs (exit 3)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'goservice-hostile-chart-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A chart directory: Chart.yaml plus the given files (a function makes a link or other special file). */
  const chart = (name: string, files: Record<string, string | ((path: string) => void)>) => {
    const dir = join(scratch, name);
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
    for (const [file, content] of Object.entries(files)) typeof content === 'string' ? writeFileSync(join(dir, file), content) : content(join(dir, file));
    return dir;
  };

  it.each<[string, Record<string, string | ((path: string) => void)>, (string | RegExp)[]]>([
    [
      'a backtracking pattern (^(a+)+$) and a long value',
      { 'values.schema.json': JSON.stringify({ type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } }), 'values.yaml': `name: ${'a'.repeat(100_000)}!\n` },
      [/invalid values for chart \S+:\n {2}- name: must match the pattern "\^\(a\+\)\+\$" \(got "a{77}\.\.\."\)/],
    ],
    [
      'a lookahead pattern',
      { 'values.schema.json': JSON.stringify({ properties: { tag: { type: 'string', pattern: '^(?!latest$).+' } } }) },
      [/invalid \S+values\.schema\.json:\n {2}- #\/properties\/tag\/pattern: pattern "\^\(\?!latest\$\)\.\+" is not valid in Go's RE2 syntax, which Helm validates with/],
    ],
    ['a 3000-deep schema', { 'values.schema.json': `${'{"properties":{"a":'.repeat(3000)}{}${'}}'.repeat(3000)}` }, ['nests objects and arrays more than 200 levels deep']],
    ['a 5 MB schema', { 'values.schema.json': `{"description":"${'x'.repeat(5_000_000)}"}` }, [/values\.schema\.json:\n {2}- \(file\): is larger than 4 MiB/]],
    ['a values.yaml linked to /dev/urandom', { 'values.yaml': (p) => symlinkSync('/dev/urandom', p) }, [/values\.yaml:\n {2}- \(file\): is not a regular file/]],
    ['a values.yaml 50,000 levels deep', { 'values.yaml': `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n` }, ['nests maps and lists more than 100 levels deep']],
  ])('%s', (name, files, expected) => {
    const dir = chart(name.replace(/\W+/g, '-').replace(/^-|-$/g, ''), files);
    const before = snapshot(dir);
    const t0 = performance.now();
    const r = runCli(['upgrade', 'rel', dir], { cwd: scratch, env: { HELM_BIN: '/bin/true' } });
    const ms = performance.now() - t0;
    for (const e of expected) expect(r.stderr).toMatch(typeof e === 'string' ? new RegExp(e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : e);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(3);
    expect(snapshot(dir)).toEqual(before);
    expect(ms).toBeLessThan(3000);
  });
});
