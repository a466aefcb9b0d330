// Watches a release's pods and Deployments (label app.kubernetes.io/instance)
// through the one Kubernetes client while Helm waits, keeping the Workload
// that progress and fail-fast read. It never changes anything; when the API
// server cannot be watched it stays silent and Helm's own wait decides.
import { KubeClient, KubeSettings, RawObject, WatchHandle } from '../kube/client';
import { emptyWorkload, problemKey, podProblems, Workload } from './workload';

export interface WatchOptions {
  since: number; // ms: when the operation started
  onChange(w: Workload): void; // after each event
}

export class ReleaseWatch {
  private readonly handles: WatchHandle[] = [];
  private stopped = false;
  readonly workload: Workload;
  /** Set once connected; null when the API server could not be used. */
  kube?: KubeClient | null;

  private constructor(private readonly o: WatchOptions) {
    this.workload = emptyWorkload(o.since);
  }

  /** Starts watching; connection problems are swallowed (the watch is an aid, Helm does the release). */
  static start(settings: KubeSettings & { namespace: string }, release: string, o: WatchOptions): ReleaseWatch {
    const w = new ReleaseWatch(o);
    KubeClient.connect(settings).then(
      (kube) => w.attach(kube, settings.namespace, release),
      () => (w.kube = null),
    );
    return w;
  }

  private attach(kube: KubeClient, namespace: string, release: string): void {
    this.kube = kube;
    if (this.stopped) return;
    const query = { labelSelector: `app.kubernetes.io/instance=${release}` };
    const ns = encodeURIComponent(namespace);
    this.handles.push(kube.watch(`/api/v1/namespaces/${ns}/pods`, query, (t, o) => this.update(this.workload.pods, t, o)));
    this.handles.push(kube.watch(`/apis/apps/v1/namespaces/${ns}/deployments`, query, (t, o) => this.update(this.workload.deployments, t, o)));
  }

  private update(list: RawObject[], type: string, obj: RawObject): void {
    if (this.stopped || !obj?.metadata?.uid) return;
    const at = list.findIndex((x) => x.metadata.uid === obj.metadata.uid);
    if (type === 'DELETED') {
      if (at >= 0) list.splice(at, 1);
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      if (at >= 0) list[at] = obj;
      else list.push(obj);
      if (obj.kind === 'Pod' || list === this.workload.pods) {
        const now = Date.now();
        for (const p of podProblems(obj)) if (!this.workload.firstSeen.has(problemKey(obj, p))) this.workload.firstSeen.set(problemKey(obj, p), now);
      }
    } else return; // BOOKMARK, ERROR
    this.o.onChange(this.workload);
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.handles.splice(0)) h.stop();
  }
}
