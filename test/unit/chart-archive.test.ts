import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { GoserviceError } from '../../src/errors';
import { chartArchiveFrom, readChartArchive } from '../../src/release/chart-archive';
import { resolveChart } from '../../src/release/chart-source';
import { HelmClient, helmSettings } from '../../src/helm/client';
import { fakeRunner } from '../support/fake-runner';
import { repoRoot } from '../support/tools';

interface Entry {
  name: string;
  body?: string;
  type?: string; // tar type flag: '0' file, '2' symlink, '5' directory, 'x' PAX header
}

/** A ustar archive of `entries` (names up to 100 bytes), gzipped. */
function tgz(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(e.type ?? '0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const CHART = 'apiVersion: v2\nname: orders\nversion: 1.2.0\nappVersion: "1.2.0"\n';

describe('reading a chart archive without unpacking it', () => {
  it('finds the top-level Chart.yaml, values.yaml and schema; ignores subcharts', () => {
    const a = chartArchiveFrom(
      tgz([
        { name: 'orders/Chart.yaml', body: CHART },
        { name: 'orders/values.yaml', body: 'replicaCount: 2\n' },
        { name: 'orders/templates/deployment.yaml', body: 'x' },
        { name: 'orders/charts/sub/values.yaml', body: 'evil: true\n' },
      ]),
      'a.tgz',
    );
    expect(a.top).toBe('orders');
    expect([...a.files.keys()].sort()).toEqual(['Chart.yaml', 'values.yaml']);
    expect(a.files.get('values.yaml')).toBe('replicaCount: 2\n');
  });

  it('reads PAX long names as Go\'s archive/tar (Helm) writes them', () => {
    const long = `orders/${'d'.repeat(120)}/Chart.yaml`;
    const pax = (k: string, v: string) => {
      const rec = ` ${k}=${v}\n`;
      let len = rec.length + 2;
      if (`${len}${rec}`.length !== len) len++;
      return `${len}${rec}`;
    };
    const a = chartArchiveFrom(tgz([{ name: 'orders/Chart.yaml', body: CHART }, { name: 'PaxHeader', type: 'x', body: pax('path', long) }, { name: 'ignored', body: 'x' }]), 'a.tgz');
    expect(a.files.has('Chart.yaml')).toBe(true);
  });

  it.each<[string, Buffer, string]>([
    ['not gzip', Buffer.from('hello'), 'is not a gzip archive'],
    ['an entry outside the chart', tgz([{ name: 'orders/Chart.yaml', body: CHART }, { name: 'orders/../../etc/x', body: 'x' }]), 'outside the chart'],
    ['an absolute entry', tgz([{ name: '/etc/passwd', body: 'x' }]), 'outside the chart'],
    ['two top directories', tgz([{ name: 'orders/Chart.yaml', body: CHART }, { name: 'other/values.yaml', body: '' }]), 'more than one top directory'],
    ['a Chart.yaml that is a link', tgz([{ name: 'orders/Chart.yaml', type: '2' }]), 'Chart.yaml is not a regular file'],
    ['no Chart.yaml', tgz([{ name: 'orders/values.yaml', body: '' }]), 'holds no Chart.yaml'],
    ['a gzip bomb', gzipSync(Buffer.alloc(101 * 1024 * 1024)), 'unpacks to more than 100 MiB'],
  ])('refuses %s (exit 3, naming the archive)', (_, bytes, why) => {
    try {
      chartArchiveFrom(bytes, 'a.tgz');
      throw new Error('accepted');
    } catch (e) {
      expect((e as GoserviceError).exitCode).toBe(3);
      expect((e as Error).message).toContain('invalid a.tgz');
      expect((e as Error).message).toContain(why);
    }
  });

  it('a corrupted checksum is refused', () => {
    const raw = require('node:zlib').gunzipSync(tgz([{ name: 'orders/Chart.yaml', body: CHART }]));
    raw[0] = 'x'.charCodeAt(0);
    expect(() => chartArchiveFrom(gzipSync(raw), 'a.tgz')).toThrow(/damaged tar header at byte 0/);
  });

  it('a file that is no regular file or too large is refused before it is read', () => {
    expect(() => readChartArchive('/dev/zero')).toThrow(/not a regular file/);
  });
});

describe('resolveChart: directory, .tgz, oci://', () => {
  const helm = new HelmClient(helmSettings({ HELM_BIN: '/opt/helm' }), fakeRunner('v3.22.0'));
  const dir = mkdtempSync(join(tmpdir(), 'gs-src-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a packaged chart: defaults and schema from inside it', async () => {
    const file = join(dir, 'orders-1.2.0.tgz');
    writeFileSync(file, tgz([{ name: 'orders/Chart.yaml', body: CHART }, { name: 'orders/values.yaml', body: 'image:\n  repository: r/orders\n' }, { name: 'orders/values.schema.json', body: '{"type":"object"}' }]));
    const src = await resolveChart(helm, file);
    expect(src).toMatchObject({ kind: 'archive', chart: file, name: 'orders', version: '1.2.0', appVersion: '1.2.0', defaults: { image: { repository: 'r/orders' } }, schema: { type: 'object' } });
  });

  it('the chart directory as before', async () => {
    const src = await resolveChart(helm, join(repoRoot, 'charts/hello'));
    expect(src).toMatchObject({ kind: 'directory', name: 'hello', chart: join(repoRoot, 'charts/hello') });
    expect(src.schema).toBeDefined();
  });

  it.each([
    ['a name YAML 1.1 reads as a boolean', 'name: on\nversion: 1.0.0\n', 'must be a mapping with a name and a version'],
    ['a key given twice', 'name: hello\nversion: 1.0.0\nversion: 2.0.0\n', 'key "version" appears twice'],
    ['a list', '- name: hello\n', 'must be a mapping with a name and a version'],
  ])('Chart.yaml is read as Helm reads it: %s is invalid (exit 3)', async (_, text, why) => {
    const chart = mkdtempSync(join(dir, 'chart-'));
    writeFileSync(join(chart, 'Chart.yaml'), text);
    await expect(resolveChart(helm, chart)).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining(why) });
  });

  it.each<[string, string | undefined, object, number, string]>([
    ['--version without oci://', 'charts/hello', { version: '1.0.0' }, 2, '--version: is for a published chart'],
    ['--ca-file without oci://', 'charts/hello', { caFile: '/ca.pem' }, 2, '--ca-file: is for a published chart'],
    ['oci:// without --version', 'oci://r.example/team/charts/orders', {}, 2, '--version: is required with a published chart'],
    ['a bad --version', 'oci://r.example/team/charts/orders', { version: 'v1' }, 2, '--version: "v1" is not a SemVer 2 version'],
    ['a bad oci:// reference', 'oci://r.example/Team', { version: '1.0.0' }, 2, 'CHART: "oci://r.example/Team": "Team" is not a repository path'],
    ['a registry that is down', 'oci://127.0.0.1:1/team/charts/orders', { version: '1.0.0' }, 6, 'registry 127.0.0.1:1 is unreachable'],
  ])('%s', async (_, arg, o, code, why) => {
    await expect(resolveChart(helm, arg, { cwd: repoRoot, ...o })).rejects.toMatchObject({ exitCode: code, message: expect.stringContaining(why) });
  });

  it('helm package output reads back (a real archive)', async () => {
    const r = spawnSync('tar', ['-czf', join(dir, 'hello.tgz'), '-C', join(repoRoot, 'charts'), 'hello']);
    expect(r.status).toBe(0);
    const src = await resolveChart(helm, join(dir, 'hello.tgz'));
    expect(src).toMatchObject({ kind: 'archive', name: 'hello' });
  });
});
