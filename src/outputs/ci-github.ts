// GitHub Actions workflow rendered from the pipeline description (src/ci/stages.ts).
// Minimal permissions (contents: read; packages: write only for the job that
// pushes), third-party actions pinned by version, no pull_request_target; secrets
// reach the scripts only as environment variables.
import { CiPlan, headerLines, Job, pipelineJobs, PlatformStep, Step } from '../ci/stages';
import { ciYaml } from './ci-yaml';
import type { CiOutput } from './registry';

export const GITHUB_WORKFLOW_PATH = '.github/workflows/goservice.yml';

export const ACTIONS = {
  checkout: 'actions/checkout@v4',
  cache: 'actions/cache@v4',
  buildx: 'docker/setup-buildx-action@v3',
  buildPush: 'docker/build-push-action@v6',
} as const;

// CI variables by the names both systems use; GitHub hands text secrets, which the credentials step writes to files.
const SECRETS_ENV = {
  GOSERVICE_REGISTRY_USER: '${{ secrets.GOSERVICE_REGISTRY_USER }}',
  GOSERVICE_REGISTRY_PASSWORD: '${{ secrets.GOSERVICE_REGISTRY_PASSWORD }}',
  GOSERVICE_REGISTRY_CA_DATA: '${{ secrets.GOSERVICE_REGISTRY_CA }}',
  GOSERVICE_KUBECONFIG_DATA: '${{ secrets.KUBECONFIG }}',
  GOSERVICE_PLUGIN_URL: '${{ vars.GOSERVICE_PLUGIN_URL }}',
};

function platformStep(kind: PlatformStep, step: Step, plan: CiPlan): Record<string, unknown>[] {
  switch (kind) {
    case 'checkout':
      return [{ id: step.id, name: step.name, uses: ACTIONS.checkout, with: { 'persist-credentials': false } }];
    case 'go-cache':
      return [
        {
          id: step.id,
          name: step.name,
          uses: ACTIONS.cache,
          with: {
            path: '~/go/pkg/mod\n~/.cache/go-build\n',
            key: `go-\${{ runner.os }}-\${{ env.GOSERVICE_GO_VERSION }}-\${{ hashFiles('**/go.sum') }}`,
            'restore-keys': 'go-${{ runner.os }}-${{ env.GOSERVICE_GO_VERSION }}-\n',
          },
        },
      ];
    case 'layer-cache':
      // BuildKit's Actions cache backend: the builder (made the current one, so also the
      // one `docker build` in publish uses) starts from earlier runs' layers and stores the new ones.
      return [
        { id: 'buildx', name: 'BuildKit builder (the current one: docker build uses it)', uses: ACTIONS.buildx },
        {
          id: step.id,
          name: step.name,
          uses: ACTIONS.buildPush,
          with: { context: '.', platforms: plan.platforms, push: false, 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' },
        },
      ];
  }
}

function renderJob(job: Job, plan: CiPlan): Record<string, unknown> {
  const env: Record<string, string> = { ...job.variables };
  if (job.stage !== 'test') {
    env.GOSERVICE_REGISTRY = plan.registry ?? '${{ vars.GOSERVICE_REGISTRY }}';
    Object.assign(env, SECRETS_ENV);
  }
  if (job.stage === 'deploy') env.GOSERVICE_CHART_VERSION = '${{ needs.build.outputs.chart-version }}';
  const out: Record<string, unknown> = { name: job.name };
  if (job.needs.length) out.needs = job.needs;
  out.if = jobCondition(job, plan);
  out['runs-on'] = 'ubuntu-latest';
  if (job.pushes) out.permissions = { contents: 'read', packages: 'write' };
  if (job.environment) out.environment = job.environment.name;
  if (job.concurrency) out.concurrency = { group: job.concurrency, 'cancel-in-progress': false };
  if (job.outputs) out.outputs = { 'chart-version': '${{ steps.publish.outputs.chart-version }}' };
  out.env = env;
  out.steps = job.steps.flatMap((s) => ('platform' in s ? platformStep(s.platform, s, plan) : [{ id: s.id, name: s.name, run: s.run }]));
  return out;
}

// Tests run on every push and pull request; publishing and deploying only on pushes
// (of the branch, or of a vX.Y.Z tag with --version-from tag); rollbacks when started by hand.
function jobCondition(job: Job, plan: CiPlan): string {
  if (job.stage === 'test') return "github.event_name != 'workflow_dispatch'";
  if (job.stage === 'rollback') return `github.event_name == 'workflow_dispatch' && inputs.rollback == '${job.environment!.name}'`;
  return plan.versionFrom === 'tag' ? "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')" : "github.event_name == 'push'";
}

export function renderGithub(plan: CiPlan, command: string): string {
  const jobs = pipelineJobs(plan);
  const push: Record<string, unknown> = { branches: [plan.branch] };
  if (plan.versionFrom === 'tag') push.tags = ['v[0-9]+.[0-9]+.[0-9]+'];
  const workflow = {
    name: 'goservice',
    on: {
      push,
      pull_request: { branches: [plan.branch] },
      workflow_dispatch: {
        inputs: {
          rollback: {
            description: 'environment to roll back to its previous version',
            type: 'choice',
            required: true,
            options: plan.environments.map((e) => e.name),
          },
        },
      },
    },
    permissions: { contents: 'read' },
    defaults: { run: { shell: 'bash' } },
    jobs: Object.fromEntries(jobs.map((j) => [j.id, renderJob(j, plan)])),
  };
  return ciYaml(workflow, headerLines(command), GITHUB_WORKFLOW_PATH);
}

export const ciGithub: CiOutput = { id: 'github', path: GITHUB_WORKFLOW_PATH, render: renderGithub };
