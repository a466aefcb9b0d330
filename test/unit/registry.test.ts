import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoserviceError } from '../../src/errors';
import { nextPage, parseChallenge, parseTagList, readCaFile, RegistryClient } from '../../src/registry/client';
import { authFileText, credentialFrom, readCredential, registryConfigPath } from '../../src/registry/credentials';
import { RegistryError } from '../../src/registry/errors';
import { parseOciUrl, tagVersion, versionTag } from '../../src/registry/reference';
import { json, scriptedRegistry } from '../support/scripted-registry';
import { makeTestCa, TestCa } from '../support/tls';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return { code: (e as GoserviceError).exitCode, message: (e as Error).message, fix: (e as GoserviceError).suggestion };
  }
  throw new Error('not refused');
};

describe('oci:// references', () => {
  it('splits host and path', () => {
    expect(parseOciUrl('--registry', 'oci://ghcr.io/acme')).toEqual({ host: 'ghcr.io', path: 'acme' });
    expect(parseOciUrl('--registry', 'oci://127.0.0.1:5000/team/sub/')).toEqual({ host: '127.0.0.1:5000', path: 'team/sub' });
    expect(parseOciUrl('--registry', 'oci://localhost:5000')).toEqual({ host: 'localhost:5000', path: '' });
  });
  it.each([
    ['https://ghcr.io/acme', 'is not an oci:// reference'],
    ['ghcr.io/acme', 'is not an oci:// reference'],
    ['oci://ghcr.io/Acme', '"Acme" is not a repository path'],
    ['oci://ghcr.io/acme:1.0', 'is not a repository path'],
    ['oci://ghcr.io/acme@sha256:abc', 'is not a repository path'],
    ['oci://acme/orders', '"acme" is not a registry host'],
    ['oci://-bad-.io/x', 'is not a registry host'],
    ['oci://ghcr.io/a/../b', 'is not a repository path'],
    ['oci://ghcr.io/a b', 'is not a repository path'],
    [`oci://ghcr.io/${'a'.repeat(600)}`, 'is not an oci:// reference'],
    ['oci://ghcr.io/a\n', 'is not a repository path'],
  ])('refuses %j', (value, why) => {
    const r = refusal(() => parseOciUrl('--registry', value));
    expect(r.code).toBe(2);
    expect(r.message).toContain('--registry: ');
    expect(r.message).toContain(why);
    expect(r.fix).toContain('oci://HOST[:PORT]/NAMESPACE');
  });
  it('chart versions and tags: "+" travels as "_"', () => {
    expect(versionTag('1.2.3+build.5')).toBe('1.2.3_build.5');
    expect(tagVersion('1.2.3_build.5')).toBe('1.2.3+build.5');
  });
});

