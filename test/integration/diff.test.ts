// diff (and upgrade --diff) with real Helm 3 and Helm 4 on the local control
// plane: changes against the LIVE objects through a server-side dry run,
// drift from kubectl, Secret values never shown, --detailed-exitcode, --json,
// and hostile input refused with nothing read or changed.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureCopy, runCli } from '../support/cli';
import { clusterNamespaces, kubeconfigPath, kubectl } from '../support/cluster';
import { HELMS, HelmTool } from '../support/tools';

jest.setTimeout(180_000);

const namespaces = clusterNamespaces();
const SECRET_1 = 'first-Pa55word-value';
const SECRET_2 = 'second-Pa55word-value';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.each(HELMS.map((h) => [h.name, h] as const))('%s diff', (_, helm: HelmTool) => {
  function setup(name: string) {
    const ns = `gs${helm.major}-${name}-${Math.random().toString(36).slice(2, 7)}`;
    namespaces.push(ns);
    expect(kubectl(['create', 'namespace', ns]).code).toBe(0);
    const project = fixtureCopy('hello');
    expect(runCli(['create', 'hello'], { cwd: project }).code).toBe(0);
    // The generated chart plus a Secret whose value comes from the values.
    const chart = join(project, 'secret-chart');
    cpSync(join(project, 'charts/hello'), chart, { recursive: true });
    writeFileSync(join(chart, 'templates/secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-creds\nstringData:\n  password: {{ .Values.dbPassword | quote }}\n  user: admin\n');
    const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8'));
    schema.properties.dbPassword = { type: 'string' };
    writeFileSync(join(chart, 'values.schema.json'), JSON.stringify(schema));
    const env = { KUBECONFIG: kubeconfigPath, HELM_BIN: helm.bin, HELM_NAMESPACE: ns };
    const gs = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: project, env: { ...env, ...extra } });
    const history = () => spawnSync(helm.bin, ['history', 'hello', '-n', ns, '-o', 'json'], { env: { ...process.env, KUBECONFIG: kubeconfigPath }, encoding: 'utf8' });
    return { ns, project, chart, gs, history };
  }

  it('replicas change shown (exit 2 with --detailed-exitcode), no changes (exit 0), kubectl scale drift, a Secret change as <changed>', () => {
    const c = setup('diff');
    const base = ['secret-chart', '--set', 'autoscaling.enabled=false'];
    const none = c.gs(['diff', 'hello', ...base, '--set', `dbPassword=${SECRET_1}`]);
    expect(none.code).toBe(0);
    expect(none.stdout).not.toMatch(/^Deployment.* changed$/m);
    expect(none.stdout).toMatch(/^Secret\/\S+\/hello-creds added$/m);
    expect(none.stdout).toMatch(/^\+ {2}password: <added>$/m);
    expect(none.stdout).toMatch(/^0 changed, 5 added, 0 removed \(0 unchanged\)$/m); // not installed: every object added
    expect(c.gs(['upgrade', 'hello', ...base, '--set', `dbPassword=${SECRET_1}`, '--timeout', '90s', '--quiet']).code).toBe(0);

    const three = c.gs(['diff', 'hello', ...base, '--set', `dbPassword=${SECRET_1}`, '--set', 'replicaCount=3', '--detailed-exitcode']);
    expect(three.stderr).toBe('');
    expect(three.code).toBe(2);
    expect(three.stdout).toContain(`Deployment/${c.ns}/hello changed\n`);
    expect(three.stdout).toMatch(/^-  replicas: 2\n\+  replicas: 3$/m);
    expect(three.stdout).toMatch(/^1 changed, 0 added, 0 removed \(4 unchanged\)$/m);
    expect(three.stdout).not.toContain('\x1b['); // not a TTY: no colours

    const same = c.gs(['diff', 'hello', ...base, '--set', `dbPassword=${SECRET_1}`, '--detailed-exitcode']);
    expect(same.code).toBe(0);
    expect(same.stdout.trim()).toBe('0 changed, 0 added, 0 removed: no changes (5 unchanged)');

    expect(kubectl(['scale', 'deployment/hello', '-n', c.ns, '--replicas=5']).code).toBe(0);
    const drift = c.gs(['diff', 'hello', ...base, '--set', `dbPassword=${SECRET_1}`, '--json']);
    expect(drift.code).toBe(0);
    const doc = JSON.parse(drift.stdout);
    expect(doc).toMatchObject({ release: 'hello', namespace: c.ns, installed: true, summary: { changed: 1, added: 0, removed: 0, unchanged: 4 } });
    expect(doc.changes.find((x: any) => x.kind === 'Deployment')).toMatchObject({ change: 'changed', diff: expect.stringMatching(/^-  replicas: 5\n\+  replicas: 2$/m) });

    const secret = c.gs(['diff', 'hello', ...base, '--set', `dbPassword=${SECRET_2}`]);
    expect(secret.code).toBe(0);
    expect(secret.stdout).toMatch(/^Secret\/\S+\/hello-creds changed\n@@ .* @@\n(?: .*\n)*-  password: <hidden>\n\+  password: <changed>\n {3}user: <unchanged>$/m);
    for (const out of [none, three, same, drift, secret]) {
      for (const s of [SECRET_1, SECRET_2, b64(SECRET_1), b64(SECRET_2), b64('admin')]) expect(out.stdout + out.stderr).not.toContain(s);
    }
    const revisions = JSON.parse(c.history().stdout);
    expect(revisions).toHaveLength(1); // diff stored nothing
  });

  it('upgrade --diff prints the diff first, then applies it', () => {
    const c = setup('updiff');
    const base = ['secret-chart', '--set', 'autoscaling.enabled=false', '--set', `dbPassword=${SECRET_1}`, '--timeout', '90s', '--quiet'];
    expect(c.gs(['upgrade', 'hello', ...base]).code).toBe(0);
    const r = c.gs(['upgrade', 'hello', ...base, '--set', 'replicaCount=3', '--diff']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Deployment\/\S+\/hello changed\n(?:.*\n)*-  replicas: 2\n\+  replicas: 3\n(?:.*\n)*1 changed, 0 added, 0 removed \(4 unchanged\)\nrelease hello in \S+: revision 2 deployed/);
  });

  it('hostile input: bad release names, values and flags exit 2/3 before anything is read or changed', () => {
    const c = setup('hostile');
    for (const [args, code, text] of [
      [['diff', 'Bad_Name'], 2, /^Error: RELEASE: "Bad_Name" is not a valid release name/],
      [['diff', 'a.b'], 2, /^Error: RELEASE: "a\.b" cannot be deployed by this chart/],
      [['diff', 'hello', '--set', 'replicaCount=-1'], 3, /^Error: invalid values for chart/],
      [['diff', 'hello', '--image-tag', 'x;rm'], 2, /--image-tag/],
      [['diff', 'hello', 'no/such/chart'], 5, /no Chart\.yaml in no\/such\/chart/],
      [['upgrade', 'hello', '--diff', '--timeout', 'forever'], 2, /^Error: --timeout: "forever" is not a duration/],
    ] as const) {
      const r = c.gs([...args]);
      expect(r.stderr).toMatch(text);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
    }
    expect(c.history().stderr).toMatch(/release: not found/);
  });
});
