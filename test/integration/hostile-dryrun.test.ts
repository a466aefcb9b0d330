// `upgrade --dry-run` asks the API server, for real: every object Helm renders is
// sent as a server-side apply with dryRun=All to the local control plane, on
// Helm 3 and Helm 4. Values the schema accepts but the API server refuses fail
// with exit 3 naming the object and the server's reason; nothing is stored.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ExitCode, OperationError, ValidationError } from '../../src/errors';
import { renderedManifest } from '../../src/helm/client';
import { KubeClient } from '../../src/kube/client';
import { serverDryRun } from '../../src/release/server-dry-run';
import { fixtureCopy, runCli } from '../support/cli';
import { clusterNamespaces, kubeconfigPath, kubectl } from '../support/cluster';
import { HELMS, HelmTool } from '../support/tools';

jest.setTimeout(180_000);

const namespaces = clusterNamespaces();
let project: string;

beforeAll(() => {
  project = fixtureCopy('hello');
  const created = runCli(['create', 'hello'], { cwd: project });
  expect(created.code).toBe(0);
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

/** A fresh namespace name (created unless `create` is false). */
function namespace(tag: string, labels: Record<string, string> = {}, create = true): string {
  const ns = `dry-${tag}-${Math.random().toString(36).slice(2, 7)}`;
  namespaces.push(ns);
  if (create) expect(kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } }) }).code).toBe(0);
  return ns;
}

/** Everything a release could have left in a namespace: its objects and Helm's release secrets. */
function stored(ns: string): string {
  const r = kubectl(['get', 'deployments,services,serviceaccounts,hpa,pdb,configmaps,secrets', '-n', ns, '-o', 'name']);
  expect(r.code).toBe(0);
  // The API server adds its own ServiceAccount "default" and ConfigMap "kube-root-ca.crt".
  return r.stdout.split('\n').filter((l) => l && l !== 'serviceaccount/default' && l !== 'configmap/kube-root-ca.crt').join('\n');
}

const nsExists = (ns: string) => kubectl(['get', 'namespace', ns, '-o', 'name']).code === 0;

