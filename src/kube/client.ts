// KubeClient: the product's one Kubernetes client, on @kubernetes/client-node,
// connected as Helm connects (see config.ts). The package is loaded on first
// use, so commands that never talk to the API server do not pay for it.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type * as K8s from './k8s';
import { KubeSettings, resolveKubeconfig, ResolvedKubeconfig } from './config';
import { connectionError, credentialError, KubeTarget, missingNamespace, refusalMessage, statusOf, warningTexts } from './errors';
import { KubeObject, objectRef } from './manifest';
import { OperationError, UsageError } from '../errors';

export type { KubeSettings } from './config';

/** What the API server said about one object in a dry run. */
export interface DryRunOutcome {
  ref: string; // Kind/name (Kind/namespace/name outside the client's namespace)
  kind: string;
  name: string;
  namespace?: string; // unset for cluster-scoped kinds
  accepted: boolean;
  refusal?: string; // the API server's reason, when refused
  missingNamespace?: string; // not checked: its namespace does not exist
  warnings: string[]; // Warning headers of the answer (e.g. PodSecurity, deprecated APIs)
}

export const FIELD_MANAGER = 'goservice';
type Agent = HttpAgent | HttpsAgent;

export interface ConnectOptions {
  requestTimeoutMs?: number; // per request, default 30 s: a server that accepts and never answers
}

export class KubeClient {
  /** Requests go one at a time: the body to send and the warnings of the answer. */
  private sending?: KubeObject;
  private heard: string[] = [];
  private agent?: Agent;
  private readonly api: K8s.KubernetesObjectApi;

  private constructor(
    private readonly k8s: typeof K8s,
    kc: K8s.KubeConfig,
    private readonly config: ResolvedKubeconfig,
    readonly target: KubeTarget,
    timeoutMs: number,
  ) {
    const middleware: K8s.Middleware = {
      pre: async (req) => {
        req.setSignal(AbortSignal.timeout(timeoutMs));
        // The client makes a new agent, so a new connection and TLS handshake, for
        // every request: keep the first one's settings and one kept-alive connection.
        this.agent ??= keptAlive(req.getAgent());
        if (this.agent) req.setAgent(this.agent);
        // The client would re-serialize the object through its typed models, which
        // drop fields they do not know: send the rendered object as it is.
        if (this.sending && req.getHttpMethod() === 'PATCH') {
          req.setBody(JSON.stringify(this.sending));
          req.setUrl(exactPath(req.getUrl(), this.sending));
        }
        if (config.impersonateGroups.length) req.setHeaderParam('Impersonate-Group', config.impersonateGroups[0]);
        return req;
      },
      post: async (res) => {
        this.heard.push(...warningTexts(res.headers['warning']));
        return res;
      },
    };
    const configuration = k8s.createConfiguration({ baseServer: new k8s.ServerConfiguration(config.server, {}), authMethods: { default: kc }, promiseMiddleware: [middleware] });
    this.api = new (class extends k8s.KubernetesObjectApi {
      constructor() {
        super(configuration);
        this.defaultNamespace = config.namespace; // namespaced objects without one go there, as with Helm
      }
    })();
  }

  /** A client for the context Helm would use; fails early on unusable credentials. */
  static async connect(settings: KubeSettings, opts: ConnectOptions = {}): Promise<KubeClient> {
    const config = resolveKubeconfig(settings);
    if (config.impersonateGroups.length > 1) {
      throw new UsageError('HELM_KUBEASGROUPS', `impersonating ${config.impersonateGroups.length} groups is not supported by the server-side dry run`, 'impersonate at most one group');
    }
    const target: KubeTarget = { server: config.server, context: config.context, user: config.user, source: config.source };
    // On first use: the package is a bundle of its own, dist/k8s.js (see scripts/build.js).
    const k8s: typeof K8s = require('./k8s');
    const kc = new k8s.KubeConfig();
    kc.loadFromString(JSON.stringify(config.doc));
    try {
      await kc.applyToFetchOptions({}); // reads certificate files, runs a credential plugin (cached)
    } catch (e) {
      throw credentialError(e, target);
    }
    return new KubeClient(k8s, kc, config, target, opts.requestTimeoutMs ?? 30_000);
  }

