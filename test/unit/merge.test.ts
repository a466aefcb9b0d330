import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, GoserviceError, NotFoundError } from '../../src/errors';
import { LIMITS } from '../../src/values/limits';
import { loadValuesFiles, mergeUserValues, mergeValues, parseSet } from '../../src/values/merge';
import { parseValuesYaml } from '../../src/values/read-yaml';
import { shapeProblem } from '../../src/values/tree';

/** The error `f` throws (fails the test when it throws nothing). */
function thrown(f: () => unknown): GoserviceError {
  try {
    f();
  } catch (e) {
    return e as GoserviceError;
  }
  throw new Error('expected an error');
}

/** Milliseconds `f` takes. */
function timed(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined(); // no case may reach Object.prototype
});

describe('mergeValues (Helm semantics)', () => {
  it('merges objects, replaces lists and scalars, null deletes', () => {
    const base = { a: { b: 1, c: [1, 2], d: 'x' }, e: true };
    const merged = mergeValues(base, { a: { b: 2, c: [3], d: null }, f: 'new' });
    expect(merged).toEqual({ a: { b: 2, c: [3] }, e: true, f: 'new' });
    expect(base).toEqual({ a: { b: 1, c: [1, 2], d: 'x' }, e: true }); // inputs untouched
  });
  it('a later layer wins', () => {
    expect(mergeValues({ a: 1 }, { a: 2 }, { a: 3 })).toEqual({ a: 3 });
  });
  it('keeps __proto__, constructor and prototype as ordinary keys', () => {
    const layer = parseValuesYaml('__proto__: {polluted: yes}\nconstructor: {prototype: {polluted: 1}}\nlist: [{__proto__: {polluted: 2}}]\n', (p) => new Error(p));
    const merged = mergeValues({ a: 1 }, layer, layer);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['a', '__proto__', 'constructor', 'list']);
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toEqual({ polluted: true });
    expect((merged.list as object[])[0]).toHaveProperty(['__proto__', 'polluted'], 2);
  });
});

describe('mergeUserValues (how Helm combines -f files and --set before the chart)', () => {
  it('keeps a null, so it still deletes the chart default; a later layer can set it again', () => {
    const user = mergeUserValues({ resources: { requests: { cpu: '1' } } }, { resources: { requests: { cpu: null } } }, parseSet(['a.b=null']));
    expect(user).toEqual({ resources: { requests: { cpu: null } }, a: { b: null } });
    expect(mergeValues({ resources: { requests: { cpu: '100m', memory: '64Mi' } }, a: { b: 1, c: 2 } }, user)).toEqual({ resources: { requests: { memory: '64Mi' } }, a: { c: 2 } });
    expect(mergeUserValues(user, { resources: { requests: { cpu: '2' } } }).resources).toEqual({ requests: { cpu: '2' } });
  });
});