describe("Helm's registry login", () => {
  const text = (auths: object, extra: object = {}) => JSON.stringify({ auths, ...extra });
  it('reads base64 auth, username/password, and keys written as URLs', () => {
    const auth = Buffer.from('ci:s3cr:et').toString('base64');
    expect(credentialFrom(text({ 'r.example:5000': { auth } }), 'r.example:5000', 'f')).toEqual({ username: 'ci', password: 's3cr:et' });
    expect(credentialFrom(text({ 'https://r.example/v1/': { username: 'u', password: 'p' } }), 'r.example', 'f')).toEqual({ username: 'u', password: 'p' });
    expect(credentialFrom(text({ other: { auth } }), 'r.example', 'f')).toBeUndefined();
    expect(credentialFrom(text({}), 'r.example', 'f')).toBeUndefined();
  });
  it.each([
    ['not JSON', '{', 'is not valid JSON'],
    ['a list', '[]', 'is not a JSON object'],
    ['auths a list', '{"auths": []}', '"auths" is not an object'],
    ['auth without a colon', text({ h: { auth: Buffer.from('nocolonsecret').toString('base64') } }), 'is not base64 of USER:PASSWORD'],
    ['a credential helper', text({}, { credsStore: 'desktop' }), 'docker-credential-desktop'],
  ])('%s: names the file, never the secret', (_, body, why) => {
    const r = refusal(() => credentialFrom(body, 'h', '/home/u/.config/helm/registry/config.json'));
    expect(r.code).toBe(2);
    expect(r.message).toContain('/home/u/.config/helm/registry/config.json');
    expect(r.message).toContain(why);
    expect(r.message).not.toContain('nocolonsecret');
    expect(r.fix).toBe('log in again with: helm registry login h');
  });
  it("finds the file as Helm does: HELM_REGISTRY_CONFIG, HELM_CONFIG_HOME, XDG_CONFIG_HOME, the OS default", () => {
    expect(registryConfigPath({ HELM_REGISTRY_CONFIG: '/x/c.json', HELM_CONFIG_HOME: '/h' })).toBe('/x/c.json');
    expect(registryConfigPath({ HELM_CONFIG_HOME: '/h', XDG_CONFIG_HOME: '/x' })).toBe('/h/registry/config.json');
    expect(registryConfigPath({ XDG_CONFIG_HOME: '/x', HOME: '/home/u' })).toBe('/x/helm/registry/config.json');
    expect(registryConfigPath({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/helm/registry/config.json');
    expect(registryConfigPath({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Preferences/helm/registry/config.json');
  });
  it('a huge or special config file is refused, not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-cfg-'));
    writeFileSync(join(dir, 'c.json'), ' '.repeat(1024 * 1024 + 1));
    expect(refusal(() => readCredential('h', { HELM_REGISTRY_CONFIG: join(dir, 'c.json') })).message).toContain('larger than 1 MiB');
    expect(refusal(() => readCredential('h', { HELM_REGISTRY_CONFIG: '/dev/zero' })).message).toContain('not a regular file');
    expect(readCredential('h', { HELM_REGISTRY_CONFIG: join(dir, 'missing.json') })).toBeUndefined();
    rmSync(dir, { recursive: true });
  });
  it("a builder's authfile holds that registry's login only", () => {
    const file = JSON.parse(authFileText('h:1', { username: 'u', password: 'p' }));
    expect(file).toEqual({ auths: { 'h:1': { auth: Buffer.from('u:p').toString('base64') } } });
    expect(JSON.parse(authFileText('h:1', undefined))).toEqual({ auths: {} });
  });
});

describe('registry answers are checked', () => {
  const page = (body: unknown) => Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  it('a tag list page', () => {
    expect(parseTagList(page({ name: 'a/b', tags: ['1.0.0', '1.0.1_build.1', 'latest'] }), 'a/b', 'h')).toEqual(['1.0.0', '1.0.1_build.1', 'latest']);
    expect(parseTagList(page({ name: 'a/b', tags: null }), 'a/b', 'h')).toEqual([]);
  });
  it.each([
    ['not JSON', '<html>', 'is not JSON'],
    ['tags not a list', { tags: 'x' }, 'has no list of tags'],
    ['a tag with a newline', { tags: ['1.0.0\nEvil: x'] }, 'holds "1.0.0\\nEvil: x", which is not a tag'],
    ['a tag with a slash', { tags: ['../../x'] }, 'which is not a tag'],
    ['a number', { tags: [1] }, 'holds a number'],
    ['a too long tag', { tags: ['a'.repeat(200)] }, 'which is not a tag'],
  ])('refuses %s', (_, body, why) => {
    try {
      parseTagList(page(body), 'a/b', 'h');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(RegistryError);
      expect((e as RegistryError).kind).toBe('answer');
      expect((e as Error).message).toContain(why);
      expect((e as RegistryError).exitCode).toBe(6);
    }
  });
  it('next-page links stay on the same registry and repository', () => {
    expect(nextPage('</v2/a/b/tags/list?n=2&last=x>; rel="next"', 'a/b', 'h:1')).toBe('/v2/a/b/tags/list?n=2&last=x');
    expect(nextPage(undefined, 'a/b', 'h:1')).toBeUndefined();
    expect(() => nextPage('<https://evil.example/v2/a/b/tags/list>; rel="next"', 'a/b', 'h:1')).toThrow(/leaves the tag list of a\/b/);
    expect(() => nextPage('</v2/other/tags/list?last=x>; rel="next"', 'a/b', 'h:1')).toThrow(/leaves the tag list/);
  });
  it('auth challenges', () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a/b:pull' },
    });
    expect(parseChallenge('Negotiate xyz')).toBeUndefined();
  });
  it('--ca-file must hold a certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-ca-'));
    writeFileSync(join(dir, 'x.pem'), 'hello');
    expect(refusal(() => readCaFile(join(dir, 'x.pem')))).toMatchObject({ code: 2, message: expect.stringContaining('holds no PEM certificate') });
    expect(refusal(() => readCaFile(join(dir, 'missing.pem')))).toMatchObject({ code: 5 });
    expect(refusal(() => readCaFile(dir))).toMatchObject({ code: 2, message: expect.stringContaining('is a directory') });
    rmSync(dir, { recursive: true });
  });
});

