// The parts of @kubernetes/client-node the product uses. The build bundles this
// file on its own (dist/kubernetes-client.js, from the package's ES modules): it
// is large, and only commands that talk to the API server load it, on first use.
export { CoreV1Api, createConfiguration, KubeConfig, KubernetesObjectApi, PatchStrategy, ResponseContext, ServerConfiguration, Watch } from '@kubernetes/client-node';
export type { Middleware, RequestContext } from '@kubernetes/client-node';
