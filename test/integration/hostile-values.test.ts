import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseSet } from '../../src/values/merge';
import { parseValuesYaml } from '../../src/values/read-yaml';
import { HELMS } from '../support/tools';

// The CLI validates what Helm will see: values files read as YAML 1.1 and --set
// typed the way both pinned Helms read them. A probe chart renders .Values as JSON.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goservice-probe-'));
  mkdirSync(join(dir, 'probe/templates'), { recursive: true });
  writeFileSync(join(dir, 'probe/Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'probe/templates/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  v: {{ toJson .Values | quote }}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Helm renders as .Values for these arguments, or its error. */
function helmValues(bin: string, args: string[]): { values?: unknown; error?: string } {
  const r = spawnSync(bin, ['template', 'x', join(dir, 'probe'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr };
  return { values: JSON.parse(parse(r.stdout).data.v) };
}

const file = (text: string) => {
  const f = join(dir, `v${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, text);
  return f;
};

const read = (text: string) => parseValuesYaml(text, (p) => new Error(p));

describe.each(HELMS)('$name reads values as we do', (helm) => {
  it.each([
    'a: on\nb: y\nc: Yes\nd: off\ne: n\nf: NO\n',
    'a: 0777\nb: 0o17\nc: 0X1F\nd: 0b101\ne: 1_000\nf: .5e3\ng: 1.\nh: -.5\n',
    'a: 190:20:30\nb: 2001-12-14\nc: .\nd: Null\ne: ~\nf: "on"\n',
    'a: !!binary aGVsbG8=\nb: !!str 1\nc: &x {k: [1, 2]}\nd: *x\n',
    'y: 1\nn: 2\n1: 3\n',
    'base: &b {x: 1, y: 2}\nmerged:\n  <<: *b\n  y: 3\n',
    '__proto__: {polluted: 1}\nconstructor: 2\n',
  ])('%j', (text) => {
    const theirs = helmValues(helm.bin, ['-f', file(text)]);
    expect(theirs.error).toBeUndefined();
    expect(theirs.values).toEqual(JSON.parse(JSON.stringify(read(text))));
  });

  // Where we refuse, Helm reads something a reviewer would not expect (or fails).
  it.each<[string, string, (r: { values?: any; error?: string }) => void]>([
    ['a duplicate key: Helm keeps the last', 'a: 1\na: 2\n', (r) => expect(r.values).toEqual({ a: 2 })],
    ['1e400: Helm reads a string', 'a: 1e400\n', (r) => expect(r.values).toEqual({ a: '1e400' })],
    ['.inf: Helm fails', 'a: .inf\n', (r) => expect(r.error).toContain('unsupported value: +Inf')],
    ['a list key: Helm fails', '? [a]\n: 1\n', (r) => expect(r.error).toContain('invalid map key')],
    ['an alias inside its anchor: Helm fails', 'a: &a [*a]\n', (r) => expect(r.error).toContain("anchor 'a' value contains itself")],
  ])('%s, and we refuse', (_name, text, check) => {
    check(helmValues(helm.bin, ['-f', file(text)]));
    expect(() => read(text)).toThrow();
  });

  it.each([
    'a=TRUE,b=False,c=NULL,d=+5,e=-0,f=007,g=1e3,h=0',
    'list={a,b,3},s=a\\,b,dot.ted\\.key=1',
    'arr[2].name=x,nested[0][1]=y',
    '__proto__.polluted=yes,constructor.prototype.x=1',
    `${Array(31).fill('a').join('.')}=1`, // 30 levels: Helm's most
    'a[65536]=1', // Helm's highest index
  ])('--set %s', (arg) => {
    const theirs = helmValues(helm.bin, ['--set', arg]);
    expect(theirs.error).toBeUndefined();
    expect(theirs.values).toEqual(JSON.parse(JSON.stringify(parseSet([arg]))));
  });

  it.each([
    ['a[70000]=1', 'index of 70000 is greater than maximum supported index of 65536'],
    [`${Array(32).fill('a').join('.')}=1`, 'value name nested level is greater than maximum supported nested level of 30'],
  ])('--set %s: Helm refuses, and so do we', (arg, helmMessage) => {
    expect(helmValues(helm.bin, ['--set', arg]).error).toContain(helmMessage);
    expect(() => parseSet([arg])).toThrow(/--set: key "a[^"]*" (has list index 70000|nests names more than 30)/);
  });
});
