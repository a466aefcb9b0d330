// NODE_EXTRA_CA_CERTS through the plugin's command, bin/goservice, which keeps it
// from Node's start (src/tls/trust.ts): the registry client and the Kubernetes
// client still trust its certificates when they connect, as Node would have.
// Each case has its control: without the variable the same run is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { fixtureCopy, runCli } from '../support/cli';
import { clusterNamespaces, kubeconfigPath, kubectl, localRegistry } from '../support/cluster';
import { HELMS, HelmTool, repoRoot } from '../support/tools';

jest.setTimeout(120_000);

const namespaces = clusterNamespaces();
const work = mkdtempSync(join(tmpdir(), 'goservice-extra-ca-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** bin/goservice as Helm runs it, with `env` on top of a clean one (no NODE_EXTRA_CA_CERTS unless given). */
function goservice(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const base = { ...process.env };
  delete base.NODE_EXTRA_CA_CERTS;
  const r = spawnSync(join(repoRoot, 'bin/goservice'), args, { cwd, env: { ...base, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each(HELMS.map((h) => [h.name, h] as const))('%s', (_, helm: HelmTool) => {
  it('the registry is trusted with its CA in NODE_EXTRA_CA_CERTS alone', () => {
    const reg = localRegistry();
    const home = mkdtempSync(join(work, `registry-${helm.name}-`));
    const env = { HELM_BIN: helm.bin, HELM_REGISTRY_CONFIG: join(home, 'registry.json'), HELM_CONFIG_HOME: home, HELM_CACHE_HOME: home, HELM_DATA_HOME: home };
    const login = spawnSync(helm.bin, ['registry', 'login', reg.host, '-u', reg.user, '--password-stdin', '--ca-file', reg.caFile], { env: { ...process.env, ...env }, input: reg.password, encoding: 'utf8' });
    expect(login.status).toBe(0);
    const ref = `oci://${reg.host}/extra-ca-${helm.major}/charts/nothing`;

    const trusted = goservice(['versions', ref], { ...env, NODE_EXTRA_CA_CERTS: reg.caFile }, home);
    expect(trusted.code).toBe(0); // the registry answered: nothing published there
    expect(trusted.stderr).toBe('');
    expect(trusted.stdout).toBe(`no published versions of ${ref}\n`);

    const refused = goservice(['versions', ref], env, home);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`the certificate of ${reg.host} is not trusted`);
  });

  it('the API server is trusted with its CA in NODE_EXTRA_CA_CERTS when the kubeconfig names none', () => {
    // The kubeconfig without its CA; Helm (Go) takes the CA from SSL_CERT_FILE.
    const config = parse(readFileSync(kubeconfigPath, 'utf8'));
    const cluster = config.clusters[0].cluster;
    const caFile = join(work, `api-ca-${helm.name}.pem`);
    writeFileSync(caFile, Buffer.from(cluster['certificate-authority-data'], 'base64'));
    delete cluster['certificate-authority-data'];
    const kubeconfig = join(work, `kubeconfig-${helm.name}`);
    writeFileSync(kubeconfig, stringify(config), { mode: 0o600 });

    const ns = `gs${helm.major}-extra-ca-${Math.random().toString(36).slice(2, 7)}`;
    namespaces.push(ns);
    expect(kubectl(['create', 'namespace', ns]).code).toBe(0);
    const project = fixtureCopy('hello');
    expect(runCli(['create', 'hello'], { cwd: project }).code).toBe(0);
    const env = { KUBECONFIG: kubeconfig, SSL_CERT_FILE: caFile, HELM_BIN: helm.bin, HELM_NAMESPACE: ns };

    const trusted = goservice(['diff', 'hello'], { ...env, NODE_EXTRA_CA_CERTS: caFile }, project);
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/^0 changed, \d+ added, 0 removed/m); // the server's dry run answered: not installed, all added

    const refused = goservice(['diff', 'hello'], env, project);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/certificate/i);
    rmSync(project, { recursive: true, force: true });
  });
});
