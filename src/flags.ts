import { Args, Flags } from '@oclif/core';

// Flag definitions shared by several commands.

/** Values input shared by create and upgrade: Helm's own -f/--values and --set. */
export const valuesFlags = {
  values: Flags.string({
    char: 'f',
    multiple: true,
    helpValue: 'FILE',
    description: 'values file in the shape of the chart\'s values.yaml (repeatable; later files win; null deletes a default)',
  }),
  set: Flags.string({
    multiple: true,
    helpValue: 'KEY=VALUE',
    description: 'set a value on the command line, Helm syntax (repeatable; applied after --values)',
  }),
};

export const jsonFlag = {
  json: Flags.boolean({ description: 'print the result as JSON', default: false }),
};

/** The release commands' namespace; as a Helm plugin it comes from `helm -n` (HELM_NAMESPACE). */
export const namespaceFlag = {
  namespace: Flags.string({
    char: 'n',
    description: 'namespace of the release (as a Helm plugin: taken from helm -n, i.e. HELM_NAMESPACE)',
  }),
};

export const timeoutFlag = {
  timeout: Flags.string({ default: '5m', helpValue: 'DURATION', description: 'how long to wait for the release to become ready, e.g. 90s, 5m' }),
};

/** Every command that talks to a registry: a private CA to trust (Helm's --ca-file). */
export const caFileFlag = {
  'ca-file': Flags.string({ helpValue: 'FILE', description: 'trust this CA (PEM) for the registry, as helm --ca-file' }),
};

/** Which published chart version to deploy or compare (upgrade, diff). */
export const chartVersionFlags = {
  version: Flags.string({ helpValue: 'X', description: 'version of a published (oci://) chart; list them with helm goservice versions' }),
  ...caFileFlag,
};

// An optional argument left out is read from stdin by oclif unless it sets
// ignoreStdin: whatever a pipeline pipes in would become the chart, revision or
// version. Every optional argument sets it (test/unit/args-stdin.test.ts).

/** RELEASE and CHART, as upgrade and diff take them. */
export const releaseChartArgs = {
  release: Args.string({ required: true, description: 'release name' }),
  chart: Args.string({ ignoreStdin: true, description: 'chart directory, packaged chart (.tgz), or published chart oci://HOST/NAMESPACE/charts/NAME with --version (default: the single chart under ./charts)' }),
};

/** The chart version, values and image tag an upgrade deploys (upgrade, diff). */
export const deployFlags = {
  ...valuesFlags,
  ...chartVersionFlags,
  'image-tag': Flags.string({ description: 'image tag to deploy (sets image.tag): letters, digits, "_", ".", "-", at most 128' }),
};
