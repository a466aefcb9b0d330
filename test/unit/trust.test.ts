// src/tls/trust.ts: the CAs the product's TLS clients trust when given none.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { defaultTrust } from '../../src/tls/trust';

const dir = mkdtempSync(join(tmpdir(), 'goservice-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cert = (n: number) => `-----BEGIN CERTIFICATE-----\nMIIB${n}AAAA\n-----END CERTIFICATE-----`;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const trust = (value: string | undefined) => {
  const warnings: string[] = [];
  const ca = defaultTrust(value === undefined ? {} : { NODE_EXTRA_CA_CERTS: value }, (w) => warnings.push(w));
  return { ca, warnings };
};

it('unset or empty: Node’s default (no ca option), no warning', () => {
  expect(trust(undefined)).toEqual({ ca: undefined, warnings: [] });
  expect(trust('')).toEqual({ ca: undefined, warnings: [] });
});

it('a bundle: Node’s roots plus each certificate in it, text around them ignored', () => {
  const { ca, warnings } = trust(file('two.pem', `# corporate\n${cert(1)}\nsubject=x\n${cert(2)}\n`));
  expect(warnings).toEqual([]);
  expect(ca).toEqual([...rootCertificates, cert(1), cert(2)]);
});

it('is read once per value', () => {
  const p = file('once.pem', cert(3));
  const first = trust(p).ca;
  writeFileSync(p, cert(4));
  expect(trust(p).ca).toBe(first);
});

describe('an unusable file is ignored with a warning naming the variable, as Node does', () => {
  it.each([
    ['missing', () => join(dir, 'nope.pem'), /NODE_EXTRA_CA_CERTS.*nope\.pem/],
    ['a directory', () => dir, /is a directory/],
    ['a FIFO (not waited on)', () => (execFileSync('mkfifo', [join(dir, 'fifo')]), join(dir, 'fifo')), /not a regular file/],
    ['a device', () => '/dev/zero', /not a regular file/],
    ['no certificate in it', () => file('empty.pem', 'hello\n'), /holds no PEM certificate/],
  ])('%s', (_, path, says) => {
    const { ca, warnings } = trust(path());
    expect(ca).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Warning: ignoring /);
    expect(warnings[0]).toMatch(says);
  });
});
