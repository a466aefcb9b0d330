import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { fixtureCopy, RUN, runCli } from '../support/cli';

// Crash and concurrency: `create` killed (SIGKILL) at random moments never leaves a
// half-written chart, and the next run finishes or discards what was staged;
// twenty parallel `bump`s neither lose nor reorder a version.

jest.setTimeout(600_000);

type State = Record<string, string>;

/** Chart directory, Dockerfile and .dockerignore of a module: path -> content. */
function state(dir: string): State {
  const out: State = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(join(dir, 'charts'));
  for (const f of ['Dockerfile', '.dockerignore']) if (existsSync(join(dir, f))) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

const unit = (s: State, prefix: string) => Object.fromEntries(Object.entries(s).filter(([k]) => k === prefix || k.startsWith(`${prefix}/`)));
const UNITS = ['charts/hello', 'Dockerfile', '.dockerignore'];
const committed = (dir: string) => readdirSync(dir).some((n) => n.startsWith('.goservice-txn-') && existsSync(join(dir, n, 'journal.json')));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('create killed at random moments', () => {
  it('leaves the old or the new chart (or a committed transaction the next run finishes), never a mix, over 100 kills', async () => {
    const PORTS = [8081, 9091];
    const args = (port: number) => ['create', 'hello', '--force', '--port', String(port)];
    // The two complete states, made without interruption.
    const expected = PORTS.map((port) => {
      const d = fixtureCopy('hello');
      expect(runCli([...args(port), '--dir', d]).code).toBe(0);
      return state(d);
    });
    const dir = fixtureCopy('hello');
    expect(runCli([...args(PORTS[0]), '--dir', dir]).code).toBe(0);

    let killedMidWrite = 0;
    for (let i = 0; i < 100; i++) {
      const [prev, next] = [expected[i % 2], expected[(i + 1) % 2]];
      const child = spawn(process.execPath, [RUN, ...args(PORTS[(i + 1) % 2]), '--dir', dir], { stdio: 'ignore' });
      let kill: () => void;
      if (i % 2 === 0) {
        // Half of the runs: killed at a random moment of their whole life.
        const t = setTimeout(() => child.kill('SIGKILL'), Math.random() * 1500);
        kill = () => clearTimeout(t);
      } else {
        // The other half: killed a few milliseconds after staging starts, inside the write.
        const w = watch(dir, (_, name) => {
          if (String(name).startsWith('.goservice-txn-')) setTimeout(() => child.kill('SIGKILL'), Math.random() * 6);
        });
        kill = () => w.close();
      }
      await exited(child);
      kill();
      if (child.signalCode === 'SIGKILL' && readdirSync(dir).some((n) => n.startsWith('.goservice-txn-'))) killedMidWrite++;

      const now = state(dir);
      expect(Object.keys(unit(now, 'charts/hello')).filter((k) => k.includes('.goservice-'))).toEqual([]); // nothing staged inside the chart
      delete now['charts/.goservice-hello.lock']; // a killed run's lock: taken over by the next run
      if (committed(dir)) {
        for (const u of UNITS) expect([unit(prev, u), unit(next, u), {}]).toContainEqual(unit(now, u));
      } else {
        expect([prev, next]).toContainEqual(now);
      }
      // The next run recovers and completes.
      const r = runCli([...args(PORTS[(i + 1) % 2]), '--dir', dir]);
      expect(r.code).toBe(0);
      expect(state(dir)).toEqual(next);
      expect(readdirSync(dir).filter((n) => n.startsWith('.goservice'))).toEqual([]);
      expect(readdirSync(join(dir, 'charts')).filter((n) => n.startsWith('.goservice'))).toEqual([]);
    }
    // The kills did land inside writes, not only before or after them.
    expect(killedMidWrite).toBeGreaterThan(0);
  });
});

describe('bump run 20 times at once', () => {
  it('serialises: every run succeeds with its own version and the chart ends at 0.1.20', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'goservice-bumps-'));
    mkdirSync(join(cwd, 'charts/hello'), { recursive: true });
    writeFileSync(join(cwd, 'charts/hello/Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: "1.0.0"\n');
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => {
        const child = spawn(process.execPath, [RUN, 'bump', 'patch', '--json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout!.on('data', (b) => (out += b));
        child.stderr!.on('data', (b) => (err += b));
        return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
      }),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(20).fill(0));
    const versions = runs.map((r) => JSON.parse(r.out).version.to).sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => `0.1.${i + 1}`));
    expect(parse(readFileSync(join(cwd, 'charts/hello/Chart.yaml'), 'utf8')).version).toBe('0.1.20');
    expect(readdirSync(join(cwd, 'charts')).sort()).toEqual(['hello']); // no lock file left
  });
});
