// Which operations on a release may still be running, and how we know. Used by
// `rollback --recover` (and every rollback) so that it never races an upgrade:
//
// 1. Markers: every goservice upgrade/rollback writes a marker per (kube
//    context + API server, namespace, release) into the per-user directory
//    <cache root>/operations/ while it runs: its pid, the process start time
//    (so a reused pid is not taken for it), the command and its --timeout. A
//    marker whose process is alive is certain. A marker left by a process that
//    died without cleaning up (SIGKILL) means its Helm may still run, up to
//    twice its --timeout (upgrade, then the automatic rollback). A command
//    interrupted by SIGINT/SIGTERM waits for Helm to exit, then leaves an
//    "ended" marker naming the pending revision Helm left, if any: that
//    revision is known to have no Helm behind it.
// 2. Processes: a Helm process on this machine whose arguments name the
//    release (upgrade/install/rollback/uninstall) and the namespace (Linux /proc).
// 3. Age: Helm elsewhere (CI, a colleague) cannot be seen; a pending revision
//    younger than the grace period (--grace, default 5m, Helm's default
//    --timeout) may still be worked on.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { kubeconfigFiles, type Merged, mergeFiles } from '../kube/config';
import { HelmSettings, Revision } from '../helm/client';
import { onCleanup } from '../process/lifecycle';
import { fileKey, readPrivateJson, userDir, writePrivateJson } from '../process/user-dir';
import { durationMs } from './names';

export interface Marker {
  v: 1;
  pid: number;
  procStart: string | null; // /proc/PID/stat start time: tells a reused pid apart
  boot: string | null; // boot id: a marker from before a reboot is dead
  command: string; // upgrade | rollback
  release: string;
  namespace: string;
  context: string;
  server: string; // the context's API server: with the three above, the key of the file name
  startedAt: string; // ISO 8601
  timeout: string; // the --timeout it gave Helm
  state: 'running' | 'ended';
  revision?: number; // ended: the revision Helm left pending, after it exited
  status?: string;
}

export interface InFlight {
  running: Marker[]; // goservice processes that are alive
  orphaned: Marker[]; // died without cleaning up: their Helm may still run until `until`
  ended: Marker[]; // interrupted, Helm exited, left the given revision pending
  helms: { pid: number; args: string }[]; // Helm processes here working on the release
  procUsable: boolean; // false: /proc cannot be read (not Linux), so no process was seen
  markersUsable: boolean; // false: the marker directory is missing or unsafe (then only 2 and 3 apply)
}

const OLD = 7 * 24 * 3600_000; // markers older than this are removed

/** The markers of one release on one cluster. */
export class OperationMarkers {
  private readonly dir: string | undefined;
  private readonly key: string;
  readonly context: string;
  private readonly server: string;

  constructor(private readonly settings: HelmSettings, private readonly release: string) {
    this.dir = userDir('operations', { env: settings.env });
    const t = kubeTarget(settings);
    this.context = t.context;
    this.server = t.server;
    this.key = fileKey([t.context, t.server, settings.namespace, release].join('\0'));
  }

  /** Marks this process as running `command` on the release until it exits (or `end` is called). */
  begin(command: string, timeout: string): { end(): void; leftPending(revision: number, status: string): void } {
    const name = `${this.key}.${process.pid}.json`;
    const marker: Marker = {
      v: 1,
      pid: process.pid,
      procStart: procStart(process.pid),
      boot: bootId(),
      command,
      release: this.release,
      namespace: this.settings.namespace,
      context: this.context,
      server: this.server,
      startedAt: new Date().toISOString(),
      timeout,
      state: 'running',
    };
    const dir = this.dir;
    if (!dir || !writePrivateJson(dir, name, marker)) return { end() {}, leftPending() {} };
    const remove = () => rmSync(join(dir, name), { force: true });
    const unregister = onCleanup(remove);
    let open = true;
    return {
      end() {
        if (!open) return;
        open = false;
        unregister();
        remove();
      },
      leftPending(revision, status) {
        if (!open) return;
        open = false;
        unregister();
        writePrivateJson(dir, name, { ...marker, state: 'ended', revision, status });
      },
    };
  }

  /** What may still be running on the release, apart from this process. */
  scan(now = Date.now()): InFlight {
    const helms = helmProcesses(this.release, this.settings.namespace);
    const out: InFlight = { running: [], orphaned: [], ended: [], helms: helms ?? [], procUsable: !!helms, markersUsable: !!this.dir };
    for (const [file, m] of this.markers()) {
      if (m.pid === process.pid) continue;
      const age = now - Date.parse(m.startedAt);
      if (m.state === 'running' && alive(m)) out.running.push(m);
      else if (m.state === 'running' && age < 2 * durationMs(m.timeout) + 60_000) out.orphaned.push(m);
      else if (m.state === 'ended' && age < OLD) out.ended.push(m);
      else rmSync(file, { force: true }); // done with: nothing of it can still run
    }
    return out;
  }

