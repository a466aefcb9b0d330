// Which cluster, user and namespace to talk to, worked out as Helm (client-go)
// does for a plugin: the KUBECONFIG list of files (first file wins for each name
// and for current-context; missing files are skipped), else ~/.kube/config, else
// the in-cluster service account; then Helm's overrides (--kube-context and the
// HELM_KUBE* variables Helm passes to plugins). Pure apart from bounded file
// reads, so it needs no Kubernetes client.
import { existsSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { GoserviceError, NotFoundError, UsageError } from '../errors';
import { MiB, readBounded } from '../files/read';
import { NOT_A_MAPPING, parseValuesYaml } from '../values/read-yaml';

/** Where to connect, as Helm's plugin environment says. */
export interface KubeSettings {
  env: NodeJS.ProcessEnv; // KUBECONFIG, HOME, HELM_KUBE*
  namespace?: string; // -n / HELM_NAMESPACE; else the context's namespace, else "default"
  kubeContext?: string; // --kube-context / HELM_KUBECONTEXT; else current-context
}

type Entry = { name: string; [k: string]: any };

/** One context, its cluster and user, in kubeconfig form, plus what messages may name. */
export interface ResolvedKubeconfig {
  doc: { clusters: Entry[]; users: Entry[]; contexts: Entry[]; 'current-context': string };
  context: string;
  user: string; // the kubeconfig user, and whom it impersonates
  server: string;
  namespace: string;
  impersonateGroups: string[]; // sent as Impersonate-Group
  source: string; // the files read (paths only, never their contents)
}

const FIELD = 'KUBECONFIG';
const MAX_BYTES = 4 * MiB;
const SA = '/var/run/secrets/kubernetes.io/serviceaccount';

export function resolveKubeconfig(s: KubeSettings): ResolvedKubeconfig {
  const env = s.env;
  const files = kubeconfigFiles(env);
  const merged = mergeFiles(files);
  const source = files.length ? files.join(delimiter) : 'no kubeconfig file';
  if (!files.length && env.KUBERNETES_SERVICE_HOST && existsSync(`${SA}/token`)) inCluster(merged, env);

  const apiServer = env.HELM_KUBEAPISERVER || undefined;
  const contextName = s.kubeContext || merged.current || (apiServer ? 'helm-kube-apiserver' : undefined);
  if (!contextName) {
    throw new NotFoundError(
      `no Kubernetes context to use: ${source} sets no current-context`,
      'pass helm --kube-context NAME (HELM_KUBECONTEXT), or set one: kubectl config use-context NAME; KUBECONFIG may list several files',
    );
  }
  let context = merged.contexts.get(contextName)?.context;
  if (!context) {
    if (!apiServer || s.kubeContext) throw missing('context', contextName, source, [...merged.contexts.keys()]);
    context = {}; // --kube-apiserver alone: no kubeconfig needed
  }
  const clusterName = String(context.cluster ?? '');
  const cluster = { ...(merged.clusters.get(clusterName)?.cluster ?? {}) };
  const userName = String(context.user ?? '');
  const user = { ...(merged.users.get(userName)?.user ?? {}) };

  // Helm's overrides, as genericclioptions applies them.
  if (apiServer) cluster.server = apiServer;
  if (env.HELM_KUBECAFILE) {
    cluster['certificate-authority'] = env.HELM_KUBECAFILE;
    delete cluster['certificate-authority-data'];
  }
  if (parseBool(env.HELM_KUBEINSECURE_SKIP_TLS_VERIFY, 'HELM_KUBEINSECURE_SKIP_TLS_VERIFY')) {
    cluster['insecure-skip-tls-verify'] = true;
    if (!env.HELM_KUBECAFILE) {
      delete cluster['certificate-authority'];
      delete cluster['certificate-authority-data'];
    }
  }
  if (env.HELM_KUBETLS_SERVER_NAME) cluster['tls-server-name'] = env.HELM_KUBETLS_SERVER_NAME;
  if (env.HELM_KUBETOKEN) {
    // The token given replaces the context's other credentials but client certificates.
    for (const k of ['token-file', 'exec', 'auth-provider', 'username', 'password']) delete user[k];
    user.token = env.HELM_KUBETOKEN;
  } else if (!user.token && typeof user['token-file'] === 'string') {
    user.token = readBounded(user['token-file'], { maxBytes: MiB, field: `token-file of user "${userName}"` }).trim();
  }
  delete user['token-file'];
  if (env.HELM_KUBEASUSER) user.as = env.HELM_KUBEASUSER;
  const groups = env.HELM_KUBEASGROUPS ? env.HELM_KUBEASGROUPS.split(',').filter(Boolean) : Array.isArray(user['as-groups']) ? user['as-groups'].map(String) : [];
  delete user['as-groups'];

  if (typeof cluster.server !== 'string' || !cluster.server) {
    if (!merged.clusters.has(clusterName) && !apiServer) throw missing('cluster', clusterName, source, [...merged.clusters.keys()], `context "${contextName}" names`);
    throw new UsageError(FIELD, `cluster "${clusterName}" of context "${contextName}" has no server`, 'set clusters[].cluster.server in the kubeconfig, or pass helm --kube-apiserver URL');
  }
  const server = checkServer(cluster.server, apiServer ? 'HELM_KUBEAPISERVER' : `server of cluster "${clusterName}"`);
  // The Kubernetes client takes a plain-HTTP server only with this flag, which it uses
  // to pick an HTTP agent; over plain HTTP there is no TLS to verify anyway.
  if (server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;

  const name = 'goservice';
  return {
    doc: {
      clusters: [{ name, cluster }],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
    },
    context: contextName,
    user: (userName || '(none)') + (user.as ? ` as ${user.as}` : ''),
    server,
    namespace: s.namespace || (typeof context.namespace === 'string' && context.namespace) || 'default',
    impersonateGroups: groups,
    source,
  };
}

/** KUBECONFIG's files in order (each once), else ~/.kube/config when it exists. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  if (env.KUBECONFIG) return [...new Set(env.KUBECONFIG.split(delimiter).filter(Boolean))].filter((f) => existsSync(f));
  const home = env.HOME && join(env.HOME, '.kube', 'config');
  return home && existsSync(home) ? [home] : [];
}

export interface Merged {
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  current?: string;
}

/** client-go's merge: the first file to define a name (or current-context) wins. */
export function mergeFiles(files: string[]): Merged {
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) {
    const doc = readKubeconfig(file);
    const dir = dirname(file);
    for (const kind of ['clusters', 'users', 'contexts'] as const) {
      for (const e of list(doc[kind], kind, file)) if (!m[kind].has(e.name)) m[kind].set(e.name, absolutePaths(e, dir));
    }
    if (!m.current && typeof doc['current-context'] === 'string' && doc['current-context']) m.current = doc['current-context'];
  }
  return m;
}

/** One kubeconfig file, read as client-go reads it (YAML 1.1, as Helm reads values). */
function readKubeconfig(file: string): Record<string, unknown> {
  const text = readBounded(file, { maxBytes: MAX_BYTES, field: FIELD });
  // The reader's problems may quote the file's lines, which may hold credentials: say where only.
  return parseValuesYaml(text, (problem) => {
    if (problem.startsWith(NOT_A_MAPPING)) return new UsageError(FIELD, `${file} is not a kubeconfig (not a mapping)`, 'point KUBECONFIG at kubeconfig files');
    const line = /\(line (\d+), column \d+\)/.exec(problem)?.[1];
    return new UsageError(FIELD, `${file} is not valid YAML${line ? ` (line ${line})` : ''}`, 'fix the kubeconfig file (kubectl config view shows what kubectl reads)');
  });
}

function list(v: unknown, kind: string, file: string): Entry[] {
  if (v == null) return [];
  const ok = Array.isArray(v) && v.every((e) => e && typeof e === 'object' && typeof e.name === 'string' && e.name);
  if (!ok) throw new UsageError(FIELD, `${file}: ${kind} must be a list of entries with a name`, 'fix the kubeconfig file (kubectl config view shows what kubectl reads)');
  return v as Entry[];
}

/** File references relative to the kubeconfig file that holds them, as client-go resolves them. */
function absolutePaths(e: Entry, dir: string): Entry {
  const abs = (p: unknown) => (typeof p === 'string' && p && !isAbsolute(p) ? join(dir, p) : p);
  const out = structuredClone(e);
  if (out.cluster && typeof out.cluster === 'object') out.cluster['certificate-authority'] = abs(out.cluster['certificate-authority']);
  if (out.user && typeof out.user === 'object') {
    for (const k of ['client-certificate', 'client-key', 'token-file']) out.user[k] = abs(out.user[k]);
    const cmd = out.user.exec?.command;
    if (typeof cmd === 'string' && cmd.includes('/')) out.user.exec.command = abs(cmd);
  }
  return out;
}

/** Inside a pod with no kubeconfig: the service account, as client-go's in-cluster config. */
function inCluster(m: Merged, env: NodeJS.ProcessEnv): void {
  const host = env.KUBERNETES_SERVICE_HOST!.includes(':') ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
  m.clusters.set('in-cluster', { name: 'in-cluster', cluster: { server: `https://${host}:${env.KUBERNETES_SERVICE_PORT || 443}`, 'certificate-authority': `${SA}/ca.crt` } });
  m.users.set('in-cluster', { name: 'in-cluster', user: { 'token-file': `${SA}/token` } });
  let namespace: string | undefined;
  try {
    namespace = readBounded(`${SA}/namespace`, { maxBytes: 4096, field: 'service account namespace' }).trim() || undefined;
  } catch {} // no namespace file: "default"
  m.contexts.set('in-cluster', { name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster', namespace } });
  m.current = 'in-cluster';
}

function missing(kind: string, name: string, source: string, known: string[], what = 'the'): GoserviceError {
  const shown = known.slice(0, 10).map((k) => `"${k}"`).join(', ') + (known.length > 10 ? ', ...' : '');
  return new NotFoundError(
    `${what} ${kind} "${name}" is not in ${source}`,
    known.length ? `use one of: ${shown} (helm --kube-context NAME), or fix KUBECONFIG` : 'set KUBECONFIG to the kubeconfig file(s) of your cluster',
  );
}

function checkServer(server: string, field: string): string {
  let u: URL | undefined;
  try {
    u = new URL(server);
  } catch {}
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password) {
    throw new UsageError(field, `"${u ? `${u.protocol}//${u.host}` : server.slice(0, 100)}" is not an http(s) URL without credentials`, 'give the API server as https://HOST:PORT');
  }
  return server.replace(/\/+$/, '');
}

/** Go's strconv.ParseBool, as Helm reads its boolean variables. */
function parseBool(v: string | undefined, field: string): boolean {
  if (v === undefined || v === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new UsageError(field, `"${v}" is not a boolean`, 'set it to true or false');
}
