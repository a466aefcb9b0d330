import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLock } from '../../src/write/lock';
import { fixtureCopy, RUN, runCli, snapshot } from '../support/cli';

// Hostile file systems around `create` and `bump`: links out of the module,
// files in the way, read-only places, stale locks. Each refusal: the documented
// exit code, a message naming the path and the fix, and nothing changed.

const create = (dir: string, ...args: string[]) => runCli(['create', 'hello', '--dir', dir, ...args]);
const bump = (cwd: string, ...args: string[]) => runCli(['bump', ...args], { cwd });
const outside = () => mkdtempSync(join(tmpdir(), 'goservice-outside-'));

describe('links out of the module', () => {
  it.each([
    ['charts is a link to a directory outside', 'charts', [] as string[]],
    ['charts is a link, with --force', 'charts', ['--force']],
    ['charts/hello is a link to a directory outside', 'charts/hello', ['--force']],
  ])('%s: refused (exit 4), nothing written on either side', (_, linkAt, extra) => {
    const dir = fixtureCopy('hello');
    const elsewhere = outside();
    writeFileSync(join(elsewhere, 'Chart.yaml'), 'precious: true\n');
    mkdirSync(join(dir, linkAt, '..'), { recursive: true });
    symlinkSync(elsewhere, join(dir, linkAt));
    const [inside, out] = [snapshot(dir), snapshot(elsewhere)];
    const r = create(dir, ...extra);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${linkAt} is a symbolic link`);
    expect(r.stderr).toContain(elsewhere);
    expect(r.stderr).toMatch(/Fix: replace the link/);
    expect(snapshot(dir)).toEqual(inside);
    expect(snapshot(elsewhere)).toEqual(out);
  });

  it('a generated file that is a link to a file outside is not written through', () => {
    const dir = fixtureCopy('hello');
    expect(create(dir).code).toBe(0);
    const elsewhere = outside();
    writeFileSync(join(elsewhere, 'values.yaml'), 'precious: true\n');
    rmSync(join(dir, 'charts/hello/values.yaml'));
    symlinkSync(join(elsewhere, 'values.yaml'), join(dir, 'charts/hello/values.yaml'));
    const [inside, out] = [snapshot(dir), snapshot(elsewhere)];
    const r = create(dir, '--force', '--port', '9090');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('charts/hello/values.yaml is a symbolic link');
    expect(snapshot(dir)).toEqual(inside);
    expect(snapshot(elsewhere)).toEqual(out);
  });
});

describe('files and directories in the way', () => {
  it.each([
    ['a plain file where templates/ must go', 'charts/hello/templates', 'file', 'charts/hello/templates is a file where a directory must be'],
    ['a plain file where charts/ must go', 'charts', 'file', 'charts is a file where a directory must be'],
    ['a directory where the Dockerfile must go', 'Dockerfile', 'dir', 'Dockerfile is a directory where a file must be'],
    ['a FIFO where .dockerignore must go', '.dockerignore', 'fifo', '.dockerignore is not a regular file'],
  ])('%s: refused by --dry-run and by the real run (exit 4), nothing written', (_, at, kind, message) => {
    const dir = fixtureCopy('hello');
    mkdirSync(join(dir, at, '..'), { recursive: true });
    if (kind === 'file') writeFileSync(join(dir, at), 'x\n');
    else if (kind === 'dir') mkdirSync(join(dir, at));
    else expect(spawnSync('mkfifo', [join(dir, at)]).status).toBe(0);
    const before = snapshot(dir);
    for (const extra of [['--dry-run'], [], ['--force']]) {
      const r = create(dir, ...extra);
      expect({ extra, code: r.code }).toEqual({ extra, code: 4 });
      expect(r.stderr).toContain(message);
      expect(r.stderr).toMatch(/\nFix: /);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(snapshot(dir)).toEqual(before);
    }
  });
});

describe('dry run shows the plan', () => {
  it('over files that differ: exit 0, lists what would be created, replaced (needs --force) and left alone', () => {
    const dir = fixtureCopy('hello');
    expect(create(dir).code).toBe(0);
    const before = snapshot(dir);
    const r = create(dir, '--dry-run', '--port', '9090');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^replaced {2}charts\/hello\/values.yaml {2}\(needs --force\)$/m);
    expect(r.stdout).toMatch(/^replaced {2}Dockerfile {2}\(needs --force\)$/m);
    expect(r.stdout).toMatch(/^unchanged charts\/hello\/Chart.yaml$/m);
    expect(r.stdout).toMatch(/the real run needs --force/);
    expect(snapshot(dir)).toEqual(before);
    const json = JSON.parse(create(dir, '--dry-run', '--port', '9090', '--json').stdout);
    expect(json.files.find((f: any) => f.path === 'Dockerfile')).toEqual({ path: 'Dockerfile', action: 'replaced', needsForce: true });
  });

  it('a replacement keeps files the user added to the chart and leaves no staging behind', () => {
    const dir = fixtureCopy('hello');
    expect(create(dir).code).toBe(0);
    writeFileSync(join(dir, 'charts/hello/templates/extra.yaml'), '# mine\n');
    expect(create(dir, '--force', '--port', '9090').code).toBe(0);
    expect(readFileSync(join(dir, 'charts/hello/templates/extra.yaml'), 'utf8')).toBe('# mine\n');
    expect(readFileSync(join(dir, 'charts/hello/values.yaml'), 'utf8')).toContain('containerPort: 9090');
    expect(readdirSync(dir).filter((n) => n.startsWith('.goservice'))).toEqual([]);
    expect(readdirSync(join(dir, 'charts')).filter((n) => n.startsWith('.goservice'))).toEqual([]);
  });
});

describe('bump edits the real file', () => {
  const CHART = 'apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: "1.0.0"\n';
  const chartProject = () => {
    const cwd = mkdtempSync(join(tmpdir(), 'goservice-bump-'));
    mkdirSync(join(cwd, 'charts/hello'), { recursive: true });
    return cwd;
  };

  it('through a symbolic link: the link stays, the file it points to is bumped, its mode kept', () => {
    const cwd = chartProject();
    const shared = join(outside(), 'Chart.yaml');
    writeFileSync(shared, CHART);
    chmodSync(shared, 0o640);
    symlinkSync(shared, join(cwd, 'charts/hello/Chart.yaml'));
    const r = bump(cwd, 'minor');
    expect(r.code).toBe(0);
    expect(statSync(join(cwd, 'charts/hello/Chart.yaml'), { throwIfNoEntry: true }).isFile()).toBe(true);
    expect(readdirSync(join(cwd, 'charts/hello'), { withFileTypes: true })[0].isSymbolicLink()).toBe(true);
    expect(readFileSync(shared, 'utf8')).toContain('version: 0.2.0');
    expect(statSync(shared).mode & 0o777).toBe(0o640);
  });

  it('a hard-linked Chart.yaml stays one file under both names', () => {
    const cwd = chartProject();
    const other = join(outside(), 'Chart.yaml');
    writeFileSync(join(cwd, 'charts/hello/Chart.yaml'), CHART);
    linkSync(join(cwd, 'charts/hello/Chart.yaml'), other);
    chmodSync(other, 0o600);
    expect(bump(cwd, 'patch').code).toBe(0);
    expect(readFileSync(other, 'utf8')).toContain('version: 0.1.1');
    expect(statSync(other).ino).toBe(statSync(join(cwd, 'charts/hello/Chart.yaml')).ino);
    expect(statSync(other).mode & 0o777).toBe(0o600);
  });

  it('--preid 01 is refused (exit 2), Chart.yaml unchanged', () => {
    const cwd = chartProject();
    writeFileSync(join(cwd, 'charts/hello/Chart.yaml'), CHART);
    const before = snapshot(cwd);
    const r = bump(cwd, 'prerelease', '--preid', '01');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preid: "01" is not a SemVer prerelease identifier');
    expect(r.stderr).toContain('no leading zero');
    expect(snapshot(cwd)).toEqual(before);
  });

  it('a stale lock left by a killed bump is taken over', () => {
    const cwd = chartProject();
    writeFileSync(join(cwd, 'charts/hello/Chart.yaml'), CHART);
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim(); // a pid that has exited
    writeFileSync(join(cwd, 'charts/.goservice-hello.lock'), `${dead} 1\n`);
    writeFileSync(join(cwd, 'charts/hello/.goservice-tmp-Chart.yaml-1'), 'half written');
    const r = bump(cwd, 'patch');
    expect(r.code).toBe(0);
    expect(readdirSync(join(cwd, 'charts')).sort()).toEqual(['hello']);
    expect(readdirSync(join(cwd, 'charts/hello'))).toEqual(['Chart.yaml']);
  });
});

describe('locks', () => {
  it('a live holder makes the other wait, then a clear conflict', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'goservice-lock-')), 'x.lock');
    writeFileSync(file, `${process.pid} \n`); // held by this live process, without start time
    const t0 = Date.now();
    expect(() => withLock(file, 'the chart charts/x', () => 1, 150)).toThrow(/the chart charts\/x is in use by another goservice process \(pid \d+\)/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    rmSync(file);
    expect(withLock(file, 'x', () => 42, 150)).toBe(42);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});

describe('file-system errors are explained', () => {
  // Run as an unprivileged user: root is not refused by permissions.
  const asNobody = (cwd: string, args: string[]) => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, RUN, ...args], { cwd, encoding: 'utf8' });

  it('EACCES: a module the user may not write to gives exit 7, the path and a fix', () => {
    const dir = fixtureCopy('hello');
    chmodSync(dir, 0o755);
    for (const p of readdirSync(dir)) chmodSync(join(dir, p), 0o755);
    const before = snapshot(dir);
    const r = asNobody(dir, ['create', 'hello']);
    expect(r.stderr).toContain('permission denied (EACCES)');
    expect(r.stderr).toContain(dir);
    expect(r.stderr).toMatch(/\nFix: check the owner and mode/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(7);
    expect(snapshot(dir)).toEqual(before);
  });
});