  /** Forgets the "ended" markers (after the release was recovered). */
  clearEnded(): void {
    for (const [file, m] of this.markers()) if (m.state === 'ended') rmSync(file, { force: true });
  }

  private markers(): [string, Marker][] {
    if (!this.dir) return [];
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.startsWith(`${this.key}.`) && n.endsWith('.json'));
    } catch {
      return [];
    }
    const out: [string, Marker][] = [];
    for (const n of names) {
      const file = join(this.dir, n);
      const m = readPrivateJson(file, 16 * 1024, { env: this.settings.env });
      if (!isMarker(m)) rmSync(file, { force: true }); // garbled or planted: never trusted
      else if (m.release === this.release && m.namespace === this.settings.namespace && m.context === this.context && m.server === this.server) out.push([file, m]);
      // else another release's, whose key is the same: left to it
    }
    return out;
  }
}

/** When an orphaned marker's Helm must have stopped: twice its timeout after it started, plus a minute. */
export function orphanDeadline(m: Marker): Date {
  return new Date(Date.parse(m.startedAt) + 2 * durationMs(m.timeout) + 60_000);
}

/** The latest pending revision is known to have no Helm behind it (an interrupted goservice waited for its Helm). */
export function endedFor(f: InFlight, current: Revision): Marker | undefined {
  return f.ended.find((m) => m.revision === current.revision && m.status === current.status);
}

function isMarker(m: any): m is Marker {
  return (
    m?.v === 1 &&
    Number.isSafeInteger(m.pid) &&
    m.pid > 0 &&
    typeof m.command === 'string' &&
    typeof m.startedAt === 'string' &&
    !isNaN(Date.parse(m.startedAt)) &&
    typeof m.timeout === 'string' &&
    /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(m.timeout) &&
    (m.state === 'running' || m.state === 'ended')
  );
}

function alive(m: Marker): boolean {
  if (m.boot && bootId() && m.boot !== bootId()) return false;
  try {
    process.kill(m.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = procStart(m.pid);
  return !m.procStart || !start || start === m.procStart;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null off Linux. */
function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

let boot: string | null | undefined;
function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      boot = null;
    }
  }
  return boot;
}

const MUTATING = new Set(['upgrade', 'install', 'rollback', 'uninstall', 'delete', 'del', 'un']);

/** Helm processes on this machine whose arguments name the release and the namespace (or no namespace); undefined without /proc. */
export function helmProcesses(release: string, namespace: string, proc = '/proc'): { pid: number; args: string }[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return undefined;
  }
  const out: { pid: number; args: string }[] = [];
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(join(proc, pid, 'cmdline'), 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone, or not ours to read
    }
    if (!argv.length || !/helm/.test(basename(argv[0]))) continue;
    const verb = argv.findIndex((a) => MUTATING.has(a));
    if (verb < 0 || argv[verb + 1] !== release || argv.includes('goservice')) continue;
    const ns = namespaceArg(argv);
    if (ns === undefined || ns === namespace) out.push({ pid: Number(pid), args: argv.slice(verb, verb + 2).join(' ') });
  }
  return out;
}

function namespaceArg(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const m = /^(?:-n|--namespace)(?:=(.*))?$/.exec(argv[i]);
    if (m) return m[1] ?? argv[i + 1];
    if (argv[i].startsWith('-n') && argv[i].length > 2 && !argv[i].startsWith('--')) return argv[i].slice(2);
  }
  return undefined;
}

/** The kube context (HELM_KUBECONTEXT, else the kubeconfig's current-context) and its API server, for marker keys. */
export function kubeTarget(settings: HelmSettings): { context: string; server: string } {
  let merged: Merged | undefined;
  try {
    merged = mergeFiles(kubeconfigFiles(settings.env));
  } catch {
    // unreadable: Helm will say so
  }
  const context = settings.kubeContext || merged?.current || '';
  const cluster = merged?.contexts.get(context)?.context?.cluster;
  const server = String(merged?.clusters.get(String(cluster ?? ''))?.cluster?.server ?? '');
  return { context, server: server.replace(/^([a-z][a-z\d+.-]*:\/\/)[^/?#]*@/i, '$1') }; // written into markers: no user:password@
}
