// .gitlab-ci.yml rendered from the pipeline description (src/ci/stages.ts). Each
// job's script items are the description's run steps, each opened by a comment
// naming the step; platform steps become GitLab settings (cache:, variables).
import { CiPlan, headerLines, Job, pipelineJobs } from '../ci/stages';
import { ciYaml } from './ci-yaml';
import type { CiOutput } from './registry';

export const GITLAB_CI_PATH = '.gitlab-ci.yml';

// Go's caches inside the project directory, where GitLab caches can reach them;
// the generated .dockerignore keeps **/.goservice* out of the image build context.
const GO_CACHE_DIRS = { GOMODCACHE: '.goservice-cache/go-mod', GOCACHE: '.goservice-cache/go-build' };

/** The first line of a script item: which step of the description it is. */
export const stepMarker = (id: string, name: string) => `# step ${id}: ${name}`;

function renderJob(job: Job, plan: CiPlan): Record<string, unknown> {
  const out: Record<string, unknown> = { stage: job.stage };
  const variables: Record<string, string> = { ...job.variables };
  for (const s of job.steps) {
    if (!('platform' in s)) continue;
    if (s.platform === 'go-cache') {
      for (const [name, dir] of Object.entries(GO_CACHE_DIRS)) variables[name] = `$CI_PROJECT_DIR/${dir}`;
      out.cache = { key: { files: ['go.sum'], prefix: `go-${plan.goVersion}` }, paths: Object.values(GO_CACHE_DIRS) };
    } else if (s.platform === 'layer-cache') {
      // The runner's image builder keeps its layers between runs (buildah: BUILDAH_LAYERS).
      variables.BUILDAH_LAYERS = 'true';
    }
  }
  out.variables = variables;
  out.needs = job.needs;
  if (job.environment) out.environment = { name: job.environment.name };
  if (job.concurrency) out.resource_group = job.concurrency;
  out.rules = [jobRule(job, plan)];
  if (job.manual) out.allow_failure = job.stage === 'rollback';
  out.script = job.steps.flatMap((s) => ('run' in s ? [`${stepMarker(s.id, s.name)}\n${s.run}`] : []));
  if (job.outputs) out.artifacts = { reports: { dotenv: 'goservice-publish.env' } };
  return out;
}

const BRANCH = (plan: CiPlan) => `$CI_COMMIT_BRANCH == "${plan.branch}"`;
const RELEASE_TAG = '$CI_COMMIT_TAG =~ /^v[0-9]+[.][0-9]+[.][0-9]+$/';

function jobRule(job: Job, plan: CiPlan): Record<string, string> {
  if (job.stage === 'test') return { if: `${BRANCH(plan)} || $CI_PIPELINE_SOURCE == "merge_request_event" || $CI_COMMIT_TAG` };
  const when = plan.versionFrom === 'tag' ? RELEASE_TAG : BRANCH(plan);
  return job.manual ? { if: when, when: 'manual' } : { if: when };
}

export function renderGitlab(plan: CiPlan, command: string): string {
  const jobs = pipelineJobs(plan);
  const pipeline: Record<string, unknown> = {
    stages: ['test', 'build', 'deploy', 'rollback'],
    ...(plan.registry ? { variables: { GOSERVICE_REGISTRY: plan.registry } } : {}),
    ...Object.fromEntries(jobs.map((j) => [j.id, renderJob(j, plan)])),
  };
  return ciYaml(pipeline, headerLines(command), GITLAB_CI_PATH);
}

export const ciGitlab: CiOutput = { id: 'gitlab', path: GITLAB_CI_PATH, render: renderGitlab };
