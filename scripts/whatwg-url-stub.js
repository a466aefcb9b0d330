// Stands in for the whatwg-url package in dist/k8s.js: node-fetch 2 (under the
// Kubernetes client) uses it only when Node has no URL class of its own, and
// loading it (Unicode tables) took ~150 ms of every dry run.
module.exports = { URL: globalThis.URL };