  /** The namespace of namespaced objects that name none. */
  get namespace(): string {
    return this.config.namespace;
  }

  /**
   * Sends each object as a server-side apply (field manager "goservice", force)
   * with dryRun=All: the API server decodes, defaults, validates and admits it
   * against the live state, and stores nothing. One outcome per object, in order.
   * Throws a typed error when the server cannot be used (unreachable, credentials, rights).
   */
  async dryRunApply(objects: readonly KubeObject[]): Promise<DryRunOutcome[]> {
    const out: DryRunOutcome[] = [];
    for (const o of objects) {
      const unsendable = pathProblem(o);
      if (unsendable) {
        out.push({ ref: objectRef(o, this.namespace), kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, accepted: false, refusal: unsendable, warnings: [] });
        continue;
      }
      const spec = structuredClone(o);
      this.sending = spec;
      this.heard = [];
      let error: unknown;
      try {
        await this.api.patch(spec, undefined, 'All', FIELD_MANAGER, true, this.k8s.PatchStrategy.ServerSideApply);
      } catch (e) {
        error = e;
      } finally {
        this.sending = undefined;
      }
      const base = { ref: objectRef(spec, this.namespace), kind: spec.kind, name: spec.metadata.name, namespace: spec.metadata.namespace, warnings: this.heard };
      if (error === undefined) {
        out.push({ ...base, accepted: true });
        continue;
      }
      const fatal = connectionError(error, this.target);
      if (fatal) throw fatal;
      const ns = missingNamespace(error);
      const text = (error as Error)?.message ?? '';
      // Discovery finds no such kind in the group version, or no such group version at all.
      const unserved = /^Unrecognized API version and kind/.test(text) || (statusOf(error)?.code === 404 && /^Failed to fetch resource metadata/.test(text));
      if (ns) out.push({ ...base, accepted: false, missingNamespace: ns });
      else if (unserved) {
        out.push({ ...base, accepted: false, refusal: `the API server does not serve ${spec.apiVersion} ${spec.kind} (an API version it no longer serves, or a custom resource whose CRD is not installed)` });
      } else if (statusOf(error)) out.push({ ...base, accepted: false, refusal: refusalMessage(error) });
      else {
        throw new OperationError(`server-side dry run of ${base.ref} failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 500));
      }
    }
    return out;
  }
}

/**
 * The object's URL with its name and namespace in their own case: the client
 * lower-cases the whole path, so "MyRole" would be sent to .../myrole and
 * refused for a mismatch, or a valid upper-case name reported as invalid.
 */
export function exactPath(url: string, o: KubeObject): string {
  const u = new URL(url);
  const p = u.pathname.split('/');
  p[p.length - 1] = encodeURIComponent(o.metadata.name);
  if (p[p.length - 4] === 'namespaces' && o.metadata.namespace) p[p.length - 3] = encodeURIComponent(o.metadata.namespace);
  u.pathname = p.join('/');
  return u.toString();
}

/** A plain HTTP(S) agent with the same options and keep-alive; a proxy agent is left as it is. */
function keptAlive(a: Agent | undefined): Agent | undefined {
  if (!a) return a;
  const options = (a as unknown as { options: object }).options;
  if (Object.getPrototypeOf(a) === HttpsAgent.prototype) return new HttpsAgent({ ...options, keepAlive: true });
  if (Object.getPrototypeOf(a) === HttpAgent.prototype) return new HttpAgent({ ...options, keepAlive: true });
  return a;
}

/**
 * A name or namespace that cannot be a URL path segment: the API server refuses
 * these for every kind, in these words; sent, they would change the URL itself.
 */
function pathProblem(o: KubeObject): string | undefined {
  for (const [field, v] of [['metadata.name', o.metadata.name], ['metadata.namespace', o.metadata.namespace]] as const) {
    if (typeof v !== 'string') continue;
    const why = v === '.' || v === '..' ? `may not be '${v}'` : v.includes('/') ? "may not contain '/'" : v.includes('%') ? "may not contain '%'" : undefined;
    if (why) return `${field}: Invalid value: ${JSON.stringify(v)}: ${why}`;
  }
  return undefined;
}
