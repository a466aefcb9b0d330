// Flags every release command shares, and the HelmClient they configure.
import { Flags } from '@oclif/core';
import { HelmClient, helmSettings } from './client';

export const helmFlags = {
  namespace: Flags.string({
    char: 'n',
    description: 'namespace of the release (as a Helm plugin: taken from helm -n, i.e. HELM_NAMESPACE)',
  }),
};

export const timeoutFlag = {
  timeout: Flags.string({ default: '5m', helpValue: 'DURATION', description: 'how long to wait for the release to become ready, e.g. 90s, 5m' }),
};

/** HELM_BIN, HELM_NAMESPACE (unless -n), HELM_KUBECONTEXT and KUBECONFIG from the environment. */
export function helmClient(flags: { namespace?: string }): HelmClient {
  return new HelmClient(helmSettings(process.env, flags.namespace));
}
