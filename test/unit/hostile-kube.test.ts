// The Kubernetes client's inputs, tried as a careless user or an attacker would:
// kubeconfig files (lists, missing and special files, bad YAML holding secrets,
// relative paths), Helm's HELM_KUBE* overrides, rendered manifests, and the
// answers of an API server. Connections go to a closed local port for real.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ExitCode, FileSystemError, GoserviceError, NotFoundError, OperationError, UsageError, ValidationError } from '../../src/errors';
import { renderedManifest } from '../../src/helm/client';
import { KubeClient } from '../../src/kube/client';
import { kubeconfigFiles, resolveKubeconfig } from '../../src/kube/config';
import { connectionError, missingNamespace, refusalMessage, warningTexts } from '../../src/kube/errors';
import { manifestObjects, objectRef } from '../../src/kube/manifest';

const SECRET = 'hunter2-token-value';
const dir = () => mkdtempSync(join(tmpdir(), 'kubecfg-'));

function kubeconfig(d: string, name: string, o: { current?: string; clusters?: object[]; users?: object[]; contexts?: object[] }): string {
  const file = join(d, name);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': o.current, clusters: o.clusters ?? [], users: o.users ?? [], contexts: o.contexts ?? [] }));
  return file;
}
const cluster = (name: string, server: string, extra: object = {}) => ({ name, cluster: { server, ...extra } });
const user = (name: string, u: object) => ({ name, user: u });
const context = (name: string, c: string, u: string, namespace?: string) => ({ name, context: { cluster: c, user: u, namespace } });

