// The parts of @kubernetes/client-node the product uses. The build bundles this
// file on its own (dist/kubernetes-client.js, from the package's ES modules): it
// is large, and only commands that talk to the API server load it, on first use.
export { createConfiguration, KubeConfig, KubernetesObjectApi, PatchStrategy, ServerConfiguration } from '@kubernetes/client-node';
export type { Middleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
