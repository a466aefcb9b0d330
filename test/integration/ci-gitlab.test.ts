import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { ensureBaseImages } from '../support/buildah';
import { sampleGoVersion } from '../support/ci-module';
import { clusterNamespaces, createNamespace, kubectl, localRegistry, LocalRegistry } from '../support/cluster';
import { gitlabRunner, PipelineRun, Runner, runPipeline } from '../support/gitlab-pipeline';
import { HELMS } from '../support/tools';

// The generated .gitlab-ci.yml, run for real by gitlab-ci-local (shell executor) in
// a throwaway repository of the withdeps sample, against the local registry and
// control plane: publish + staging upgrade; a code-only change that reuses the
// caches and takes at most half the time; a commit that breaks the rollout and is
// rolled back; the manual rollback job.
const RUN_MS = 30 * 60_000;

/** The digest the registry holds for repo:tag (HEAD of the manifest, with the local CA). */
function registryDigest(reg: LocalRegistry, repo: string, tag: string): Promise<string> {
  const [hostname, port] = reg.host.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port: Number(port),
        method: 'HEAD',
        path: `/v2/${repo}/manifests/${tag}`,
        ca: readFileSync(reg.caFile),
        auth: `${reg.user}:${reg.password}`,
        headers: {
          Accept: ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', '),
        },
      },
      (res) => {
        res.resume();
        const digest = res.headers['docker-content-digest'];
        if (res.statusCode === 200 && typeof digest === 'string') resolve(digest);
        else reject(new Error(`HEAD /v2/${repo}/manifests/${tag}: ${res.statusCode}`));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface Revision {
  revision: number;
  status: string;
  chart: string;
}

describe.each(HELMS.map((h) => [h.name, h] as const))('%s: the generated GitLab pipeline, run by gitlab-ci-local', (_, helm) => {
  const namespaces = clusterNamespaces();
  const suffix = `${helm.name}-${process.pid}`;
  const staging = `ci-staging-${suffix}`;
  const registryNs = `ci-${suffix}`;
  let reg: LocalRegistry;
  let runner: Runner;
  const runs: PipelineRun[] = [];
  const versions: string[] = [];

  const history = (): Revision[] => JSON.parse(runner.helm(['history', 'withdeps', '-n', staging, '-o', 'json']).out);
  const live = () => history().filter((r) => r.status === 'deployed').pop()!;
  const lastPublished = (run: PipelineRun) => /published chart version (\S+)/.exec(run.jobs.build?.log ?? '')?.[1];
  const failure = (run: PipelineRun) => `pipeline exit ${run.code}\n${run.log.slice(-6000)}`;
  const pipeline = async (jobs: string[] = []) => {
    const run = await runPipeline(runner, jobs);
    runs.push(run);
    expect(run.log).not.toContain(reg.password); // credentials are never printed
    return run;
  };

  beforeAll(() => {
    ensureBaseImages(sampleGoVersion());
    reg = localRegistry();
    namespaces.push(staging);
    createNamespace(staging);
    runner = gitlabRunner(helm, reg, ['--registry', `oci://${reg.host}/${registryNs}`, '--env', `staging=${staging}`, '--platform', 'linux/amd64']);
  }, RUN_MS);
  afterAll(() => runner?.remove());

  it('1. a commit on main: tests pass, the image and chart are published, staging runs that version', async () => {
    const run = await pipeline();
    expect({ code: run.code, tail: run.code === 0 ? '' : failure(run) }).toEqual({ code: 0, tail: '' });
    for (const job of ['test', 'build', 'deploy-staging']) expect(run.jobs[job]?.passed).toBe(true);
    expect(run.jobs['rollback-staging']).toBeUndefined(); // manual: not run by a push
    expect(run.log).toContain('go: downloading'); // a cold module cache
    const version = lastPublished(run)!;
    expect(version).toMatch(/^0\.1\.\d+$/);
    versions.push(version);
    expect(live().chart).toBe(`withdeps-${version}`);
    // the Deployment runs the image by the digest the registry holds for this commit
    const commit = runner.helm(['get', 'metadata', 'withdeps', '-n', staging, '-o', 'json']);
    const appVersion = JSON.parse(commit.out).appVersion as string;
    expect(appVersion).toMatch(/^[0-9a-f]{12}$/);
    const digest = await registryDigest(reg, `${registryNs}/withdeps`, appVersion);
    const image = kubectl(['get', 'deployment', 'withdeps', '-n', staging, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']).stdout;
    expect(image).toBe(`${reg.host}/${registryNs}/withdeps@${digest}`);
  }, RUN_MS);

  it('2. a code-only change reuses the module cache and the module layer, in at most half the time', async () => {
    runner.commit('a code-only change', (repo) => {
      const doc = join(repo, 'doc.go');
      writeFileSync(doc, `${readFileSync(doc, 'utf8')}\n// A code-only change.\n`);
    });
    const run = await pipeline();
    expect({ code: run.code, tail: run.code === 0 ? '' : failure(run) }).toEqual({ code: 0, tail: '' });
    expect(run.log).not.toContain('go: downloading');
    // the image build's `go mod download` step comes from the layer cache
    expect(run.jobs.build.log).toMatch(/go mod download[^\n]*\n(?:[^\n]*\n){0,2}[^\n]*Using cache/);
    const version = lastPublished(run)!;
    expect(version).not.toBe(versions[0]);
    versions.push(version);
    expect(live().chart).toBe(`withdeps-${version}`);
    expect(run.seconds).toBeLessThanOrEqual(runs[0].seconds / 2);
  }, RUN_MS);

  it('3. a commit whose node affinity matches no node: the deploy fails, staging is back on the last good revision, the log says why', async () => {
    const before = live();
    runner.commit('require a node that does not exist', (repo) => {
      const values = join(repo, 'charts/withdeps/values.yaml');
      const text = readFileSync(values, 'utf8');
      const broken = text.replace(/(key: disktype\n(?:.*\n){0,4}?\s*values:\n\s*- )ssd/, '$1no-such-disk');
      expect(broken).not.toBe(text);
      writeFileSync(values, broken);
    });
    const run = await pipeline();
    expect(run.code).not.toBe(0);
    expect(run.jobs.test.passed).toBe(true);
    expect(run.jobs.build.passed).toBe(true);
    expect(run.jobs['deploy-staging'].passed).toBe(false);
    const revs = history();
    const now = live();
    expect(now.revision).toBeGreaterThan(before.revision);
    expect(now.chart).toBe(before.chart); // back on the last good version
    expect(revs.some((r) => r.status === 'failed' && r.chart === `withdeps-${lastPublished(run)}`)).toBe(true);
    // the diagnosis: why the pods did not become ready
    expect(run.jobs['deploy-staging'].log).toMatch(/node affinity|affinity\/selector|didn't match|Unschedulable|FailedScheduling/i);
  }, RUN_MS);

  it('4. the manual rollback job returns staging to the previous version', async () => {
    const run = await pipeline(['rollback-staging']);
    expect({ code: run.code, tail: run.code === 0 ? '' : failure(run) }).toEqual({ code: 0, tail: '' });
    expect(run.jobs['rollback-staging'].passed).toBe(true);
    expect(live().chart).toBe(`withdeps-${versions[0]}`);
  }, RUN_MS);

  afterAll(() => {
    // per-job wall time, for the record (bench/ci-gitlab.sh prints the same)
    const rows = runs.map((r, i) => `run ${i + 1}: ${r.seconds.toFixed(1)} s (${Object.entries(r.jobs).map(([j, t]) => `${j} ${t.seconds.toFixed(1)} s`).join(', ')})`);
    process.stderr.write(`${helm.name} pipeline times:\n${rows.join('\n')}\n`);
  });
});