describe('parseSet (Helm --set syntax)', () => {
  it.each([
    [['a.b=1'], { a: { b: 1 } }],
    [['a=true,b=false,c=null'], { a: true, b: false, c: null }],
    [['x=0.5', 'y=007', 'z=-3'], { x: '0.5', y: '007', z: -3 }],
    [['list={a,b,3}'], { list: ['a', 'b', 3] }],
    [['arr[1].name=x'], { arr: [null, { name: 'x' }] }], // Helm fills gaps with null
    [['nodeSelector.kubernetes\\.io/os=linux'], { nodeSelector: { 'kubernetes.io/os': 'linux' } }],
    [['msg=a\\,b'], { msg: 'a,b' }],
    [['a.b=1', 'a.c=2'], { a: { b: 1, c: 2 } }],
    [['a[0][1]=x'], { a: [[null, 'x']] }],
    [['a={},b=1'], { a: [], b: 1 }],
    [['a='], { a: '' }],
    [['a=1,'], { a: 1 }],
  ])('%j', (args, expected) => {
    expect(parseSet(args)).toEqual(expected);
  });

  // Typing as helm template --set a=... shows it (Helm 3.22 and 4.3 agree).
  it.each([
    ['TRUE', true],
    ['False', false],
    ['NULL', null],
    ['+5', 5],
    ['-0', 0],
    ['-00', 0],
    ['0', 0],
    ['007', '007'],
    ['1e3', '1e3'],
    ['1_000', '1_000'],
    ['9007199254740993', '9007199254740993'], // beyond exact JavaScript integers: kept as written
  ])('types %s as Helm does', (raw, expected) => {
    expect(parseSet([`a=${raw}`]).a).toEqual(expected);
  });

  it.each([
    ['novalue', 'has no value'],
    ['=x', 'a key is empty'],
    ['a..b=1', 'has an empty name'],
    ['a,b=1', 'a "," comes before'],
    ['a[0]b=1', 'unexpected text after "]"'],
    ['a[x]=1', 'not a whole number'],
    ['a[-1]=1', 'negative list index -1'],
    ['a[1=1', 'without "]"'],
    ['a={x,y', 'no closing "}"'],
    ['a=1,a.b=2', 'key "a" is set to something other than a map'],
  ])('rejects %s', (arg, expected) => {
    const e = thrown(() => parseSet([arg]));
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.message).toMatch(/^--set: /);
    expect(e.message).toContain(expected);
  });

  it("caps list indexes at Helm's 65536, before allocating anything", () => {
    expect(parseSet(['a[65536]=1']).a).toHaveLength(65537);
    let e!: GoserviceError;
    const ms = timed(() => (e = thrown(() => parseSet(['tolerations[20000000].key=x']))));
    expect(e.message).toBe('--set: key "tolerations" has list index 20000000, greater than the maximum supported index of 65536 (Helm\'s limit)');
    expect(ms).toBeLessThan(50);
  });

  it('caps the list items all --set arguments create together', () => {
    const args = Array.from({ length: 40 }, (_, i) => `l${i}[65536]=1`);
    let e!: GoserviceError;
    expect(timed(() => (e = thrown(() => parseSet(args))))).toBeLessThan(2000);
    expect(e.message).toBe('--set: key "l30[65536]" makes the --set lists hold more than 2000000 items in all');
  });

  it("caps dotted names at Helm's 30 levels and paths at 100", () => {
    expect(parseSet([`${Array(31).fill('a').join('.')}=1`])).toBeDefined();
    expect(thrown(() => parseSet([`${Array(32).fill('a').join('.')}=1`])).message).toContain("nests names more than 30 levels deep (Helm's limit)");
    expect(thrown(() => parseSet([`a${'[0]'.repeat(100)}=1`])).message).toContain('more than 100 levels deep');
  });

  it('refuses more than 1 MiB of --set text', () => {
    const e = thrown(() => parseSet([`a=${'x'.repeat(LIMITS.setChars)}`]));
    expect(e.message).toBe('--set: the arguments are 1048578 characters long; at most 1048576 are read');
    expect(e.suggestion).toContain('put large values in a file');
  });

  it.each([
    ['50,000 [1] segments', `a${'[1]'.repeat(50_000)}=1`],
    ['50,000 dotted levels', `${'a.'.repeat(50_000)}a=1`],
    ['a backslash run', `a=${'\\\\'.repeat(400_000)}`],
    ['a backslash run in a key', `${'\\\\'.repeat(400_000)}=1`],
    ['50,000 open brackets', `a${'['.repeat(50_000)}=1`],
    ['a long list', `a={${'x,'.repeat(300_000)}x}`],
  ])('stays linear: %s', (_name, arg) => {
    const ms = timed(() => {
      try {
        parseSet([arg]);
      } catch (e) {
        expect((e as GoserviceError).exitCode).toBe(ExitCode.usage);
      }
    });
    expect(ms).toBeLessThan(500);
  });

  it('never lets a key reach a prototype', () => {
    const out = parseSet(['__proto__.polluted=yes', 'constructor.prototype.polluted=yes', 'a.__proto__.polluted=1', 'l[0].__proto__.polluted=1']);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'a', 'l']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('never repeats a value in an error', () => {
    for (const arg of ['db.password[x]=hunter2', 'db..password=hunter2', 'a=1,a.b=hunter2', 'a={hunter2']) {
      expect(thrown(() => parseSet([arg])).message).not.toContain('hunter2');
    }
  });
});

