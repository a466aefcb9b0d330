import { Flags } from '@oclif/core';

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