describe('RegistryClient over HTTPS', () => {
  let ca: TestCa;
  beforeAll(() => (ca = makeTestCa()));
  afterAll(() => ca.remove());
  const login = { username: 'ci', password: 'pa55word-xyz' };
  const basic = `Basic ${Buffer.from('ci:pa55word-xyz').toString('base64')}`;
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] });
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;

  it('basic auth, paginated tags, HEAD digest; 404 is "none"', async () => {
    const reg = await scriptedRegistry(ca, (req, res) => {
      if (req.headers.authorization !== basic) return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Basic realm="r"' });
      if (req.url === '/v2/team/charts/orders/tags/list?n=1000') return json(res, 200, { tags: ['0.1.0', '0.1.1'] }, { link: '</v2/team/charts/orders/tags/list?n=1000&last=0.1.1>; rel="next"' });
      if (req.url?.startsWith('/v2/team/charts/orders/tags/list?n=1000&last=0.1.1')) return json(res, 200, { tags: ['0.2.0'] });
      if (req.url === '/v2/team/charts/orders/manifests/0.2.0') {
        res.writeHead(200, { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        return res.end(req.method === 'HEAD' ? undefined : manifest);
      }
      json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    });
    const c = new RegistryClient(reg.host, { caFile: ca.caFile, credential: login });
    try {
      expect(await c.tags('team/charts/orders')).toEqual(['0.1.0', '0.1.1', '0.2.0']);
      expect(await c.digest('team/charts/orders', '0.2.0')).toBe(digest);
      expect(await c.digest('team/charts/orders', '9.9.9')).toBeNull();
      expect((await c.manifest('team/charts/orders', '0.2.0'))?.digest).toBe(digest);
      expect(await c.tags('team/none')).toEqual([]);
      expect(reg.seen.filter((s) => !s.authorization)).toHaveLength(1); // one challenge, then basic up front
    } finally {
      c.close();
      await reg.close();
    }
  });

  it('bearer tokens from the realm, with the login', async () => {
    let realmAuth: string | undefined;
    const reg = await scriptedRegistry(ca, (req, res) => {
      if (req.url?.startsWith('/token')) {
        realmAuth = req.headers.authorization;
        expect(req.url).toContain('scope=repository%3Ateam%2Forders%3Apull');
        return json(res, 200, { token: 'tok-123' });
      }
      if (req.headers.authorization !== 'Bearer tok-123') return json(res, 401, {}, { 'www-authenticate': `Bearer realm="https://${req.headers.host}/token",service="reg"` });
      json(res, 200, { tags: ['1.0.0'] });
    });
    const c = new RegistryClient(reg.host, { caFile: ca.caFile, credential: login });
    try {
      expect(await c.tags('team/orders')).toEqual(['1.0.0']);
      expect(realmAuth).toBe(basic);
    } finally {
      c.close();
      await reg.close();
    }
  });

  const failing = async (handler: Parameters<typeof scriptedRegistry>[1], call: (c: RegistryClient) => Promise<unknown>, o: { caFile?: string | null } = {}) => {
    const reg = await scriptedRegistry(ca, handler);
    const c = new RegistryClient(reg.host, { caFile: o.caFile === null ? undefined : o.caFile ?? ca.caFile, credential: login });
    try {
      await call(c);
      throw new Error('no error');
    } catch (e) {
      return e as RegistryError;
    } finally {
      c.close();
      await reg.close();
    }
  };

  it('a wrong password: auth, exit 6, the password never shown', async () => {
    const e = await failing((_, res) => json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' }), (c) => c.tags('a/b'));
    expect(e.kind).toBe('auth');
    expect(e.exitCode).toBe(6);
    expect(e.message).toContain('refused the login (401 Unauthorized)');
    expect(e.suggestion).toContain('helm registry login 127.0.0.1:');
    expect(`${e.message}${e.suggestion}`).not.toContain('pa55word');
  });

  it('an unknown CA: tls, and the fix names --ca-file', async () => {
    const e = await failing((_, res) => json(res, 200, { tags: [] }), (c) => c.tags('a/b'), { caFile: null });
    expect(e.kind).toBe('tls');
    expect(e.message).toMatch(/certificate of 127\.0\.0\.1:\d+ is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    expect(e.suggestion).toContain('--ca-file');
  });

  it('a registry that is down: unreachable', async () => {
    const c = new RegistryClient('127.0.0.1:1', { credential: null });
    await expect(c.tags('a/b')).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('registry 127.0.0.1:1 is unreachable (connection refused)') });
    c.close();
  });

  it.each<[string, Parameters<typeof scriptedRegistry>[1], (c: RegistryClient) => Promise<unknown>, string]>([
    ['a body over 4 MiB', (_, res) => json(res, 200, { tags: [], pad: 'x'.repeat(5 * 1024 * 1024) }), (c) => c.tags('a/b'), 'is larger than 4194304 bytes'],
    ['a digest header that is no digest', (_, res) => (res.writeHead(200, { 'docker-content-digest': 'sha256:../../etc' }), res.end()), (c) => c.digest('a/b', '1.0.0'), 'not sha256:<64 hex digits>'],
    ['a manifest that does not hash to its digest', (_, res) => (res.writeHead(200, { 'docker-content-digest': `sha256:${'0'.repeat(64)}` }), res.end(manifest)), (c) => c.manifest('a/b', '1.0.0'), 'but the registry says'],
    ['an endless tag list', (_req, res) => json(res, 200, { tags: ['x'] }, { link: `</v2/a/b/tags/list?n=1000&last=${Math.random()}>; rel="next"` }), (c) => c.tags('a/b'), 'has more than 200 pages'],
    ['a token realm over plain HTTP', (_, res) => json(res, 401, {}, { 'www-authenticate': 'Bearer realm="http://evil.example/token"' }), (c) => c.tags('a/b'), 'is not HTTPS'],
    ['a token answer without a token', (req, res) => (req.url?.startsWith('/t') ? json(res, 200, { token: 'bad token\n' }) : json(res, 401, {}, { 'www-authenticate': `Bearer realm="https://${req.headers.host}/t"` })), (c) => c.tags('a/b'), 'holds no token'],
    ['a 500 with an error text', (_, res) => json(res, 500, { errors: [{ code: 'UNKNOWN', message: 'disk\nfull' }] }), (c) => c.tags('a/b'), 'answered 500: UNKNOWN disk full'],
  ])('hostile: %s', async (_, handler, call, why) => {
    const e = await failing(handler, call);
    expect(e).toBeInstanceOf(RegistryError);
    expect(e.exitCode).toBe(6);
    expect(e.message).toContain(why);
  });
});
