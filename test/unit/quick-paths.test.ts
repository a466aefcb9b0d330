import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadAssets } from '../../src/render/assets';
import { helmPlainScalar } from '../../src/render/helm-yaml';
import { fullValuesYaml, quickValuesYaml, renderValuesYaml } from '../../src/render/values-yaml';
import { fullRead, parseValuesYaml, quickRead } from '../../src/values/read-yaml';

// The quick reader (js-yaml) and writer (direct text) must give exactly what the
// yaml-package paths give, and leave to them every input they are not sure of.

const fail = (p: string) => new Error(p);
const full = (text: string) => fullRead(text, fail);

describe('quickRead: the same values as fullRead, or nothing', () => {
  it.each([
    'a: on\nb: y\nc: Yes\nd: off\ne: n\nf: NO\n',
    'a: 0777\nb: 0o17\nc: 0X1F\nd: 0b101\ne: 1_000\nf: .5e3\ng: 1.\nh: -.5\n',
    'a: 190:20:30\nb: 2001-12-14\nc: .\nd: Null\ne: ~\nf: "on"\n',
    'a: !!binary aGVsbG8=\nb: !!str 1\nc: {k: [1, 2]}\n',
    'y: 1\nn: 2\n1: 3\n0x10: a\n1.5: b\n',
    '__proto__: {polluted: 1}\nconstructor: 2\n',
    'a:\nb: null\nc: [~, null, ""]\n',
    "a: |\n  x\n  y\nb: >-\n  f\n  g\n\nc: \"q\\tx \\u00e9\"\nd: 's''q'\n",
    'a: 12345678901234567890\nb: 0.1.0\nc: 1:2\nd: b c\n  d e\n',
    'list:\n- a\n- b: c\n  d: e\n-   - x\n',
    '',
    '# only a comment\n',
    '---\na: 1\n...\n',
  ])('%j', (text) => {
    const quick = quickRead(text);
    expect(quick).toBeDefined();
    expect(quick).toStrictEqual(full(text));
    expect(Object.keys(quick!)).toEqual(Object.keys(full(text)));
  });

  it.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a:\n  <<: {b: 1}\n'],
    ['a null key', '~: 1\n'],
    ['a key "null" (fullRead tells it from a null key)', "'null': 1\n"],
    ['an explicit key', '? a\n: 1\n'],
    ['a list as a key', '[a]: 1\n'],
    ['a %YAML directive', '%YAML 1.2\n---\na: on\n'],
    ['an int tag', 'a: !!int 1\n'],
    ['a local tag', 'a: !thing 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['two keys Helm reads as "true"', 'y: 1\non: 2\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['a non-finite number', 'a: 1e400\n'],
    ['NaN', 'a: .nan\n'],
    ['a list at the top', '- a\n'],
    ['101 levels', `a: ${'['.repeat(100)}${']'.repeat(100)}\n`],
    ['50,000 levels', `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`],
  ])('leaves %s to fullRead', (_name, text) => {
    expect(quickRead(text)).toBeUndefined();
  });

  it('reads a large ordinary file quickly, as fullRead does', () => {
    const env = Array.from({ length: 3000 }, (_, i) => `  - name: VAR_${i}\n    value: "${'x'.repeat(40)}-${i}"\n    flag: ${['on', 'no', '0x1F', '1_000', 'text'][i % 5]}\n`).join('');
    const text = `env:\n${env}podAnnotations:\n  example.com/blob: "${'y'.repeat(100_000)}"\n`;
    expect(quickRead(text)).toStrictEqual(full(text));
    expect(parseValuesYaml(text, fail)).toStrictEqual(full(text));
  });
});

describe('helmPlainScalar: how Helm reads a plain scalar', () => {
  it.each<[string, unknown]>([
    ['on', true],
    ['n', false],
    ['~', null],
    ['', null],
    ['0777', 511],
    ['0o17', 15],
    ['0X1F', 31],
    ['1_000', 1000],
    ['.5e3', 500],
    ['190:20:30', '190:20:30'],
    ['2001-12-14', '2001-12-14'],
    ['<<', '<<'],
    ['0.1.0', '0.1.0'],
  ])('%j', (s, expected) => {
    expect(helmPlainScalar(s)).toBe(expected);
    expect(full(`k: ${s}\n`).k).toBe(expected); // the reader of record agrees
  });
  it('reads 1e400 as Infinity (which the readers then refuse)', () => {
    expect(helmPlainScalar('1e400')).toBe(Infinity);
  });
});

describe('quickValuesYaml: the same text as fullValuesYaml, or nothing', () => {
  const { schema } = loadAssets();
  const header = ' Default values.\n Second line.';
  const golden = (chart: string) => parse(readFileSync(join(__dirname, '../../charts', chart, 'values.yaml'), 'utf8'), { version: '1.1' });

  const cases: [string, object][] = [
    ['charts/hello', golden('hello')],
    ['charts/withdeps', golden('withdeps')],
    [
      'free-form and typed-looking values',
      {
        ...golden('withdeps'),
        podAnnotations: { 'example.com/a': 'on', b: '0.1.0', c: '1e3', d: 'a:b', e: 'http://x.y/z?q=1&r=2', f: 'a  b', g: "it's", i: 'back\\slash', h: 'say "hi"', yes: 'null' },
        env: [{ name: 'A', value: '~' }, { name: 'B', value: '12:30' }, { name: 'C' }],
        tolerations: [{ key: 'k', operator: 'Exists' }, {}],
        extra: { list: [[1, [2, []]], [{ a: [{ b: { c: [] } }] }], null, true, -1.5, 1e21, 0] },
      },
    ],
  ];
  it.each(cases)('%s', (_name, values) => {
    const quick = quickValuesYaml(values, schema, header);
    expect(quick).toBeDefined();
    expect(quick).toBe(fullValuesYaml(values, schema, header));
  });

  it('writes a shared map or list as fullValuesYaml does (twice, no alias)', () => {
    const shared = { a: 1 };
    const values = { ...golden('hello'), podLabels: { x: shared, y: shared } };
    expect(quickValuesYaml(values, schema, header)).toBe(fullValuesYaml(values, schema, header));
  });

  it.each(['a\nb', 'é', ' lead', 'trail ', '-x', 'a: b', 'a #b', 'x:', '[x]', '*x', '&x', '!x', '%x', '@x', '#x', '?x', '...', 'x'.repeat(1001)])(
    'leaves %j to fullValuesYaml, which writes the same values',
    (s) => {
      const values = { ...golden('hello'), podAnnotations: { [s.length > 1000 ? s : 'k']: s } };
      expect(quickValuesYaml(values, schema, header)).toBeUndefined();
      const text = renderValuesYaml(values, schema, header);
      expect(parse(text, { version: '1.1' }).podAnnotations).toEqual(values.podAnnotations);
    },
  );

  it('leaves non-finite numbers to fullValuesYaml, which refuses them', () => {
    const values = { ...golden('hello'), replicaCount: Infinity };
    expect(quickValuesYaml(values, schema, header)).toBeUndefined();
    expect(() => renderValuesYaml(values, schema, header)).toThrow(/replicaCount: must be a finite number/);
  });
});
