import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fixtureCopy, runCli, snapshot } from '../support/cli';

// Bad input through the real CLI: a message naming the field, the value and the
// fix; the documented exit code (2 a bad flag, argument or file, 3 values that fail
// the schema or a rule, 5 a file that does not exist); and the module directory
// exactly as it was.
interface BadCase {
  name: string;
  code: 2 | 3 | 5;
  args: string[];
  file?: string; // contents of values.yaml passed with -f
  expect: (string | RegExp)[];
  chartName?: string; // default hello
}

const BAD: BadCase[] = [
  { name: 'port 0', code: 3, args: ['--port', '0'], expect: ['containerPort (--port)', 'must be >= 1', 'got 0'] },
  { name: 'port too large', code: 3, args: ['--port', '70000'], expect: ['containerPort (--port)', 'must be <= 65535', 'got 70000'] },
  { name: 'port not a number', code: 2, args: ['--port', 'abc'], expect: ['--port', 'abc'] },
  { name: 'unknown runtime', code: 2, args: ['--runtime', 'busybox'], expect: ['--runtime', 'busybox', 'distroless'] },
  { name: 'cpu request in MB', code: 3, args: ['--cpu-request', '100MB'], expect: ['resources.requests.cpu (--cpu-request)', 'Kubernetes quantity', '"100MB"'] },
  { name: 'memory limit not a quantity', code: 3, args: ['--memory-limit', 'abc'], expect: ['resources.limits.memory (--memory-limit)', 'Kubernetes quantity', '"abc"'] },
  { name: 'negative memory limit', code: 3, args: ['--memory-limit', '-1Gi'], expect: ['resources.limits.memory (--memory-limit)', '"-1Gi"'] },
  { name: 'cpu limit below request', code: 3, args: ['--cpu-limit', '50m'], expect: ['resources.limits.cpu (--cpu-limit)', 'resources.requests.cpu', '"50m"'] },
  { name: 'memory limit below request', code: 3, args: ['--memory-limit', '32Mi'], expect: ['resources.limits.memory (--memory-limit)', '"32Mi"'] },
  { name: 'min above max replicas', code: 3, args: ['--min-replicas', '5', '--max-replicas', '3'], expect: ['autoscaling.minReplicas (--min-replicas)', 'autoscaling.maxReplicas', '5'] },
  { name: 'min replicas 0', code: 3, args: ['--min-replicas', '0'], expect: ['autoscaling.minReplicas (--min-replicas)', 'got 0'] },
  { name: 'negative replicas', code: 3, args: ['--replicas', '-1'], expect: ['replicaCount (--replicas)', 'got -1'] },
  { name: 'cpu target 0', code: 3, args: ['--cpu-target', '0'], expect: ['autoscaling.targetCPUUtilizationPercentage (--cpu-target)', 'got 0'] },
  { name: 'empty affinity value', code: 2, args: ['--node-required', 'disktype='], expect: ['--node-required', '"disktype="', 'key=v1,v2'] },
  { name: 'preferred without weight', code: 2, args: ['--node-preferred', 'disktype=ssd'], expect: ['--node-preferred', 'WEIGHT:TERM'] },
  { name: 'preferred weight 0', code: 3, args: ['--node-preferred', '0:disktype=ssd'], expect: ['nodeAffinity.preferred[0].weight', 'got 0'] },
  { name: 'preferred weight 101', code: 3, args: ['--node-preferred', '101:disktype=ssd'], expect: ['nodeAffinity.preferred[0].weight', 'got 101'] },
  { name: 'Gt with a word', code: 3, args: ['--node-required', 'cores>four'], expect: ['nodeAffinity.required[0]', 'four'] },
  { name: 'bad chart name', code: 2, chartName: 'Orders_API', args: [], expect: ['NAME', '"Orders_API"', 'lowercase'] },
  { name: 'empty image', code: 2, args: ['--image', ''], expect: ['--image', '""', 'image repository'] },
  { name: 'chart-only with dockerfile-only', code: 2, args: ['--chart-only', '--dockerfile-only'], expect: ['--dockerfile-only', '--chart-only'] },
  { name: 'no go.mod', code: 5, args: ['--dir', '/nonexistent-module'], expect: ['no go.mod', 'go mod init'] },
  { name: 'main package missing', code: 2, args: ['--main', './cmd/nope'], expect: ['--main', 'cmd/nope'] },
  { name: 'values file missing', code: 5, args: ['-f', 'missing.yaml'], expect: ['--values', 'missing.yaml'] },
  { name: 'typo at the top level', code: 3, args: [], file: 'replicacount: 2\n', expect: ['replicacount', 'unknown key', 'replicaCount'] },
  { name: 'typo inside image', code: 3, args: [], file: 'image:\n  tagg: v1\n', expect: ['image.tagg', 'unknown key'] },
  { name: 'CPU target without CPU request', code: 3, args: [], file: 'resources:\n  requests:\n    cpu: null\n', expect: ['autoscaling.targetCPUUtilizationPercentage', 'resources.requests.cpu'] },
  { name: 'PDB with both settings', code: 3, args: [], file: 'podDisruptionBudget:\n  minAvailable: 1\n  maxUnavailable: 1\n', expect: ['podDisruptionBudget'] },
  { name: 'unknown service type', code: 3, args: [], file: 'service:\n  type: Foo\n', expect: ['service.type', 'ClusterIP', '"Foo"'] },
  { name: 'not YAML', code: 2, args: [], file: 'a: [1, 2\n', expect: ['--values', 'not valid YAML'] },
  { name: 'YAML list, not a mapping', code: 2, args: [], file: '- a\n', expect: ['--values', 'mapping'] },
  { name: '--set with a wrong type', code: 3, args: ['--set', 'service.port=abc'], expect: ['service.port', 'must be integer', '"abc"'] },
  { name: '--set with a typo', code: 3, args: ['--set', 'autoscaling.minReplica=2'], expect: ['autoscaling.minReplica', 'unknown key'] },
  { name: '--set without =', code: 2, args: ['--set', 'noequals'], expect: ['--set', '"noequals"', 'key=value'] },
];

