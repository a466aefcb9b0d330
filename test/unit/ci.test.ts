import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { pipelineJobs } from '../../src/ci/stages';
import { ciPlan, CiOptions } from '../../src/ci/options';
import { defaultCiGoVersion } from '../../src/gomod/go-releases';
import { renderGithub, ACTIONS } from '../../src/outputs/ci-github';
import { renderGitlab, stepMarker } from '../../src/outputs/ci-gitlab';
import { runCli, snapshot } from '../support/cli';
import { moduleWithChart } from '../support/ci-module';
import { repoRoot } from '../support/tools';

// The generated pipelines: both rendered from one description, the same steps in
// the same order with the same scripts; the security settings; hostile flags.
const base = (dir: string): CiOptions => ({ dir, env: [], branch: 'main', versionFrom: 'registry', platforms: 'linux/amd64,linux/arm64' });

describe('ci: one description, two pipelines', () => {
  let dir: string;
  beforeAll(() => {
    dir = moduleWithChart();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const variants: [string, Partial<CiOptions>][] = [
    ['defaults', {}],
    ['two environments', { env: ['staging=shop-staging', 'production=shop'] }],
    ['tag versions, own registry, branch and release', { registry: 'oci://registry.example.com:5000/team', versionFrom: 'tag', branch: 'release/1.x', release: 'shop', env: ['qa=qa', 'prod=shop'] }],
  ];

  it.each(variants)('%s: the GitHub and GitLab jobs and steps correspond', (_, extra) => {
    const plan = ciPlan({ ...base(dir), ...extra });
    const jobs = pipelineJobs(plan);
    const gh = parse(renderGithub(plan, 'cmd'));
    const gl = parse(renderGitlab(plan, 'cmd'));
    expect(Object.keys(gh.jobs)).toEqual(jobs.map((j) => j.id));
    expect(Object.keys(gl).filter((k) => k !== 'stages' && k !== 'variables')).toEqual(jobs.map((j) => j.id));
    for (const job of jobs) {
      const ghSteps = gh.jobs[job.id].steps as { id: string; run?: string; uses?: string }[];
      // GitHub: every step of the description, in order (plus the builder the layer cache runs on)
      expect(ghSteps.map((s) => s.id).filter((id) => id !== 'buildx')).toEqual(job.steps.map((s) => s.id));
      // GitLab: the run steps as script items, in order, with the same scripts
      const runs = job.steps.filter((s): s is { id: string; name: string; run: string } => 'run' in s);
      expect(gl[job.id].script).toEqual(runs.map((s) => `${stepMarker(s.id, s.name)}\n${s.run}`));
      for (const s of runs) expect(ghSteps.find((g) => g.id === s.id)!.run).toBe(s.run);
      expect(gh.jobs[job.id].needs ?? []).toEqual(job.needs);
      expect(gl[job.id].needs).toEqual(job.needs);
      expect(gl[job.id].stage).toBe(job.stage);
    }
  });

  it('the Go caches are keyed on go.sum and the Go version on both systems', () => {
    const plan = ciPlan(base(dir));
    expect(plan.goVersion).toBe(defaultCiGoVersion({ goVersion: '1.22' })); // go.mod: go 1.22
    expect(plan.goVersion).toMatch(/^1\.(2[6-9]|[3-9]\d)\.\d+$/); // a patched release, not 1.22.0
    const gh = parse(renderGithub(plan, 'cmd'));
    const gl = parse(renderGitlab(plan, 'cmd'));
    const cache = gh.jobs.test.steps.find((s: { id: string }) => s.id === 'go-cache');
    expect(cache.uses).toBe(ACTIONS.cache);
    expect(cache.with.key).toContain("hashFiles('**/go.sum')");
    expect(cache.with.key).toContain('env.GOSERVICE_GO_VERSION');
    expect(gh.jobs.test.env.GOSERVICE_GO_VERSION).toBe(plan.goVersion);
    expect(gl.test.cache).toEqual({ key: { files: ['go.sum'], prefix: `go-${plan.goVersion}` }, paths: ['.goservice-cache/go-mod', '.goservice-cache/go-build'] });
    expect(gl.test.variables.GOMODCACHE).toBe('$CI_PROJECT_DIR/.goservice-cache/go-mod');
    // the image build's layer cache: BuildKit's Actions cache / the runner's buildah layers
    const layer = gh.jobs.build.steps.find((s: { id: string }) => s.id === 'layer-cache');
    expect(layer.with).toMatchObject({ 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max', platforms: 'linux/amd64,linux/arm64' });
    expect(gl.build.variables.BUILDAH_LAYERS).toBe('true');
    // the build context leaves the GitLab cache directory out
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toContain('**/.goservice*');
  });

  it('production is gated, deploys and rollbacks take turns per environment, rollbacks are manual', () => {
    const plan = ciPlan({ ...base(dir), env: ['staging=shop-staging', 'production=shop'] });
    const gh = parse(renderGithub(plan, 'cmd'));
    const gl = parse(renderGitlab(plan, 'cmd'));
    expect(gh.jobs['deploy-production'].environment).toBe('production');
    expect(gh.jobs['deploy-production'].needs).toEqual(['build', 'deploy-staging']);
    expect(gl['deploy-production'].rules).toEqual([{ if: '$CI_COMMIT_BRANCH == "main"', when: 'manual' }]);
    expect(gl['deploy-production'].allow_failure).toBe(false);
    expect(gl['deploy-staging'].rules).toEqual([{ if: '$CI_COMMIT_BRANCH == "main"' }]);
    for (const env of ['staging', 'production']) {
      const group = `goservice-withdeps-${env}`;
      expect(gh.jobs[`deploy-${env}`].concurrency).toEqual({ group, 'cancel-in-progress': false });
      expect(gh.jobs[`rollback-${env}`].concurrency).toEqual({ group, 'cancel-in-progress': false });
      expect(gl[`deploy-${env}`].resource_group).toBe(group);
      expect(gl[`rollback-${env}`].resource_group).toBe(group);
      expect(gl[`rollback-${env}`].rules[0].when).toBe('manual');
      expect(gh.jobs[`rollback-${env}`].if).toContain(`inputs.rollback == '${env}'`);
      expect(gl[`deploy-${env}`].variables.GOSERVICE_NAMESPACE).toBe(env === 'staging' ? 'shop-staging' : 'shop');
    }
    expect(gh.on.workflow_dispatch.inputs.rollback.options).toEqual(['staging', 'production']);
  });

  it('GitHub: least privilege, actions by version, no pull_request_target, secrets only as variables', () => {
    const text = renderGithub(ciPlan({ ...base(dir), env: ['staging=s', 'production=p'] }), 'cmd');
    const gh = parse(text);
    expect(gh.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(gh.jobs) as [string, { permissions?: unknown; steps: { uses?: string; run?: string }[] }][]) {
      expect(job.permissions).toEqual(id === 'build' ? { contents: 'read', packages: 'write' } : undefined);
      for (const s of job.steps) {
        if (s.uses) expect(s.uses).toMatch(/^[a-z-]+\/[a-z-]+@v\d+$/);
        if (s.run) expect(s.run).not.toMatch(/\$\{\{/); // expressions never pasted into scripts
      }
    }
    expect(text).not.toContain('pull_request_target');
    expect(text).not.toContain('id-token');
    expect(text).toContain('GOSERVICE_REGISTRY_PASSWORD: ${{ secrets.GOSERVICE_REGISTRY_PASSWORD }}');
  });

  it('scripts read variables only: no flag value is pasted into them', () => {
    const scripts = (o: Partial<CiOptions>) =>
      pipelineJobs(ciPlan({ ...base(dir), ...o }))
        .flatMap((j) => j.steps)
        .filter((s) => 'run' in s)
        .map((s) => ('run' in s ? `${s.id}:${s.run}` : ''));
    const a = new Set(scripts({}));
    const b = new Set(scripts({ registry: 'oci://r.example/x', env: ['qa=weird-ns', 'production=p'], branch: 'dev', release: 'other', goVersion: '1.23.4', platforms: 'linux/arm64' }));
    expect([...b].filter((s) => !a.has(s))).toEqual([]);
  });

  it('both files start with a header naming the command and the expected variables', () => {
    const plan = ciPlan(base(dir));
    for (const text of [renderGithub(plan, 'helm goservice ci x'), renderGitlab(plan, 'helm goservice ci x')]) {
      const header = text.split('\n').filter((l) => l.startsWith('#')).join('\n');
      expect(header).toContain('Generated by goservice: helm goservice ci x');
      for (const v of ['GOSERVICE_REGISTRY:', 'GOSERVICE_REGISTRY_USER', 'GOSERVICE_REGISTRY_PASSWORD', 'GOSERVICE_REGISTRY_CA', 'KUBECONFIG']) expect(header).toContain(v);
    }
  });

  it('values YAML 1.1 would misread stay strings (GitLab reads YAML 1.1)', () => {
    const plan = ciPlan({ ...base(dir), branch: 'no', env: ['on=yes', 'y=1e3'], release: 'n1' });
    for (const text of [renderGithub(plan, 'cmd'), renderGitlab(plan, 'cmd')]) {
      const doc = parseDocument(text, { version: '1.1' });
      expect(doc.errors).toEqual([]);
      const js = doc.toJS();
      if (js.jobs) {
        expect(js.on.push.branches).toEqual(['no']);
        expect(js.jobs['deploy-on'].environment).toBe('on');
        expect(js.jobs['deploy-on'].env.GOSERVICE_NAMESPACE).toBe('yes');
        expect(js.jobs['deploy-y'].env.GOSERVICE_NAMESPACE).toBe('1e3');
      } else {
        expect(js['deploy-on'].environment).toEqual({ name: 'on' });
        expect(js['deploy-on'].variables.GOSERVICE_NAMESPACE).toBe('yes');
        expect(js['deploy-y'].variables.GOSERVICE_NAMESPACE).toBe('1e3');
        expect(js['deploy-on'].rules[0].if).toBe('$CI_COMMIT_BRANCH == "no"');
      }
    }
  });
});

describe('ci through the CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = moduleWithChart();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const HOSTILE: [string, string[], string][] = [
    ['registry without oci://', ['--registry', 'https://r.example/x'], '--registry'],
    ['registry with a quote', ['--registry', 'oci://r.example/x";id;"'], '--registry'],
    ['registry without a namespace', ['--registry', 'oci://r.example'], '--registry'],
    ['branch with a quote', ['--branch', 'main"||true'], '--branch'],
    ['branch with a glob', ['--branch', 'release/*'], '--branch'],
    ['branch with ..', ['--branch', 'a..b'], '--branch'],
    ['branch starting with -', ['--branch', '-x'], '--branch'],
    ['env without a namespace', ['--env', 'staging'], '--env'],
    ['env namespace with a command', ['--env', 'staging=$(id)'], '--env'],
    ['env name with a newline', ['--env', 'stag\ning=s'], '--env'],
    ['env given twice', ['--env', 'staging=a', '--env', 'staging=b'], '--env'],
    ['release with a space', ['--release', 'my app'], 'RELEASE'],
    ['release with a dot', ['--release', 'my.app'], 'RELEASE'],
    ['go version with a command', ['--go-version', '1.22;id'], '--go-version'],
    ['platform with a space', ['--platform', 'linux/amd64 linux/arm64'], '--platform'],
    ['version-from unknown', ['--version-from', 'git'], '--version-from'],
    ['chart outside the module', ['--chart', join(repoRoot, 'charts/hello')], '--chart'],
  ];

  it.each(HOSTILE)('%s: exit 2, names the flag, writes nothing', (_, args, field) => {
    const before = snapshot(dir);
    const r = runCli(['ci', 'github', '--dir', dir, ...args]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toContain(field);
    expect(r.stderr).toMatch(/Fix: /);
    expect(snapshot(dir)).toEqual(before);
  });

  it('writes each file once, refuses to replace a changed one without --force, --dry-run and --stdout write nothing', () => {
    for (const [system, path] of [['github', '.github/workflows/goservice.yml'], ['gitlab', '.gitlab-ci.yml']]) {
      const file = join(dir, path);
      let before = snapshot(dir);
      const dry = runCli(['ci', system, '--dir', dir, '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`created   ${path}`);
      expect(snapshot(dir)).toEqual(before);
      const out = runCli(['ci', system, '--dir', dir, '--stdout']);
      expect(out.code).toBe(0);
      expect(snapshot(dir)).toEqual(before);
      expect(runCli(['ci', system, '--dir', dir]).code).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(out.stdout);
      expect(runCli(['ci', system, '--dir', dir]).stdout).toContain(`unchanged ${path}`);
      writeFileSync(file, 'edited\n');
      before = snapshot(dir);
      const refused = runCli(['ci', system, '--dir', dir, '--env', 'staging=other', '--json']);
      expect(refused.code).toBe(4);
      expect(JSON.parse(refused.stdout).error.code).toBe('conflict');
      expect(snapshot(dir)).toEqual(before);
      expect(runCli(['ci', system, '--dir', dir, '--force']).stdout).toContain(`replaced  ${path}`);
      expect(readFileSync(file, 'utf8')).toBe(out.stdout);
    }
  });

  it('a chart whose name is not a chart name is refused (exit 3), naming the file', () => {
    const chartYaml = join(dir, 'charts/withdeps/Chart.yaml');
    writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/^name: withdeps$/m, 'name: "with deps; id"'));
    const before = snapshot(dir);
    const r = runCli(['ci', 'gitlab', '--dir', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('charts/withdeps/Chart.yaml');
    expect(r.stderr).toContain('name');
    expect(snapshot(dir)).toEqual(before);
  });

  it('--json reports the plan and the file', () => {
    const r = runCli(['ci', 'gitlab', '--dir', dir, '--env', 'staging=s', '--env', 'production=p', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.files).toEqual([{ path: '.gitlab-ci.yml', action: 'created' }]);
    expect(j.plan).toMatchObject({ chartDir: 'charts/withdeps', chartName: 'withdeps', release: 'withdeps', environments: [{ name: 'staging', namespace: 's', manual: false }, { name: 'production', namespace: 'p', manual: true }] });
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(true);
  });
});