describe.each(HELMS.map((h) => [h.name, h] as const))('%s: upgrade --dry-run validates on the API server', (_, helm: HelmTool) => {
  const env = (ns: string) => ({ KUBECONFIG: kubeconfigPath, HELM_BIN: helm.bin, HELM_NAMESPACE: ns });
  const gs = (ns: string, args: string[]) => runCli(args, { cwd: project, env: env(ns) });
  /** Helm itself, as a user would run it. */
  const helmRun = (ns: string, args: string[]) => spawnSync(helm.bin, [...args, '-n', ns], { cwd: project, env: { ...process.env, KUBECONFIG: kubeconfigPath }, encoding: 'utf8' });
  const kube = (ns: string) => ({ env: { KUBECONFIG: kubeconfigPath }, namespace: ns });

  it('a valid dry run passes, with no warning, and stores nothing', () => {
    const ns = namespace(`ok${helm.major}`);
    const r = gs(ns, ['upgrade', 'hello', '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[dry run\] release hello in dry-ok/);
    expect(stored(ns)).toBe('');
  });

  it('a dry run over a live release passes and changes nothing', () => {
    const ns = namespace(`live${helm.major}`);
    expect(gs(ns, ['upgrade', 'hello', '--timeout', '90s']).code).toBe(0);
    // What a write would change (controllers keep updating the Deployment's status, so not its resourceVersion).
    const state = () => {
      const items = JSON.parse(kubectl(['get', 'deployment,service,secrets', '-n', ns, '-o', 'json']).stdout).items as any[];
      return items.map((i) => ({
        ref: `${i.kind}/${i.metadata.name}`,
        generation: i.metadata.generation,
        version: i.kind === 'Deployment' ? undefined : i.metadata.resourceVersion,
        managers: (i.metadata.managedFields ?? []).map((f: any) => f.manager).sort(),
        replicas: i.spec?.replicas,
      }));
    };
    const before = state();
    expect(before.map((x) => x.ref)).toEqual(expect.arrayContaining(['Deployment/hello', 'Service/hello', 'Secret/sh.helm.release.v1.hello.v1']));
    const r = gs(ns, ['upgrade', 'hello', '--dry-run', '--set', 'replicaCount=2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(state()).toEqual(before); // no new revision, no field written by "goservice", still 1 replica
  });

  it('an annotation key the schema accepts but the API server refuses: exit 3, the object and the reason; nothing stored', () => {
    const ns = namespace(`annot${helm.major}`);
    // Helm's own dry run lets it through: it renders, and never sends the objects.
    const plain = helmRun(ns, ['upgrade', 'hello', 'charts/hello', '--install', '--dry-run=server', '--set', 'podAnnotations.bad key!=x']);
    expect(plain.status).toBe(0);
    const r = gs(ns, ['upgrade', 'hello', '--dry-run', '--set', 'podAnnotations.bad key!=x']);
    expect(r.code).toBe(ExitCode.validation);
    expect(r.stderr).toContain('Error: invalid objects (refused by the Kubernetes API server in a server-side dry run; nothing was stored):');
    expect(r.stderr).toMatch(/^ {2}- Deployment\/hello: spec\.template\.(metadata\.)?annotations: Invalid value: "bad key!": name part must consist of alphanumeric characters/m);
    expect(r.stderr).toMatch(/^Fix: fix the values, release name or namespace that produce these objects/m);
    expect(r.stdout).toBe('');
    expect(stored(ns)).toBe('');
  });

  it('a dotted release name passes Helm\'s dry run and is refused by the API server\'s (Service names are DNS-1035 labels)', async () => {
    const ns = namespace(`dot${helm.major}`);
    const h = helmRun(ns, ['upgrade', 'a.b', 'charts/hello', '--install', '--dry-run=server', '--output', 'json']);
    expect(h.status).toBe(0);
    const err = await serverDryRun(kube(ns), renderedManifest(JSON.parse(h.stdout))).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([{ path: 'Service/a.b-hello', message: expect.stringMatching(/^metadata\.name: Invalid value: "a\.b-hello": (must not contain dots|a DNS-1035 label)/) }]);
    expect(stored(ns)).toBe('');
  });

  it('PodSecurity warnings of the namespace reach the user; the dry run still passes', () => {
    const ns = namespace(`psa${helm.major}`, { 'pod-security.kubernetes.io/warn': 'restricted' });
    const r = gs(ns, ['upgrade', 'hello', '--dry-run', '--set', 'securityContext.allowPrivilegeEscalation=true']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Warning: Deployment\/hello: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/m);
    expect(stored(ns)).toBe('');
  });

  it('a new namespace with --create-namespace: the Namespace is checked, the objects in it named as unchecked, nothing created', () => {
    const ns = namespace(`new${helm.major}`, {}, false);
    const r = gs(ns, ['upgrade', 'hello', '--dry-run', '--create-namespace']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^Warning: namespace "${ns}" does not exist yet \\(the real run creates it; a dry run creates nothing\\), so the API server could not check \\d+ object\\(s\\): .*Deployment/hello`, 'm'));
    expect(nsExists(ns)).toBe(false);
    // Without --create-namespace the real run would fail: so does the dry run.
    const no = gs(ns, ['upgrade', 'hello', '--dry-run']);
    expect(no.code).toBe(ExitCode.notFound);
    expect(no.stderr).toContain(`namespace "${ns}" does not exist`);
    expect(no.stderr).toContain('--create-namespace');
    expect(nsExists(ns)).toBe(false);
  });

  it('a namespace name the API server refuses, with --create-namespace: exit 3 naming the Namespace; nothing created', () => {
    const r = gs('Bad_NS', ['upgrade', 'hello', '--dry-run', '--create-namespace']);
    expect(r.code).toBe(ExitCode.validation);
    expect(r.stderr).toMatch(/^ {2}- Namespace\/Bad_NS: metadata\.name: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of/m);
    expect(nsExists('bad-ns') || nsExists('Bad_NS')).toBe(false);
  });
});

describe('the Kubernetes client against the real API server', () => {
  const cfg = parse(readFileSync(kubeconfigPath, 'utf8'));
  const server: string = cfg.clusters[0].cluster.server;
  const ca = Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'] ?? '', 'base64');
  const kube0 = () => ({ env: { KUBECONFIG: kubeconfigPath }, namespace: 'default' });
  const configMap = (name: string, extra: object = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { a: 'b' } });
  /** A kubeconfig for the cluster with the given user (and the cluster's CA unless told otherwise). */
  function kubeconfigWith(user: object, withCa = true): string {
    const dir = mkdtempSync(join(tmpdir(), 'gs-kc-'));
    writeFileSync(join(dir, 'ca.crt'), ca);
    const file = join(dir, 'config');
    const clusterEntry = { server, ...(withCa ? { 'certificate-authority': 'ca.crt' } : {}) };
    writeFileSync(file, JSON.stringify({ 'current-context': 'x', clusters: [{ name: 'c', cluster: clusterEntry }], users: [{ name: 'u', user }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }] }));
    return file;
  }

  it('dryRunApply: one outcome per object, in order; unknown fields and kinds refused; nothing stored', async () => {
    const ns = namespace('objects');
    const client = await KubeClient.connect({ env: { KUBECONFIG: kubeconfigPath }, namespace: ns });
    const out = await client.dryRunApply([
      configMap('ok'),
      configMap('Bad_Name'),
      { ...configMap('typo'), dta: { a: 'b' } }, // a field the typed models would silently drop
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'apps/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'not_a_namespace' } },
    ]);
    expect(out.map((o) => [o.ref, o.accepted, o.namespace])).toEqual([
      ['ConfigMap/ok', true, ns],
      ['ConfigMap/Bad_Name', false, ns],
      ['ConfigMap/typo', false, ns],
      ['Widget/w', false, undefined],
      ['Widget/w', false, undefined],
      ['Namespace/not_a_namespace', false, undefined],
    ]);
    expect(out[1].refusal).toMatch(/^metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(out[2].refusal).toMatch(/dta/);
    expect(out[3].refusal).toBe('the API server does not serve example.com/v1 Widget (an API version it no longer serves, or a custom resource whose CRD is not installed)');
    expect(out[4].refusal).toBe('the API server does not serve apps/v1 Widget (an API version it no longer serves, or a custom resource whose CRD is not installed)');
    expect(out[5].refusal).toMatch(/^metadata\.name: Invalid value: "not_a_namespace"/);
    expect(kubectl(['get', 'configmap', 'ok', '-n', ns]).code).not.toBe(0);
    // Names keep their case on the way (the client lower-cases the URL path): valid upper case passes.
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'GoService:Reader' }, rules: [] };
    const [accepted, ...more] = await client.dryRunApply([role]);
    expect(more).toEqual([]);
    expect(accepted).toMatchObject({ ref: 'ClusterRole/GoService:Reader', kind: 'ClusterRole', name: 'GoService:Reader', accepted: true, warnings: [] });
    expect(accepted.namespace).toBeUndefined();
    // What the API server would store, as it sent it back (the input diff compares).
    expect(accepted.applied).toMatchObject({ kind: 'ClusterRole', metadata: { name: 'GoService:Reader' } });
    expect(kubectl(['get', 'clusterrole', 'GoService:Reader']).code).not.toBe(0);
  });

  it('a Namespace in the manifest counts as created; a namespace nothing creates is refused (exit 5)', async () => {
    const own = namespace('own', {}, false);
    const manifest = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: own } }, configMap('in-own', { namespace: own })].map((x) => JSON.stringify(x)).join('\n---\n');
    expect(await serverDryRun(kube0(), manifest)).toEqual([
      `Warning: namespace "${own}" does not exist yet (the real run creates it; a dry run creates nothing), so the API server could not check 1 object(s): ConfigMap/${own}/in-own`,
    ]);
    const err = await serverDryRun(kube0(), JSON.stringify(configMap('x', { namespace: own }))).catch((e) => e);
    expect(err.exitCode).toBe(ExitCode.notFound);
    expect(err.message).toBe(`namespace "${own}" does not exist, so the release's objects cannot be created there`);
    expect(err.suggestion).toBe('create the namespaces the chart names, or change the chart');
    expect(nsExists(own)).toBe(false);
  });

  it('a token the API server does not know: 401 named, the token never shown', async () => {
    const token = 'bogus-token-0123456789abcdef';
    const err = await serverDryRun({ env: { KUBECONFIG: kubeconfigWith({ token }) }, namespace: 'default' }, JSON.stringify(configMap('x'))).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.exitCode).toBe(ExitCode.failed);
    expect(err.message).toMatch(/^the Kubernetes API server https:\/\/127\.0\.0\.1:\d+ \(context "x", .*config\) refused the credentials of user "u" \(401 Unauthorized\)$/);
    expect(`${err.message}${err.suggestion}`).not.toContain(token);
  });

  it('HELM_KUBETOKEN replaces the kubeconfig\'s credentials, HELM_KUBEASUSER impersonates: RBAC refusals name the user', async () => {
    const token = 'another-bogus-token-42';
    const viaEnv = await serverDryRun({ env: { KUBECONFIG: kubeconfigWith({}), HELM_KUBETOKEN: token }, namespace: 'default' }, JSON.stringify(configMap('x'))).catch((e) => e);
    expect(viaEnv.message).toContain('(401 Unauthorized)');
    expect(viaEnv.message).not.toContain(token);
    const asNobody = await serverDryRun({ env: { KUBECONFIG: kubeconfigPath, HELM_KUBEASUSER: 'nobody' }, namespace: 'default' }, JSON.stringify(configMap('x'))).catch((e) => e);
    expect(asNobody).toBeInstanceOf(OperationError);
    expect(asNobody.message).toMatch(/: user "\S+ as nobody" may not do this: .*User "nobody" cannot (get|list|patch) resource/);
  });

  it('a server whose certificate the kubeconfig does not trust: a TLS error, not a hang', async () => {
    const err = await serverDryRun({ env: { KUBECONFIG: kubeconfigWith({ token: 'x' }, false) }, namespace: 'default' }, JSON.stringify(configMap('x'))).catch((e) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect(err.message).toMatch(/^cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+ .*: TLS: /);
    expect(err.suggestion).toContain('certificate authority');
  });
});
