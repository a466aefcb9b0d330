// The one description of the generated CI pipeline: its jobs, their order, and
// their steps. The GitHub and GitLab outputs (src/outputs/ci-*.ts) render this
// list; neither adds or drops a step. A `run` step's script is the same text on
// both systems: it reads only variables (never a pasted value), and works on
// hosted runners and on self-hosted shell runners alike, using the tools already
// there and installing them otherwise.

export interface Environment {
  name: string; // e.g. staging
  namespace: string; // Kubernetes namespace of the release
  manual: boolean; // gated: GitHub environment with required reviewers / GitLab when: manual
}

export interface CiPlan {
  chartDir: string; // relative to the module root
  chartName: string;
  release: string;
  registry?: string; // oci://host/ns written into the file; else the GOSERVICE_REGISTRY variable
  environments: Environment[];
  branch: string;
  goVersion: string; // from go.mod (or --go-version): the cache key and the version installed when the runner has none
  versionFrom: 'registry' | 'tag';
  platforms: string;
}

/** A step the CI system provides in its own way (an action, a cache setting). */
export type PlatformStep = 'checkout' | 'go-cache' | 'layer-cache';

export type Step = { id: string; name: string; platform: PlatformStep } | { id: string; name: string; run: string };

export type Stage = 'test' | 'build' | 'deploy' | 'rollback';

export interface Job {
  id: string;
  stage: Stage;
  name: string;
  needs: string[];
  environment?: Environment;
  manual: boolean; // runs only when started by hand (rollback) or approved (a gated deploy)
  pushes: boolean; // pushes an image and a chart: the only job that may write packages
  concurrency?: string; // one at a time per environment
  variables: Record<string, string>; // literal settings, written through the YAML serializer
  outputs?: string[]; // variables this job hands to the jobs that need it
  steps: Step[];
}

/** Variables the pipeline expects from the CI system's secrets/variables (named alike on both). */
export const EXPECTED_VARIABLES: [name: string, secret: boolean, what: string][] = [
  ['GOSERVICE_REGISTRY', false, 'oci://host/namespace the image and chart are pushed to (charts under <it>/charts)'],
  ['GOSERVICE_REGISTRY_USER', true, 'registry user name'],
  ['GOSERVICE_REGISTRY_PASSWORD', true, 'registry password or token'],
  ['GOSERVICE_REGISTRY_CA', true, 'optional: CA certificate of a private registry (GitLab: a file variable; GitHub: the PEM text)'],
  ['KUBECONFIG', true, 'kubeconfig of the cluster (GitLab: a file variable; GitHub: the file\'s text)'],
  ['GOSERVICE_PLUGIN_URL', false, 'optional: where `helm plugin install` gets goservice on runners without it'],
];

export const HELM_VERSION = 'v3.19.0'; // installed only on runners without helm

// Shell snippets. Every value comes from a variable, always double-quoted.
const STRICT = 'set -eu';
const LOCAL_BIN = '"$HOME/.goservice-ci/bin"';
/** Puts a directory on PATH for this step and (GitHub) the job's later steps. */
const addPath = (dir: string) => [`PATH=${dir}:"$PATH"`, 'export PATH', `if [ -n "\${GITHUB_PATH:-}" ]; then echo ${dir} >>"$GITHUB_PATH"; fi`];

const GO_TOOLS = [
  STRICT,
  'if ! command -v go >/dev/null 2>&1; then',
  '  echo "go is not on this runner: installing Go $GOSERVICE_GO_VERSION"',
  '  mkdir -p "$HOME/.goservice-ci"',
  '  curl -fsSL "https://go.dev/dl/go$GOSERVICE_GO_VERSION.linux-amd64.tar.gz" | tar -xzf - -C "$HOME/.goservice-ci"',
  ...addPath('"$HOME/.goservice-ci/go/bin"').map((l) => `  ${l}`),
  'fi',
  'go version',
];

const HELM_TOOLS = [
  STRICT,
  'if ! command -v helm >/dev/null 2>&1; then',
  '  echo "helm is not on this runner: installing Helm $GOSERVICE_HELM_VERSION"',
  `  mkdir -p ${LOCAL_BIN}`,
  `  curl -fsSL "https://get.helm.sh/helm-$GOSERVICE_HELM_VERSION-linux-amd64.tar.gz" | tar -xzf - -C ${LOCAL_BIN} --strip-components=1 linux-amd64/helm`,
  ...addPath(LOCAL_BIN).map((l) => `  ${l}`),
  'fi',
  'if ! helm goservice --help >/dev/null 2>&1; then',
  '  if [ -z "${GOSERVICE_PLUGIN_URL:-}" ]; then',
  '    echo "the goservice Helm plugin is not installed: set GOSERVICE_PLUGIN_URL, or install it on the runner" >&2',
  '    exit 1',
  '  fi',
  '  helm plugin install "$GOSERVICE_PLUGIN_URL"',
  'fi',
  'helm version --short',
];

