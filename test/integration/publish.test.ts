// publish -> upgrade by reference -> rollback by chart version, with real Helm 3
// and Helm 4, the local OCI registry (TLS from the local CA, htpasswd), real
// buildah builds and the local control plane. The registry is read with its
// own HTTP API to check what publish left there.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { builderGoVersion, detectModule } from '../../src/gomod/detect';
import { runBackground, until } from '../support/async';
import { builderEnv, ensureBaseImages } from '../support/buildah';
import { fixtureCopy, RUN, runCli, snapshot } from '../support/cli';
import { clusterNamespaces, kubeconfigPath, kubectl, localRegistry, LocalRegistry } from '../support/cluster';
import { blobUploadsSince, manifestDigest, registryLogMark, tagList } from '../support/registry-http';
import { HELMS, HelmTool, repoRoot } from '../support/tools';

jest.setTimeout(300_000);

const namespaces = clusterNamespaces();
let reg: LocalRegistry;
let buildEnv: NodeJS.ProcessEnv;
beforeAll(() => {
  reg = localRegistry();
  buildEnv = builderEnv();
  ensureBaseImages(builderGoVersion(detectModule(join(repoRoot, 'test/fixtures/withdeps'))));
}, 20 * 60_000);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe.each(HELMS.map((h) => [h.name, h] as const))('%s', (_, helm: HelmTool) => {
  const home = mkdtempSync(join(tmpdir(), `gs-publish-${helm.name}-`));
  const team = `team${helm.major}-${Math.random().toString(36).slice(2, 7)}`; // the registry namespace of this run
  const helmEnv = {
    KUBECONFIG: kubeconfigPath,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_REGISTRY_CONFIG: join(home, 'config', 'registry', 'config.json'),
    HELM_BIN: helm.bin,
  };
  let project: string;
  let env: NodeJS.ProcessEnv;
  const registry = () => `oci://${reg.host}/${team}`;
  const chartRef = () => `${registry()}/charts/withdeps`;
  const gs = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: project, env: { ...env, ...extra } });
  const json = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = gs([...args, '--json'], extra);
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const helmRun = (args: string[], input?: string) => spawnSync(helm.bin, args, { env: { ...process.env, ...helmEnv }, encoding: 'utf8', input });
  const chartVersion = () => String(parse(readFileSync(join(project, 'charts/withdeps/Chart.yaml'), 'utf8')).version);
  const published: { version: string; digest: string; appVersion: string }[] = [];

  beforeAll(() => {
    env = { ...buildEnv, ...helmEnv };
    const login = helmRun(['registry', 'login', reg.host, '-u', reg.user, '--password-stdin', '--ca-file', reg.caFile], reg.password);
    expect(login.status).toBe(0);
    project = fixtureCopy('withdeps');
    expect(runCli(['create', 'withdeps'], { cwd: project }).code).toBe(0);
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  it('1. publish --bump patch: image and chart version in the registry, the chart pins the image digest', async () => {
    const before = chartVersion();
    const r = json(['publish', '--registry', registry(), '--bump', 'patch', '--ca-file', reg.caFile]);
    const version = chartVersion();
    expect(version).not.toBe(before);
    expect(r.bumped).toEqual({ from: before, to: version });
    expect(r.chart).toMatchObject({ name: 'withdeps', version, repository: chartRef(), reference: `${reg.host}/${team}/charts/withdeps:${version}` });
    expect(r.image).toMatchObject({ repository: `${reg.host}/${team}/withdeps`, tag: '0.1.0', built: true });

    const imageDigest = await manifestDigest(reg, `${team}/withdeps`, '0.1.0');
    expect(imageDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(r.image.digest).toBe(imageDigest);
    expect(await tagList(reg, `${team}/charts/withdeps`)).toEqual([version]);
    expect(await manifestDigest(reg, `${team}/charts/withdeps`, version)).toBe(r.chart.digest);

    const show = helmRun(['show', 'chart', chartRef(), '--version', version, '--ca-file', reg.caFile]);
    expect(show.status).toBe(0);
    expect(parse(show.stdout)).toMatchObject({ name: 'withdeps', version, appVersion: '0.1.0' });
    const values = parse(helmRun(['show', 'values', chartRef(), '--version', version, '--ca-file', reg.caFile]).stdout);
    expect(values.image).toMatchObject({ repository: `${reg.host}/${team}/withdeps`, tag: '0.1.0', digest: imageDigest });
    published.push({ version, digest: imageDigest!, appVersion: '0.1.0' });
  });

  it('2. upgrade from the OCI reference runs that digest; the next version upgrades; rollback --to-chart-version goes back', async () => {
    const ns = `gsp${helm.major}-${Math.random().toString(36).slice(2, 7)}`;
    namespaces.push(ns);
    expect(kubectl(['create', 'namespace', ns]).code).toBe(0);
    const image = () => JSON.parse(kubectl(['get', 'deployment', 'withdeps', '-n', ns, '-o', 'json']).stdout).spec.template.spec.containers[0].image;
    const [first] = published;

    const u1 = json(['upgrade', 'withdeps', chartRef(), '--version', first.version, '--ca-file', reg.caFile, '--timeout', '90s'], { HELM_NAMESPACE: ns });
    expect(u1).toMatchObject({ revision: 1, status: 'deployed', chart: 'withdeps', chartVersion: first.version });
    expect(image()).toBe(`${reg.host}/${team}/withdeps@${first.digest}`);

    // the next version, with a new app version (a new image tag)
    const p2 = json(['publish', '--registry', registry(), '--bump', 'patch', '--app-version', '0.2.0', '--ca-file', reg.caFile]);
    const second = { version: p2.chart.version, digest: p2.image.digest, appVersion: '0.2.0' };
    expect(second.digest).toBe(await manifestDigest(reg, `${team}/withdeps`, '0.2.0'));
    published.push(second);
    const versions = json(['versions', chartRef(), '--ca-file', reg.caFile]);
    expect(versions.versions).toEqual([second.version, first.version]);
    expect(gs(['versions', chartRef(), '--ca-file', reg.caFile]).stdout).toBe(`${second.version}\n${first.version}\n`);

    const u2 = json(['upgrade', 'withdeps', chartRef(), '--version', second.version, '--ca-file', reg.caFile, '--timeout', '90s'], { HELM_NAMESPACE: ns });
    expect(u2).toMatchObject({ revision: 2, status: 'deployed', chartVersion: second.version, appVersion: '0.2.0' });
    expect(image()).toBe(`${reg.host}/${team}/withdeps@${second.digest}`);

    const rb = json(['rollback', 'withdeps', '--to-chart-version', first.version, '--timeout', '90s'], { HELM_NAMESPACE: ns });
    expect(rb).toMatchObject({ from: { revision: 2, chartVersion: second.version }, to: { revision: 1, chartVersion: first.version }, revision: 3, status: 'deployed' });
    expect(image()).toBe(`${reg.host}/${team}/withdeps@${first.digest}`);
    const h = json(['history', 'withdeps'], { HELM_NAMESPACE: ns });
    expect(h.revisions.map((x: any) => [x.revision, x.chartVersion, x.status])).toEqual([
      [1, first.version, 'superseded'],
      [2, second.version, 'superseded'],
      [3, first.version, 'deployed'],
    ]);
  });

  it('3. republishing a published version is refused before any build; its manifest is unchanged', async () => {
    const [first] = published;
    const digest = await manifestDigest(reg, `${team}/charts/withdeps`, first.version);
    const before = snapshot(project);
    const mark = registryLogMark();
    const r = gs(['publish', '--registry', registry(), '--version', first.version, '--ca-file', reg.caFile]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`chart withdeps version ${first.version} is already published`);
    expect(r.stderr).toContain('nothing was pushed; the working copy is unchanged');
    expect(r.stderr).toContain('Fix: publish a new version: --bump patch');
    expect(r.stderr).not.toContain('STEP'); // nothing was built
    expect(await manifestDigest(reg, `${team}/charts/withdeps`, first.version)).toBe(digest);
    expect(blobUploadsSince(mark, `${team}/withdeps`) + blobUploadsSince(mark, `${team}/charts/withdeps`)).toBe(0);
    expect(snapshot(project)).toEqual(before);
  });

  describe('4. a failing step: clear error, non-zero exit, the working copy byte-identical, no new chart version', () => {
    const cases: [string, () => Promise<{ args: string[]; env?: NodeJS.ProcessEnv; code: number; says: string[]; setup?: () => void; undo?: () => void }>][] = [
      ['wrong password', async () => {
        const cfg = join(home, 'wrong.json');
        writeFileSync(cfg, JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${reg.user}:not-the-password`).toString('base64') } } }));
        return { args: ['--registry', registry(), '--bump', 'patch', '--ca-file', reg.caFile], env: { HELM_REGISTRY_CONFIG: cfg }, code: 6, says: ['publish failed at the registry check step', 'refused the login (401 Unauthorized)', 'Fix: log in with: helm registry login'] };
      }],
      ['registry down', async () => {
        const port = await closedPort();
        return { args: ['--registry', `oci://127.0.0.1:${port}/${team}`, '--bump', 'patch', '--ca-file', reg.caFile], code: 6, says: [`registry 127.0.0.1:${port} is unreachable (connection refused)`, 'nothing was pushed'] };
      }],
      ['unknown CA', async () => ({ args: ['--registry', registry(), '--bump', 'patch'], code: 6, says: [`the certificate of ${reg.host} is not trusted`, 'Fix: trust the registry\'s certificate authority with --ca-file FILE'] })],
      ['a build that fails', async () => {
        const file = join(project, 'cmd/withdeps/main.go');
        const text = readFileSync(file, 'utf8');
        return {
          args: ['--registry', registry(), '--bump', 'patch', '--ca-file', reg.caFile],
          code: 6,
          says: ['publish failed at the image build step', 'nothing was pushed; the working copy is unchanged'],
          setup: () => writeFileSync(file, `${text}\nfunc broken( {\n`),
          undo: () => writeFileSync(file, text),
        };
      }],
    ];
    it.each(cases)('%s', async (_, make) => {
      const c = await make();
      c.setup?.();
      try {
        const before = snapshot(project);
        const tags = await tagList(reg, `${team}/charts/withdeps`);
        const r = gs(['publish', ...c.args], c.env);
        expect(r.code).toBe(c.code);
        for (const s of c.says) expect(r.stderr).toContain(s);
        expect(r.stderr + r.stdout).not.toContain(reg.password);
        expect(snapshot(project)).toEqual(before);
        expect(await tagList(reg, `${team}/charts/withdeps`)).toEqual(tags);
      } finally {
        c.undo?.();
      }
    });
  });

  it('5. values invalid against the schema inside the pulled chart version are refused before the cluster', async () => {
    const [first] = published;
    const ns = `gsp${helm.major}-none-${Math.random().toString(36).slice(2, 7)}`; // never created: touching the cluster would fail differently
    const bad = gs(['upgrade', 'withdeps', chartRef(), '--version', first.version, '--ca-file', reg.caFile, '--set', 'replicaCount=-1'], { HELM_NAMESPACE: ns });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`invalid values for chart ${chartRef()}:${first.version}:`);
    expect(bad.stderr).toContain('replicaCount: must be >= 0 (got -1)');

    // A key the working copy's schema now allows, but that published version's schema does not.
    const local = join(project, 'charts/withdeps/values.schema.json');
    const schema = JSON.parse(readFileSync(local, 'utf8'));
    const copy = mkdtempSync(join(tmpdir(), 'gs-schema-'));
    cpSync(join(project, 'charts/withdeps'), join(copy, 'withdeps'), { recursive: true });
    schema.properties.canary = { type: 'boolean' };
    writeFileSync(join(copy, 'withdeps/values.schema.json'), JSON.stringify(schema));
    const dryLocal = gs(['upgrade', 'withdeps', join(copy, 'withdeps'), '--set', 'canary=true', '--dry-run'], { HELM_NAMESPACE: ns });
    expect(dryLocal.code).not.toBe(3); // the working copy's schema takes it (Helm then finds no namespace)
    expect(dryLocal.stderr).not.toContain('canary');
    const published1 = gs(['upgrade', 'withdeps', chartRef(), '--version', first.version, '--ca-file', reg.caFile, '--set', 'canary=true'], { HELM_NAMESPACE: ns });
    expect(published1.code).toBe(3);
    expect(published1.stderr).toContain('canary');
    expect(kubectl(['get', 'namespace', ns]).code).not.toBe(0);
    rmSync(copy, { recursive: true, force: true });
  });

  it('6. after a code-only change, only the changed layers are uploaded and the module download layer is reused', async () => {
    const doc = join(project, 'doc.go');
    writeFileSync(doc, readFileSync(doc, 'utf8').replace(/hello[^"]*/, `hello ${Math.random().toString(36).slice(2)}`));
    const mark = registryLogMark();
    const r = gs(['publish', '--registry', registry(), '--bump', 'patch', '--app-version', '0.3.0', '--ca-file', reg.caFile]);
    expect(r.code).toBe(0);
    const steps = r.stderr.split(/^(?=\[\d+\/\d+\] STEP )/m);
    const step = (s: string) => steps.find((x) => x.split('\n')[0].includes(s)) ?? '';
    expect(step('go mod download')).toMatch(/^--> Using cache /m);
    expect(step('COPY . .')).not.toMatch(/^--> Using cache /m);
    expect(r.stderr).not.toMatch(/go: downloading/);
    // the new binary layer and the image config; the base layers are already there
    expect(blobUploadsSince(mark, `${team}/withdeps`)).toBe(2);
  });

  it('7. SIGINT during the image build: exit 130, no builder left running, nothing pushed, the working copy unchanged', async () => {
    const doc = join(project, 'doc.go');
    writeFileSync(doc, readFileSync(doc, 'utf8').replace(/hello[^"]*/, `hello ${Math.random().toString(36).slice(2)}`));
    const before = snapshot(project);
    const tags = await tagList(reg, `${team}/withdeps`);
    const charts = await tagList(reg, `${team}/charts/withdeps`);
    const bg = runBackground(process.execPath, [RUN, 'publish', '--registry', registry(), '--bump', 'patch', '--app-version', '0.4.0', '--ca-file', reg.caFile], project, env);
    let stderr = '';
    bg.child.stderr!.on('data', (d) => (stderr += d));
    await until(() => /STEP \d+\/\d+: RUN .*go build/.test(stderr), 120_000, 'the go build step');
    bg.child.kill('SIGINT');
    const r = await bg.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('publish failed at the image build step: buildah was stopped: SIGINT was passed on to it');
    expect(r.stderr).toContain('nothing was pushed; the working copy is unchanged');
    const ref = `${reg.host}/${team}/withdeps:0.4.0`;
    const builders = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(ref);
      } catch {
        return false;
      }
    });
    expect(builders).toEqual([]);
    expect(snapshot(project)).toEqual(before);
    expect(await tagList(reg, `${team}/withdeps`)).toEqual(tags);
    expect(await tagList(reg, `${team}/charts/withdeps`)).toEqual(charts);
  });
});
