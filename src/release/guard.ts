// Beside a Helm operation that waits: watch the release's workload, show
// progress, and (fail fast) as soon as the new pods certainly cannot come up,
// read the diagnosis and stop Helm, which then marks the revision failed and,
// when asked, rolls back. Started once Helm runs, so it adds nothing before;
// the watch itself starts after WATCH_AFTER_MS, so an operation Helm finishes
// sooner (a no-change upgrade) pays nothing for the Kubernetes client.
import { SECRET_KEY } from '../errors';
import { HelmSettings } from '../helm/client';
import { redactText } from '../process/run';
import { Diagnosis, diagnose } from './diagnose';
import { LINE_INTERVAL_MS, ProgressPrinter, ProgressStream } from './progress';
import { ReleaseWatch } from './watch';
import { emptyWorkload, Failure, findFailure, progressLine, Workload } from './workload';

export interface GuardOptions {
  since: number; // ms: the operation started
  progress?: ProgressStream; // where progress goes; none: no progress shown
  label: string; // e.g. "upgrade hello: "
  failFast: boolean;
  graceMs?: number; // how long an unschedulable pod or a missing ConfigMap/Secret is waited for
  watchAfterMs?: number; // default WATCH_AFTER_MS
  redact?: string[]; // strings no line or diagnosis may show (the values: an event may quote them)
}

/** How long a pod may stay unschedulable (or miss a ConfigMap/Secret) before the upgrade is stopped. */
export const GRACE_MS = 10_000;

/**
 * How long Helm runs before the watch starts: the progress printer's interval
 * (the second line is due no sooner), well within GRACE_MS. Loading the client
 * and its first TLS handshake take ~75 ms of CPU here, which would otherwise
 * delay noticing that a quick Helm has finished.
 */
export const WATCH_AFTER_MS = LINE_INTERVAL_MS;

/**
 * The value strings the workload's events and messages could quote that may be
 * secret: under env, or under a key that sounds like a secret (password, token, ...).
 * Not every string: a pod's reasons must stay readable.
 */
export function sensitiveStrings(values: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, secret: boolean, depth: number) => {
    if (typeof v === 'string') {
      if (secret && v.trim().length >= 4) out.add(v);
    } else if (v && typeof v === 'object' && depth < 200) {
      for (const [k, x] of Object.entries(v)) walk(x, secret || k === 'env' || SECRET_KEY.test(k), depth + 1);
    }
  };
  walk(values, false, 0);
  return [...out].sort((a, b) => b.length - a.length);
}

export class OperationGuard {
  private readonly abort = new AbortController();
  private watch?: ReleaseWatch;
  private printer?: ProgressPrinter;
  private timer?: NodeJS.Timeout;
  private starting?: NodeJS.Timeout;
  private judging = false;
  /** Set when the workload cannot come up; Helm is stopped once it is read. */
  failure?: { found: Failure; diagnosis: Diagnosis; afterMs: number };

  constructor(private readonly settings: HelmSettings, private readonly release: string, private readonly o: GuardOptions) {}

  /** Aborted when Helm must be stopped. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Called once Helm has started: says so at once, and watches from WATCH_AFTER_MS on. */
  start(): void {
    if (this.starting || (!this.o.progress && !this.o.failFast)) return; // nothing to show or decide: no watch
    if (this.o.progress) {
      this.printer = new ProgressPrinter(this.o.progress, this.o.label);
      this.printer.update(progressLine(emptyWorkload(this.o.since)));
    }
    (this.starting = setTimeout(() => this.watchNow(), this.o.watchAfterMs ?? WATCH_AFTER_MS)).unref();
  }

  private watchNow(): void {
    if (this.abort.signal.aborted) return;
    this.watch = ReleaseWatch.start(this.settings, this.release, { since: this.o.since, onChange: (w) => this.changed(w) });
    // Grace periods run out without any event.
    if (this.o.failFast) (this.timer = setInterval(() => this.watch && this.judge(this.watch.workload), 1000)).unref();
  }

  private changed(w: Workload): void {
    this.printer?.update(redactText(progressLine(w), this.o.redact));
    if (this.o.failFast) this.judge(w);
  }

  private judge(w: Workload): void {
    if (this.judging || this.failure || this.abort.signal.aborted) return;
    const found = findFailure(w, Date.now(), this.o.graceMs ?? GRACE_MS);
    if (!found) return;
    this.judging = true;
    const afterMs = Date.now() - this.o.since;
    diagnose(this.watch?.kube, this.settings.namespace, found)
      .catch((): Diagnosis => ({ reason: found.reason, object: found.object, message: found.message, events: [], containers: [] }))
      .then((diagnosis) => {
        this.failure = { found, diagnosis: JSON.parse(redactText(JSON.stringify(diagnosis), this.o.redact)), afterMs };
        this.stop();
        this.abort.abort();
      });
  }

  /** Ends the watch and the progress line. */
  stop(): void {
    clearTimeout(this.starting);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watch?.stop();
    this.printer?.done();
  }
}