/** Secrets given as text (GitHub) become files; file variables (GitLab) are used as they are. Nothing is printed. */
const CREDENTIALS = [
  STRICT,
  'umask 077',
  'dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/goservice-ci"',
  'mkdir -p "$dir"',
  'persist() { if [ -n "${GITHUB_ENV:-}" ]; then echo "$1=$2" >>"$GITHUB_ENV"; fi; }',
  'if [ -n "${GOSERVICE_KUBECONFIG_DATA:-}" ]; then',
  '  printf \'%s\\n\' "$GOSERVICE_KUBECONFIG_DATA" >"$dir/kubeconfig"',
  '  KUBECONFIG="$dir/kubeconfig"',
  '  export KUBECONFIG',
  '  persist KUBECONFIG "$KUBECONFIG"',
  'fi',
  'if [ -n "${GOSERVICE_REGISTRY_CA_DATA:-}" ]; then',
  '  printf \'%s\\n\' "$GOSERVICE_REGISTRY_CA_DATA" >"$dir/registry-ca.pem"',
  '  GOSERVICE_REGISTRY_CA="$dir/registry-ca.pem"',
  '  export GOSERVICE_REGISTRY_CA',
  '  persist GOSERVICE_REGISTRY_CA "$GOSERVICE_REGISTRY_CA"',
  'fi',
  'case "${GOSERVICE_REGISTRY:-}" in',
  '  oci://*/*) ;;',
  '  *) echo "GOSERVICE_REGISTRY must be oci://host/namespace" >&2; exit 1 ;;',
  'esac',
  'host="${GOSERVICE_REGISTRY#oci://}"',
  'host="${host%%/*}"',
  'printf \'%s\' "$GOSERVICE_REGISTRY_PASSWORD" | helm registry login "$host" --username "$GOSERVICE_REGISTRY_USER" --password-stdin ${GOSERVICE_REGISTRY_CA:+--ca-file "$GOSERVICE_REGISTRY_CA"}',
];

/** Reads the published chart version from publish --json and hands it on (GitHub output / GitLab dotenv). */
const HAND_ON_VERSION = [
  'version="$(node -e \'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0, "utf8")).chart.version))\' <goservice-publish.json)"',
  'echo "published chart version $version"',
  'echo "GOSERVICE_CHART_VERSION=$version" >goservice-publish.env',
  'if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "chart-version=$version" >>"$GITHUB_OUTPUT"; fi',
];

const PUBLISH_FROM_REGISTRY = [
  STRICT,
  'commit="$(git rev-parse --short=12 HEAD)"',
  'helm goservice publish --chart "$GOSERVICE_CHART_DIR" --registry "$GOSERVICE_REGISTRY" --version-from registry --app-version "$commit" --platform "$GOSERVICE_PLATFORMS" ${GOSERVICE_REGISTRY_CA:+--ca-file "$GOSERVICE_REGISTRY_CA"} --json >goservice-publish.json',
  ...HAND_ON_VERSION,
];

const PUBLISH_FROM_TAG = [
  STRICT,
  'tag="${CI_COMMIT_TAG:-${GITHUB_REF_NAME:-}}"',
  'case "$tag" in',
  '  v[0-9]*.[0-9]*.[0-9]*) ;;',
  '  *) echo "publishing needs a vX.Y.Z tag (got \\"$tag\\")" >&2; exit 1 ;;',
  'esac',
  'helm goservice publish --chart "$GOSERVICE_CHART_DIR" --registry "$GOSERVICE_REGISTRY" --version "${tag#v}" --app-version "${tag#v}" --platform "$GOSERVICE_PLATFORMS" ${GOSERVICE_REGISTRY_CA:+--ca-file "$GOSERVICE_REGISTRY_CA"} --json >goservice-publish.json',
  ...HAND_ON_VERSION,
];

const UPGRADE = [
  STRICT,
  'helm goservice upgrade "$GOSERVICE_RELEASE" "$GOSERVICE_REGISTRY/charts/$GOSERVICE_CHART" --version "$GOSERVICE_CHART_VERSION" --namespace "$GOSERVICE_NAMESPACE" --diff ${GOSERVICE_REGISTRY_CA:+--ca-file "$GOSERVICE_REGISTRY_CA"}',
];