/** `levels` anchors, each a list of ten aliases of the one before: 10^levels values once expanded. */
const laughs = (levels: number) => {
  let text = `l0: &l0 [${Array(10).fill('x').join(',')}]\n`;
  for (let i = 1; i < levels; i++) text += `l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(',')}]\n`;
  return text;
};

describe('values YAML, read as Helm reads it (YAML 1.1)', () => {
  const read = (text: string) => parseValuesYaml(text, (p) => new Error(p));

  it('accepts ordinary alias use (Helm does): 150 uses of one anchor, 10,000 values expanded', () => {
    const uses = Array.from({ length: 150 }, (_, i) => `k${i}: *port\n`).join('');
    expect(Object.keys(read(`port: &port 8080\n${uses}`))).toHaveLength(151);
    expect(() => read(laughs(4))).not.toThrow();
  });

  // Each reading pinned against helm template -f (Helm 3.22.0 and 4.3.1 agree).
  it.each<[string, unknown]>([
    ['on', true],
    ['y', true],
    ['Yes', true],
    ['TRUE', true],
    ['off', false],
    ['n', false],
    ['no', false],
    ['0777', 511],
    ['0o17', 15],
    ['0X1F', 31],
    ['0b101', 5],
    ['1_000', 1000],
    ['.5e3', 500],
    ['190:20:30', '190:20:30'], // no sexagesimal numbers in go-yaml
    ['2001-12-14', '2001-12-14'], // nor timestamps
    ['.', '.'],
    ['Null', null],
    ['!!binary aGVsbG8=', 'hello'],
    ['"on"', 'on'],
  ])('a: %s', (raw, expected) => {
    expect(read(`a: ${raw}\n`).a).toEqual(expected);
  });

  it('types keys as Helm does: y and on are the same key "true"', () => {
    expect(read('y: 1\n')).toEqual({ true: 1 });
    expect(() => read('y: 1\non: 2\n')).toThrow(/key "true" appears twice .*line 2.*quote such keys/);
  });

  it.each([
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', /key "a" appears twice in one mapping \(line 3, column 1\); Helm would silently keep the last one/],
    ['several documents', 'a: 1\n---\nb: 2\n', /several YAML documents.*Helm 3 reads only the first, Helm 4 merges them/],
    ['a list key', '? [a]\n: 1\n', /a list is used as a key \(line 1, column 3\)/],
    ['1e400', 'limits:\n  cpu: 1e400\n', /^limits\.cpu is Infinity \(not a finite number\).*quote it/],
    ['.inf', 'a: [1, -.inf]\n', /^a\[1\] is -Infinity/],
    ['.nan', 'a: {b: .NaN}\n', /^a\.b is NaN/],
    ['an alias inside its own anchor', 'a: &a [*a]\n', /more than 100 levels deep/],
    ['alias expansion (billion laughs)', laughs(9), /its aliases expand past the limit of 10000; use fewer aliases/],
    ['not a mapping', '- a\n', /must be a YAML mapping of values \(got a list\)/],
    ['a syntax error', 'a: [1, 2\n', /not valid YAML: .*\(line \d+, column \d+\)/],
  ])('refuses %s', (_name, text, expected) => {
    expect(() => read(text)).toThrow(expected);
  });

  it('accepts 100 levels of nesting and refuses 101, from the first token past the limit', () => {
    expect(() => read(`a: ${'['.repeat(99)}${']'.repeat(99)}\n`)).not.toThrow();
    expect(() => read(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`)).toThrow(/more than 100 levels deep/);
    let block = '';
    for (let i = 0; i < 150; i++) block += `${' '.repeat(i)}k:\n`;
    expect(() => read(block)).toThrow(/more than 100 levels deep \(line 10\d, column/);
  });

  it.each([
    ['a 50,000-deep flow sequence', `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`],
    ['a 50,000-deep flow mapping', `a: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`],
    ['50,000 compact sequences', `a:\n${'- '.repeat(50_000)}x\n`],
  ])('fails fast on %s', (_name, text) => {
    const ms = timed(() => expect(() => read(text)).toThrow(/more than 100 levels deep/));
    expect(ms).toBeLessThan(500);
  });

  it('reads a wide mapping in linear time (no quadratic duplicate-key check)', () => {
    const lines = (n: number) => `m:\n${Array.from({ length: n }, (_, i) => `  k${i}: v${i}\n`).join('')}`;
    const best = (text: string) => Math.min(...[1, 2].map(() => timed(() => read(text))));
    const small = best(lines(4_000));
    const large = best(lines(32_000));
    expect(Object.keys((read(lines(3)) as any).m)).toEqual(['k0', 'k1', 'k2']);
    expect(large / small).toBeLessThan(24); // 8x the keys: about 8x the time, not 64x
  });
});

describe('loadValuesFiles: bounded reads', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'goservice-values-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a values file', () => {
    writeFileSync(join(dir, 'ok.yaml'), 'image:\n  tag: on\n');
    expect(loadValuesFiles([join(dir, 'ok.yaml')])).toEqual([{ image: { tag: true } }]);
  });

  it('names a missing file (NotFoundError, exit 5)', () => {
    const e = thrown(() => loadValuesFiles([join(dir, 'missing.yaml')]));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe(`--values: file ${join(dir, 'missing.yaml')} does not exist`);
  });

  it.each([
    ['/dev/zero', () => '/dev/zero'],
    ['a link to /dev/urandom', () => (symlinkSync('/dev/urandom', join(dir, 'random.yaml')), join(dir, 'random.yaml'))],
    ['a directory', () => dir],
    ['a FIFO with no writer', () => (execFileSync('mkfifo', [join(dir, 'fifo.yaml')]), join(dir, 'fifo.yaml'))],
  ])('refuses %s at once', (_name, path) => {
    const file = path();
    let e!: GoserviceError;
    const ms = timed(() => (e = thrown(() => loadValuesFiles([file]))));
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.message).toMatch(new RegExp(`^--values: ${file} is (not a regular file|a directory)`));
    expect(ms).toBeLessThan(200);
  });

  it('refuses a file over 16 MiB before reading it, and reads 5 MB', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, LIMITS.valuesFileBytes + 1); // sparse: nothing is written
    expect(thrown(() => loadValuesFiles([big])).message).toBe(`--values: ${big} is larger than 16 MiB`);
    writeFileSync(big, `blob: "${'x'.repeat(5_000_000)}"\n`);
    expect((loadValuesFiles([big])[0].blob as string).length).toBe(5_000_000);
  });
});

describe('shapeProblem', () => {
  it('counts values with aliases expanded, iteratively', () => {
    const shared = Array.from({ length: 10 }, () => 'x');
    const tree = { a: Array.from({ length: 10 }, () => shared) }; // 1 + 1 + 10 + 100 values
    expect(shapeProblem(tree, 100, 112)).toBeUndefined();
    expect(shapeProblem(tree, 100, 111)).toEqual({ path: 'a[9][9]', message: 'is past the 111th value (aliases expanded); split the values or use fewer aliases' });
  });
  it('names the path of a value nested too deep, or not finite', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(shapeProblem({ a: deep }, 100)?.message).toBe('nests maps and lists more than 100 levels deep; flatten the values');
    expect(shapeProblem({ a: [{ b: -Infinity }] }, 100)?.path).toBe('a[0].b');
  });
});
