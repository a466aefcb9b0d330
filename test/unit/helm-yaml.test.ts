import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Document, parse, parseDocument } from 'yaml';
import { ValidationError } from '../../src/errors';
import { bump } from '../../src/release/bump';
import { goYamlReadsAsNonString, helmReadsAsNonString, helmYamlText } from '../../src/render/helm-yaml';

// Strings that Helm's reader (go-yaml v2, YAML 1.1) takes for booleans, null,
// numbers or dates when they are written plain.
const AMBIGUOUS = [
  'on', 'off', 'On', 'OFF', 'y', 'Y', 'n', 'N', 'yes', 'no', 'NO', 'true', 'True', 'false', 'null', 'Null', '~', '',
  '1_000', '1_', '0b101', '-0b1', '0B101', '0x1F', '0X1F', '0x_1F', '0777', '0o17', '0O17', '-0o17', '+0o17', '0_b1',
  '1e3', '1E3', '1e3_0', '1e+3', '.5', '.5e3', '+1', '-1.', '1__0', '99999999999999999999',
  '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '12:30', '1:20:30.5', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2024-1-2 10:00:00', '<<',
];
// Strings both read as strings: they stay plain.
const PLAIN = ['0.1.0', '1.2.3', 'v1.0', 'hello', 'tRUE', 'oN', '0x', '0b', '_1', '1,000', 'example.com/orders', 'ghcr.io/acme/app', '100m', '128Mi', '1.2.3-rc.1'];

describe('goYamlReadsAsNonString mirrors go-yaml v2 resolve()', () => {
  it.each(['yes', 'Off', '~', '', '-0o17', '0X1F', '0B101', '0_b1', '1e3_0', '.5e3', '2001-12-14', '+.inf', '<<'])('%j is not a string', (s) => {
    expect(goYamlReadsAsNonString(s)).toBe(true);
  });
  it.each(['12:30', 'tRUE', '0x', '0b2', '_1', '1,000', '0.1.0', '.', '.e3', 'v1', '2001-12', '1.2.3'])('%j is a string', (s) => {
    expect(goYamlReadsAsNonString(s)).toBe(false);
  });
});

describe('helmYamlText', () => {
  const write = (value: unknown) => helmYamlText(new Document(value), 'values');

  it.each(AMBIGUOUS)('quotes %j as a value and as a key, and it reads back as that string under YAML 1.1', (s) => {
    expect(helmReadsAsNonString(s)).toBe(true);
    const text = write({ v: s, m: { [s]: 'k' } });
    expect(text).toMatch(/^v: (["'])/);
    const read = parse(text, { version: '1.1' });
    expect(read).toEqual({ v: s, m: { [s]: 'k' } });
  });

  it.each(PLAIN)('leaves %j plain', (s) => {
    expect(helmReadsAsNonString(s)).toBe(false);
    expect(write({ v: s })).toBe(`v: ${s}\n`);
  });

  it('keeps numbers, booleans and null typed, and multi-line strings one string', () => {
    const value = { n: 3, f: 0.5, b: true, z: null, s: 'a "quoted"\nhostPID: true' };
    const text = write(value);
    expect(parse(text, { version: '1.1' })).toEqual(value);
    expect(text).not.toMatch(/^hostPID/m);
  });

  it('quotes ambiguous strings in a parsed document (bump), leaving quoted ones as they were', () => {
    const doc = parseDocument("appVersion: '1.0'\nversion: 0.1.0\n");
    doc.set('appVersion', 'on');
    doc.set('version', '1_000');
    // appVersion keeps the single quotes it had; version was plain and is quoted now
    expect(helmYamlText(doc, 'Chart.yaml')).toBe('appVersion: \'on\'\nversion: "1_000"\n');
    const kept = parseDocument("tag: 'yes'\n");
    expect(helmYamlText(kept, 'values.yaml')).toBe("tag: 'yes'\n");
  });

  it("leaves a user's plain scalars as written: Helm already reads them that way", () => {
    const doc = parseDocument('enabled: yes\nwhen: 2024-01-02\ntag: 1.0.0\n');
    doc.set('tag', 'off');
    expect(helmYamlText(doc, 'values.yaml')).toBe('enabled: yes\nwhen: 2024-01-02\ntag: "off"\n');
  });

  it.each([
    ['Infinity', { global: { big: Infinity } }, 'global.big'],
    ['-Infinity', { env: [{ name: 'X', value: -Infinity }] }, 'env[0].value'],
    ['NaN', { a: NaN }, 'a'],
  ])('refuses %s, naming its key path', (_, value, path) => {
    let err: unknown;
    try {
      write(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([{ path, message: expect.stringContaining('must be a finite number') }]);
    expect((err as ValidationError).exitCode).toBe(3);
  });

  it('refuses a .inf read from a file', () => {
    expect(() => helmYamlText(parseDocument('replicas: .inf\n'), 'values.yaml')).toThrow(/values\.yaml[\s\S]*replicas: must be a finite number/);
  });
});

describe('bump writes for Helm too', () => {
  // A chart whose appVersion and image.tag were written plain, as a user might.
  const chart = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: 1.0.0\n');
    writeFileSync(join(dir, 'values.yaml'), 'image:\n  repository: example.com/hello\n  tag: 1.0.0\nflag: yes\n');
  };

  it.each(['on', 'yes', '1e3', '1_000', '0777', '2024-01-02'])('--app-version %s reads back as that string in Chart.yaml and image.tag', (app) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bump-yaml-')), 'hello');
    chart(dir);
    bump({ target: 'patch', chart: dir, appVersion: app });
    const chartYaml = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8'), { version: '1.1' });
    const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8'), { version: '1.1' });
    expect(chartYaml).toMatchObject({ version: '0.1.1', appVersion: app });
    // image.tag followed appVersion; the user's own plain `yes` is still what Helm reads (true)
    expect(values).toEqual({ image: { repository: 'example.com/hello', tag: app }, flag: true });
    rmSync(dirname(dir), { recursive: true, force: true });
  });
});