const ROLLBACK = [STRICT, 'helm goservice rollback "$GOSERVICE_RELEASE" --previous-version --namespace "$GOSERVICE_NAMESPACE"'];

const script = (lines: string[]) => lines.join('\n');

/** The pipeline's jobs, in order: test, build (image + chart), deploy per environment, a manual rollback per environment. */
export function pipelineJobs(p: CiPlan): Job[] {
  const tools: Step = { id: 'helm-tools', name: 'Helm and the goservice plugin', run: script(HELM_TOOLS) };
  const credentials: Step = { id: 'credentials', name: 'Registry login and cluster access', run: script(CREDENTIALS) };
  const release = { GOSERVICE_CHART: p.chartName, GOSERVICE_RELEASE: p.release, GOSERVICE_HELM_VERSION: HELM_VERSION };
  const jobs: Job[] = [
    {
      id: 'test',
      stage: 'test',
      name: 'go vet and go test',
      needs: [],
      manual: false,
      pushes: false,
      variables: { GOSERVICE_GO_VERSION: p.goVersion },
      steps: [
        { id: 'checkout', name: 'Check out', platform: 'checkout' },
        { id: 'go-cache', name: 'Go module and build caches (key: go.sum and the Go version)', platform: 'go-cache' },
        { id: 'go-tools', name: 'Go', run: script(GO_TOOLS) },
        { id: 'vet', name: 'go vet', run: script([STRICT, 'go vet ./...']) },
        { id: 'go-test', name: 'go test', run: script([STRICT, 'go test ./...']) },
      ],
    },
    {
      id: 'build',
      stage: 'build',
      name: 'Build and publish the image and the chart',
      needs: ['test'],
      manual: false,
      pushes: true,
      variables: { ...release, GOSERVICE_CHART_DIR: p.chartDir, GOSERVICE_PLATFORMS: p.platforms },
      outputs: ['GOSERVICE_CHART_VERSION'],
      steps: [
        { id: 'checkout', name: 'Check out', platform: 'checkout' },
        { id: 'layer-cache', name: 'Image layer cache that survives between runs', platform: 'layer-cache' },
        tools,
        credentials,
        { id: 'publish', name: 'helm goservice publish', run: script(p.versionFrom === 'tag' ? PUBLISH_FROM_TAG : PUBLISH_FROM_REGISTRY) },
      ],
    },
  ];
  let previous = 'build';
  for (const env of p.environments) {
    const concurrency = `goservice-${p.release}-${env.name}`;
    const variables = { ...release, GOSERVICE_NAMESPACE: env.namespace };
    jobs.push({
      id: `deploy-${env.name}`,
      stage: 'deploy',
      name: `Deploy to ${env.name}`,
      needs: previous === 'build' ? ['build'] : ['build', previous],
      environment: env,
      manual: env.manual,
      pushes: false,
      concurrency,
      variables,
      steps: [tools, credentials, { id: 'upgrade', name: 'helm goservice upgrade --diff (rolls back on failure)', run: script(UPGRADE) }],
    });
    previous = `deploy-${env.name}`;
  }
  for (const env of p.environments) {
    jobs.push({
      id: `rollback-${env.name}`,
      stage: 'rollback',
      name: `Roll ${env.name} back to the previous version`,
      needs: [],
      environment: env,
      manual: true,
      pushes: false,
      concurrency: `goservice-${p.release}-${env.name}`,
      variables: { ...release, GOSERVICE_NAMESPACE: env.namespace },
      steps: [tools, credentials, { id: 'rollback', name: 'helm goservice rollback', run: script(ROLLBACK) }],
    });
  }
  return jobs;
}

/** The header comment of a generated pipeline: how it was made and what it expects. */
export function headerLines(command: string): string[] {
  return [
    ` Generated by goservice: ${command}`,
    ' Regenerate with the same command and --force; edits here are replaced.',
    ' Jobs: test (go vet, go test) -> build (image + chart: helm goservice publish)',
    '       -> deploy per environment (helm goservice upgrade --diff, rolls back on failure)',
    '       + a manual rollback job per environment (helm goservice rollback --previous-version).',
    ' Gated environments (production, prod): add required reviewers to the GitHub environment; GitLab runs them by hand (when: manual).',
    ' Variables / secrets it expects:',
    ...EXPECTED_VARIABLES.map(([name, secret, what]) => `   ${name}${secret ? ' (secret)' : ''}: ${what}`),
  ];
}
