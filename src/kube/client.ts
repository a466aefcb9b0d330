// KubeClient: the product's one Kubernetes client, on @kubernetes/client-node,
// connected as Helm connects (see config.ts). The package is loaded on first
// use, so commands that never talk to the API server do not pay for it.
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type * as K8s from './k8s';
import { KubeSettings, resolveKubeconfig, ResolvedKubeconfig } from './config';
import { connectionError, credentialError, KubeTarget, missingNamespace, refusalMessage, statusOf, warningTexts } from './errors';
import { KubeObject, objectRef } from './manifest';
import { OperationError, UsageError } from '../errors';
import { defaultTrust } from '../tls/trust';

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
  applied?: RawObject; // accepted: the object as the API server would store it
}

/** An object as the API server sent it (JSON, not the client's typed models). */
export type RawObject = Record<string, any>;

/** A running watch; `stop` ends it and its connection. */
export interface WatchHandle {
  stop(): void;
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
  private readonly core: K8s.CoreV1Api;
  /** The body of the last answer, as text: read once here so the caller can have it raw. */
  private lastBody = '';
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly k8s: typeof K8s,
    private readonly kc: K8s.KubeConfig,
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
        const text = await res.body.text();
        this.lastBody = text;
        return new k8s.ResponseContext(res.httpStatusCode, res.headers, { text: async () => text, binary: async () => Buffer.from(text) });
      },
    };
    const configuration = k8s.createConfiguration({ baseServer: new k8s.ServerConfiguration(config.server, {}), authMethods: { default: kc }, promiseMiddleware: [middleware] });
    this.api = new (class extends k8s.KubernetesObjectApi {
      constructor() {
        super(configuration);
        this.defaultNamespace = config.namespace; // namespaced objects without one go there, as with Helm
      }
    })();
    this.core = new k8s.CoreV1Api(configuration);
  }

  /** A client for the context Helm would use; fails early on unusable credentials. */
  static async connect(settings: KubeSettings, opts: ConnectOptions = {}): Promise<KubeClient> {
    const config = resolveKubeconfig(settings);
    if (config.impersonateGroups.length > 1) {
      throw new UsageError('HELM_KUBEASGROUPS', `impersonating ${config.impersonateGroups.length} groups is not supported by the server-side dry run`, 'impersonate at most one group');
    }
    const target: KubeTarget = { server: config.server, context: config.context, user: config.user, source: config.source };
    trustByDefault(config.doc.clusters[0].cluster);
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

  /** Runs API calls one at a time: each answer's raw body and warnings belong to its call. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The answer of the last call as JSON (the client's typed models drop fields they do not know). */
  private lastJson(): RawObject | undefined {
    try {
      return JSON.parse(this.lastBody);
    } catch {
      return undefined;
    }
  }

  /** The live object, as the API server stores it; null when it does not exist. Throws a typed error when the server cannot be used. */
  read(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): Promise<RawObject | null> {
    return this.exclusive(async () => {
      try {
        await this.api.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace ?? this.namespace } });
        return this.lastJson() ?? null;
      } catch (e) {
        const st = statusOf(e);
        if (st?.code === 404) return null;
        if (/^Unrecognized API version and kind/.test((e as Error)?.message ?? '')) return null; // a kind the server does not serve has no live object
        throw connectionError(e, this.target) ?? new OperationError(`reading ${objectRef(o, this.namespace)} failed: ${refusalMessage(e)}`.slice(0, 500));
      }
    });
  }

  /** The events about one object (by name) in a namespace, oldest first. */
  events(namespace: string, name: string): Promise<RawObject[]> {
    return this.exclusive(async () => {
      await this.api.list('v1', 'Event', namespace, undefined, undefined, undefined, `involvedObject.name=${name}`);
      const items = (this.lastJson()?.items ?? []) as RawObject[];
      const at = (e: RawObject) => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? '') || 0;
      return items.sort((a, b) => at(a) - at(b));
    });
  }

  /** The last `lines` log lines of a container (`previous`: of its last terminated run); '' when there are none. */
  logs(namespace: string, pod: string, container: string, o: { previous?: boolean; lines?: number } = {}): Promise<string> {
    return this.exclusive(async () => {
      try {
        return String(await this.core.readNamespacedPodLog({ name: pod, namespace, container, previous: o.previous, tailLines: o.lines ?? 20, limitBytes: 64 * 1024 }));
      } catch {
        return ''; // no logs (never started, no kubelet to ask): the diagnosis says so
      }
    });
  }

  /**
   * Watches a collection (e.g. /api/v1/namespaces/NS/pods) from its current
   * state: every object arrives as ADDED, then each change. A dropped
   * connection is re-opened until `stop`.
   */
  watch(path: string, query: Record<string, string>, onEvent: (type: string, obj: RawObject) => void): WatchHandle {
    let stopped = false;
    let abort: AbortController | undefined;
    const open = () => {
      if (stopped) return;
      new this.k8s.Watch(this.kc)
        .watch(path, query, (type, obj) => !stopped && onEvent(type, obj), () => !stopped && setTimeout(open, 1000).unref())
        .then((a) => (stopped ? a.abort() : (abort = a)), () => !stopped && setTimeout(open, 1000).unref());
    };
    open();
    return {
      stop() {
        stopped = true;
        abort?.abort();
      },
    };
  }

  /**
   * Sends each object as a server-side apply (field manager "goservice", force)
   * with dryRun=All: the API server decodes, defaults, validates and admits it
   * against the live state, and stores nothing. One outcome per object, in order.
   * Throws a typed error when the server cannot be used (unreachable, credentials, rights).
   */
  dryRunApply(objects: readonly KubeObject[]): Promise<DryRunOutcome[]> {
    return this.exclusive(() => this.dryRunApplyEach(objects));
  }

  private async dryRunApplyEach(objects: readonly KubeObject[]): Promise<DryRunOutcome[]> {
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
        out.push({ ...base, accepted: true, applied: this.lastJson() });
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

/** A cluster entry that names no CA trusts what Node would trust by default (src/tls/trust.ts), NODE_EXTRA_CA_CERTS included. */
function trustByDefault(cluster: Record<string, unknown>): void {
  if (cluster['certificate-authority'] || cluster['certificate-authority-data'] || cluster['insecure-skip-tls-verify']) return;
  const ca = defaultTrust();
  if (ca) cluster['certificate-authority-data'] = Buffer.from(ca.join('\n')).toString('base64');
}

/** A plain HTTP(S) agent with the same options and keep-alive; a proxy agent is left as it is. */
function keptAlive(a: Agent | undefined): Agent | undefined {
  if (!a) return a;
  const options = (a as unknown as { options: object }).options;
  const { Agent: Https } = require('node:https') as typeof import('node:https'); // loaded with the client by now
  const { Agent: Http } = require('node:http') as typeof import('node:http');
  if (Object.getPrototypeOf(a) === Https.prototype) return new Https({ ...options, keepAlive: true });
  if (Object.getPrototypeOf(a) === Http.prototype) return new Http({ ...options, keepAlive: true });
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