describe('create: bad input changes nothing', () => {
  let dir: string;
  beforeAll(() => {
    dir = fixtureCopy('hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(BAD.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const args = [...c.args];
    if (c.file !== undefined) {
      writeFileSync(join(dir, '..', `${c.name.replace(/\W+/g, '-')}.yaml`), c.file);
      args.push('-f', join(dir, '..', `${c.name.replace(/\W+/g, '-')}.yaml`));
    }
    const before = snapshot(dir);
    const r = runCli(['create', c.chartName ?? 'hello', ...args], { cwd: dir });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: c.code, stdout: '' });
    for (const e of c.expect) expect(r.stderr).toEqual(expect.stringContaining(e as string));
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses to overwrite a different Dockerfile without --force', () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const before = snapshot(dir);
    const r = runCli(['create', 'hello'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Dockerfile');
    expect(r.stderr).toContain('--force');
    expect(snapshot(dir)).toEqual(before);
    rmSync(join(dir, 'Dockerfile'));
  });
});

describe('create: good input', () => {
  it.each([
    ['defaults', [], (v: any) => expect(v.autoscaling.enabled).toBe(true)],
    ['flags reach values', ['--port', '9090', '--cpu-request', '250m', '--memory-limit', '256Mi', '--image', 'reg.example.com/hello'], (v: any) => {
      expect(v.containerPort).toBe(9090);
      expect(v.resources).toEqual({ requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' } });
      expect(v.image.repository).toBe('reg.example.com/hello');
    }],
    ['HPA off with replicas', ['--no-hpa', '--replicas', '3'], (v: any) => {
      expect(v.autoscaling.enabled).toBe(false);
      expect(v.replicaCount).toBe(3);
    }],
    ['node affinity terms', ['--node-required', 'disktype=ssd,nvme', '--node-required', 'cores>4', '--node-preferred', '30:!spot'], (v: any) =>
      expect(v.nodeAffinity).toEqual({
        required: [
          { key: 'disktype', operator: 'In', values: ['ssd', 'nvme'] },
          { key: 'cores', operator: 'Gt', values: ['4'] },
        ],
        preferred: [{ weight: 30, key: 'spot', operator: 'DoesNotExist' }],
      })],
    ['--set after flags; null deletes a default', ['--max-replicas', '4', '--set', 'autoscaling.maxReplicas=6,resources.limits.cpu=null'], (v: any) => {
      expect(v.autoscaling.maxReplicas).toBe(6);
      expect(v.resources.limits).toEqual({ memory: '128Mi', 'ephemeral-storage': '256Mi' });
    }],
  ] as const)('%s', (_, args, check) => {
    const dir = fixtureCopy('hello');
    const r = runCli(['create', 'hello', ...args], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    check(parse(readFileSync(join(dir, 'charts/hello/values.yaml'), 'utf8')));
    expect(existsSync(join(dir, 'Dockerfile'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run writes nothing and lists the plan', () => {
    const dir = fixtureCopy('hello');
    const before = snapshot(dir);
    const r = runCli(['create', 'hello', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('charts/hello/values.schema.json');
    expect(snapshot(dir)).toEqual(before);
  });

  it('a second identical run reports every file unchanged; --force replaces edited ones', () => {
    const dir = fixtureCopy('hello');
    expect(runCli(['create', 'hello'], { cwd: dir }).code).toBe(0);
    const again = JSON.parse(runCli(['create', 'hello', '--json'], { cwd: dir }).stdout);
    expect(again.files.every((f: any) => f.action === 'unchanged')).toBe(true);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const forced = JSON.parse(runCli(['create', 'hello', '--force', '--json'], { cwd: dir }).stdout);
    expect(forced.files.filter((f: any) => f.action === 'replaced').map((f: any) => f.path)).toEqual(['Dockerfile']);
  });
});