function thrown(f: () => unknown): GoserviceError {
  try {
    f();
  } catch (e) {
    if (e instanceof GoserviceError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('kubeconfig like Helm (client-go)', () => {
  it('KUBECONFIG lists files: the first to name an entry or current-context wins; missing files are skipped', () => {
    const d = dir();
    const a = kubeconfig(d, 'a', { clusters: [cluster('c1', 'https://a.example:6443')], contexts: [context('dev', 'c1', 'u1', 'team-a')], users: [user('u1', { token: 'a' })] });
    const b = kubeconfig(d, 'b', {
      current: 'dev',
      clusters: [cluster('c1', 'https://b.example:6443'), cluster('c2', 'https://c2.example')],
      contexts: [context('dev', 'c2', 'u1'), context('prod', 'c2', 'u2')],
      users: [user('u2', { token: 'b' })],
    });
    const c = kubeconfig(d, 'c', { current: 'prod' });
    const env = { KUBECONFIG: [join(d, 'missing'), a, b, c].join(delimiter) };
    expect(kubeconfigFiles(env)).toEqual([a, b, c]);
    const r = resolveKubeconfig({ env });
    expect([r.context, r.server, r.namespace, r.user]).toEqual(['dev', 'https://a.example:6443', 'team-a', 'u1']);
    expect(r.source).toBe([a, b, c].join(delimiter)); // names files, never their contents
    // --kube-context / HELM_KUBECONTEXT, and -n over the context's namespace.
    const p = resolveKubeconfig({ env, kubeContext: 'prod', namespace: 'shop' });
    expect([p.context, p.server, p.namespace, p.user]).toEqual(['prod', 'https://c2.example', 'shop', 'u2']);
  });

  it('without KUBECONFIG reads ~/.kube/config, and resolves file paths against the file that names them', () => {
    const home = dir();
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'token'), `${SECRET}\n`);
    kubeconfig(join(home, '.kube'), 'config', {
      current: 'k',
      clusters: [cluster('c', 'https://k.example', { 'certificate-authority': 'ca.crt' })],
      users: [user('u', { 'token-file': 'token', 'client-key': 'keys/u.key' })],
      contexts: [context('k', 'c', 'u')],
    });
    const r = resolveKubeconfig({ env: { HOME: home } });
    expect(r.doc.clusters[0].cluster['certificate-authority']).toBe(join(home, '.kube', 'ca.crt'));
    expect(r.doc.users[0].user['client-key']).toBe(join(home, '.kube', 'keys/u.key'));
    expect(r.doc.users[0].user.token).toBe(SECRET); // read, trimmed, and then only sent
    expect(r.namespace).toBe('default');
  });

  it("Helm's overrides: HELM_KUBEAPISERVER, HELM_KUBETOKEN, HELM_KUBECAFILE, HELM_KUBEINSECURE_SKIP_TLS_VERIFY, HELM_KUBEASUSER/GROUPS", () => {
    const d = dir();
    const f = kubeconfig(d, 'k', {
      current: 'k',
      clusters: [cluster('c', 'https://k.example', { 'certificate-authority-data': 'QUJD' })],
      users: [user('u', { exec: { command: 'aws', args: ['eks', 'get-token'] }, 'client-certificate': '/u.crt' })],
      contexts: [context('k', 'c', 'u')],
    });
    const r = resolveKubeconfig({
      env: { KUBECONFIG: f, HELM_KUBEAPISERVER: 'https://other.example:443/', HELM_KUBETOKEN: SECRET, HELM_KUBECAFILE: '/ca.pem', HELM_KUBEASUSER: 'alice', HELM_KUBEASGROUPS: 'devs' },
    });
    expect(r.server).toBe('https://other.example:443');
    expect(r.doc.clusters[0].cluster).toMatchObject({ server: 'https://other.example:443/', 'certificate-authority': '/ca.pem' });
    expect(r.doc.clusters[0].cluster['certificate-authority-data']).toBeUndefined();
    expect(r.doc.users[0].user).toEqual({ token: SECRET, 'client-certificate': '/u.crt', as: 'alice' }); // the token replaces the exec plugin
    expect(r.impersonateGroups).toEqual(['devs']);
    const insecure = resolveKubeconfig({ env: { KUBECONFIG: f, HELM_KUBEINSECURE_SKIP_TLS_VERIFY: 'true' } });
    expect(insecure.doc.clusters[0].cluster).toEqual({ server: 'https://k.example', 'insecure-skip-tls-verify': true });
    // HELM_KUBEAPISERVER alone needs no kubeconfig at all.
    const bare = resolveKubeconfig({ env: { KUBECONFIG: join(d, 'none'), HELM_KUBEAPISERVER: 'http://127.0.0.1:8080', HELM_KUBETOKEN: 't' }, namespace: 'shop' });
    expect([bare.server, bare.namespace, bare.doc.users[0].user.token]).toEqual(['http://127.0.0.1:8080', 'shop', 't']);
  });

  it('refuses a context, cluster or server that is not there, naming what is', () => {
    const d = dir();
    const f = kubeconfig(d, 'k', { current: 'gone', clusters: [cluster('c', 'https://k.example')], contexts: [context('dev', 'c', 'u'), context('nocluster', 'x', 'u')] });
    const e1 = thrown(() => resolveKubeconfig({ env: { KUBECONFIG: f } }));
    expect(e1).toBeInstanceOf(NotFoundError);
    expect(e1.message).toBe(`the context "gone" is not in ${f}`);
    expect(e1.suggestion).toContain('use one of: "dev", "nocluster"');
    expect(thrown(() => resolveKubeconfig({ env: { KUBECONFIG: f }, kubeContext: 'nocluster' })).message).toBe(`context "nocluster" names cluster "x" is not in ${f}`);
    const none = thrown(() => resolveKubeconfig({ env: { KUBECONFIG: kubeconfig(d, 'empty', {}) } }));
    expect([none.exitCode, none.message]).toEqual([ExitCode.notFound, `no Kubernetes context to use: ${join(d, 'empty')} sets no current-context`]);
    const nothing = thrown(() => resolveKubeconfig({ env: { HOME: d } }));
    expect(nothing.message).toBe('no Kubernetes context to use: no kubeconfig file sets no current-context');
  });

  it('refuses servers that are not http(s) URLs, or carry credentials, without echoing them', () => {
    const d = dir();
    for (const server of ['ftp://k.example', 'k.example:6443', `https://admin:${SECRET}@k.example`]) {
      const f = kubeconfig(d, 'k', { current: 'k', clusters: [cluster('c', server)], contexts: [context('k', 'c', 'u')] });
      const e = thrown(() => resolveKubeconfig({ env: { KUBECONFIG: f } }));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toMatch(/^server of cluster "c": ".*" is not an http\(s\) URL without credentials$/);
      expect(e.message).not.toContain(SECRET);
    }
    const bool = thrown(() => resolveKubeconfig({ env: { HELM_KUBEAPISERVER: 'https://k', HELM_KUBEINSECURE_SKIP_TLS_VERIFY: 'yes' } }));
    expect(bool.message).toBe('HELM_KUBEINSECURE_SKIP_TLS_VERIFY: "yes" is not a boolean');
  });

  it('reads YAML 1.1 as client-go does: "yes" is true; a key given twice is refused, its value never shown', () => {
    const d = dir();
    const file = join(d, 'config');
    writeFileSync(file, 'current-context: dev\ncontexts:\n- name: dev\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster:\n    server: https://c.example\n    insecure-skip-tls-verify: yes\nusers:\n- name: u\n  user: {}\n');
    expect(resolveKubeconfig({ env: { KUBECONFIG: file } }).doc.clusters[0].cluster['insecure-skip-tls-verify']).toBe(true);
    writeFileSync(file, `current-context: dev\nusers:\n- name: u\n  user:\n    token: ${SECRET}\n    token: other\n`);
    const e = thrown(() => resolveKubeconfig({ env: { KUBECONFIG: file } }));
    expect(e.message).toMatch(new RegExp(`^KUBECONFIG: ${file} is not valid YAML`));
    expect(`${e.message}${e.suggestion}`).not.toContain(SECRET);
  });

  it('a kubeconfig that is not YAML, not a mapping, a device, a directory or huge: a clear error, no contents', () => {
    const d = dir();
    const bad = join(d, 'bad');
    writeFileSync(bad, `users:\n- name: u\n  user:\n    token: ${SECRET}\n  - : : [\n`);
    const e = thrown(() => resolveKubeconfig({ env: { KUBECONFIG: bad } }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(new RegExp(`^KUBECONFIG: ${bad} is not valid YAML \\(line \\d+\\)$`));
    expect(`${e.message}${e.suggestion}`).not.toContain(SECRET);
    writeFileSync(join(d, 'list'), '- a\n- b\n');
    expect(thrown(() => resolveKubeconfig({ env: { KUBECONFIG: join(d, 'list') } })).message).toBe(`KUBECONFIG: ${join(d, 'list')} is not a kubeconfig (not a mapping)`);
    writeFileSync(join(d, 'clusters'), 'clusters: {a: 1}\n');
    expect(thrown(() => resolveKubeconfig({ env: { KUBECONFIG: join(d, 'clusters') } })).message).toContain('clusters must be a list of entries with a name');
    expect(thrown(() => resolveKubeconfig({ env: { KUBECONFIG: '/dev/zero' } })).message).toBe('KUBECONFIG: /dev/zero is not a regular file (a device, FIFO or socket)');
    expect(thrown(() => resolveKubeconfig({ env: { KUBECONFIG: d } })).message).toBe(`KUBECONFIG: ${d} is a directory, not a file`);
    writeFileSync(join(d, 'huge'), Buffer.alloc(5 * 1024 * 1024, 0x20));
    expect(thrown(() => resolveKubeconfig({ env: { KUBECONFIG: join(d, 'huge') } })).message).toBe(`KUBECONFIG: ${join(d, 'huge')} is larger than 4 MiB`);
    // A billion-laughs document stops at the alias limit instead of growing.
    const lol = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 12; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    writeFileSync(join(d, 'lol'), lol.join('\n'));
    expect(thrown(() => resolveKubeconfig({ env: { KUBECONFIG: join(d, 'lol') } })).message).toMatch(/is not valid YAML/);
  });
});

describe('rendered manifests', () => {
  it('splits documents, skips empty ones, flattens Lists and names objects Kind/name', () => {
    const m = '---\n# Source: x\n\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: other}}\n';
    const objs = manifestObjects(m);
    expect(objs.map((o) => objectRef(o, 'shop'))).toEqual(['Service/a', 'ConfigMap/other/b']);
    expect(objectRef(objs[1], 'other')).toBe('ConfigMap/b');
  });

  it('refuses documents that are not objects, or lack apiVersion, kind or name', () => {
    const e = thrown(() => manifestObjects('- a\n---\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {}\n---\na: [\n'));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues).toEqual([
      { path: 'document 1', message: 'is not an object' },
      { path: 'document 2', message: 'has no apiVersion' },
      { path: 'document 3', message: 'has no metadata.name' },
      { path: 'document 4', message: 'not valid YAML (line 11)' }, // lines of the whole manifest
    ]);
  });

  it("Helm's release document: the manifest plus install/upgrade hooks, never test hooks", () => {
    const rel = {
      manifest: 'kind: A',
      hooks: [
        { manifest: 'kind: B', events: ['pre-install', 'pre-upgrade'] },
        { manifest: 'kind: T', events: ['test'] },
        { manifest: 'kind: D', events: ['post-delete'] },
      ],
    };
    expect(renderedManifest(rel)).toBe('kind: A\n---\nkind: B');
    expect(renderedManifest({})).toBe('');
  });
});

describe("the API server's answers", () => {
  const target = { server: 'https://k.example:6443', context: 'dev', user: 'alice', source: '/home/a/.kube/config' };
  const apiError = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code} Headers: {"authorization":"Bearer ${SECRET}"}`), { code, body });

  it('refusals keep the reason without the repeated "Kind "name" is invalid:" prefix', () => {
    const invalid = apiError(422, { kind: 'Status', code: 422, reason: 'Invalid', message: 'Service "a.b" is invalid: metadata.name: Invalid value: "a.b": a DNS-1035 label must consist of ...' });
    expect(connectionError(invalid, target)).toBeUndefined();
    expect(refusalMessage(invalid)).toBe('metadata.name: Invalid value: "a.b": a DNS-1035 label must consist of ...');
    const ns = apiError(404, { code: 404, reason: 'NotFound', message: 'namespaces "shop" not found', details: { name: 'shop', kind: 'namespaces' } });
    expect(missingNamespace(ns)).toBe('shop');
    expect(missingNamespace(apiError(404, { code: 404, details: { name: 'x', kind: 'deployments' } }))).toBeUndefined();
    // Admission that forbids the object (PodSecurity, quota) is a refusal, not a permission problem.
    expect(connectionError(apiError(403, { code: 403, message: 'pods "p" is forbidden: violates PodSecurity "restricted:latest"' }), target)).toBeUndefined();
  });

  it('credentials and rights are connection errors, with the user and context but never the token', () => {
    const e401 = connectionError(apiError(401, { code: 401, reason: 'Unauthorized', message: 'Unauthorized' }), target)!;
    expect(e401).toBeInstanceOf(OperationError);
    expect(e401.message).toBe('the Kubernetes API server https://k.example:6443 (context "dev", /home/a/.kube/config) refused the credentials of user "alice" (401 Unauthorized)');
    const rbac = connectionError(apiError(403, { code: 403, message: 'deployments.apps "x" is forbidden: User "alice" cannot patch resource "deployments" in API group "apps" in the namespace "shop"' }), target)!;
    expect(rbac.message).toContain('user "alice" may not do this');
    for (const e of [e401, rbac]) expect(`${e.message}${(e as GoserviceError).suggestion}`).not.toContain(SECRET);
  });

  it('network and TLS failures say which server, context and kubeconfig', () => {
    const refused = Object.assign(new Error('request to https://k.example:6443/apis/apps/v1 failed, reason: connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect(connectionError(refused, target)!.message).toBe('cannot reach the Kubernetes API server https://k.example:6443 (context "dev", /home/a/.kube/config): connect ECONNREFUSED 127.0.0.1:6443');
    const tls = Object.assign(new Error('request to https://k failed, reason: self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(connectionError(tls, target)!.message).toMatch(/: TLS: self-signed certificate$/);
    const slow = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    expect(connectionError(slow, target)!.message).toMatch(/did not answer in time$/);
  });

  it('reads every Warning header text, quotes and commas included', () => {
    expect(warningTexts('299 - "would violate PodSecurity \\"restricted:latest\\": a, b", 299 - "policy/v1beta1 is deprecated"')).toEqual([
      'would violate PodSecurity "restricted:latest": a, b',
      'policy/v1beta1 is deprecated',
    ]);
    expect(warningTexts(undefined)).toEqual([]);
  });
});

describe('KubeClient against a server that is not there (needs npm run build: dist/k8s.js)', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };

  it('a closed port: exit 6, the server, context and file named, the token not', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const d = dir();
    const f = kubeconfig(d, 'k', { current: 'k', clusters: [cluster('c', `https://127.0.0.1:${port}`)], users: [user('u', { token: SECRET })], contexts: [context('k', 'c', 'u')] });
    const kube = await KubeClient.connect({ env: { KUBECONFIG: f }, namespace: 'shop' });
    const err = await kube.dryRunApply([obj]).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.exitCode).toBe(ExitCode.failed);
    expect(err.message).toBe(`cannot reach the Kubernetes API server https://127.0.0.1:${port} (context "k", ${f}): connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(err.suggestion).toContain('kubectl cluster-info');
    expect(`${err.message}${err.suggestion}`).not.toContain(SECRET);
    // Names that would change the URL are refused without a request (the port is closed: no connection error).
    const odd = await kube.dryRunApply([
      ...['..', 'a/b', '%2e'].map((name) => ({ ...obj, metadata: { name } })),
      { ...obj, metadata: { name: 'x', namespace: '.' } },
    ]);
    expect(odd.map((o) => o.refusal)).toEqual([
      `metadata.name: Invalid value: "..": may not be '..'`,
      `metadata.name: Invalid value: "a/b": may not contain '/'`,
      `metadata.name: Invalid value: "%2e": may not contain '%'`,
      `metadata.namespace: Invalid value: ".": may not be '.'`,
    ]);
  });

  it('a server that accepts and never answers: a timeout, not a hang', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    try {
      const kube = await KubeClient.connect({ env: { HELM_KUBEAPISERVER: `https://127.0.0.1:${port}` } }, { requestTimeoutMs: 300 });
      const t0 = Date.now();
      const err = await kube.dryRunApply([obj]).catch((e) => e);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(err).toBeInstanceOf(OperationError);
      expect(err.message).toBe(`the Kubernetes API server https://127.0.0.1:${port} (context "helm-kube-apiserver", no kubeconfig file) did not answer in time`);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('a credential plugin that fails: its first line, no more', async () => {
    const d = dir();
    const plugin = join(d, 'cred.sh');
    writeFileSync(plugin, `#!/bin/sh\necho "error: you must be logged in" >&2\necho "${SECRET}" >&2\nexit 1\n`, { mode: 0o755 });
    const f = kubeconfig(d, 'k', {
      current: 'k',
      clusters: [cluster('c', 'https://127.0.0.1:1')],
      users: [user('u', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './cred.sh' } })],
      contexts: [context('k', 'c', 'u')],
    });
    const err = await KubeClient.connect({ env: { KUBECONFIG: f } }).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.message).toBe(`cannot get the credentials of user "u" (context "k", ${f}): error: you must be logged in`);
  });

  it('more than one impersonated group is refused before connecting', async () => {
    const err = await KubeClient.connect({ env: { HELM_KUBEAPISERVER: 'https://127.0.0.1:1', HELM_KUBEASGROUPS: 'a,b' } }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^HELM_KUBEASGROUPS: impersonating 2 groups/);
  });

  it('a missing client key named by the kubeconfig: the path and exit 5', async () => {
    const d = dir();
    const f = kubeconfig(d, 'k', { current: 'k', clusters: [cluster('c', 'https://127.0.0.1:1')], users: [user('u', { 'client-certificate': 'u.crt', 'client-key': 'u.key' })], contexts: [context('k', 'c', 'u')] });
    const err = await KubeClient.connect({ env: { KUBECONFIG: f } }).catch((e) => e);
    expect(err).toBeInstanceOf(FileSystemError);
    expect(err.exitCode).toBe(ExitCode.notFound);
    expect(err.message).toBe(`${join(d, 'u.crt')}: cannot read it (named by the kubeconfig): does not exist (ENOENT)`);
  });
});
