// publish as an action: which step failed and what was already pushed, with a
// scripted registry (HTTPS) and scripted builder and Helm processes; and bad
// input through the real CLI: exit code, message, the working copy untouched.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GoserviceError } from '../../src/errors';
import { HelmClient, helmSettings } from '../../src/helm/client';
import { Runner, RunResult } from '../../src/process/run';
import { publish, PublishError } from '../../src/release/publish';
import { fixtureCopy, runCli, snapshot } from '../support/cli';
import { json, scriptedRegistry } from '../support/scripted-registry';
import { makeTestCa, TestCa } from '../support/tls';

const IMAGE_MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] });
const IMAGE_DIGEST = `sha256:${createHash('sha256').update(IMAGE_MANIFEST).digest('hex')}`;

let ca: TestCa;
let project: string;
beforeAll(() => {
  ca = makeTestCa();
  project = fixtureCopy('hello');
  const r = runCli(['create', 'hello'], { cwd: project });
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(() => ca.remove());

/** A registry with the pushed image (after the builder ran) and no chart versions. */
async function registry() {
  let imagePushed = false;
  const reg = await scriptedRegistry(ca, (req, res) => {
    if (req.url?.includes('/manifests/') && req.url.includes('/hello/manifests/0.1.0') && !req.url.includes('/charts/') && imagePushed) {
      res.writeHead(200, { 'docker-content-digest': IMAGE_DIGEST });
      return res.end(req.method === 'HEAD' ? undefined : IMAGE_MANIFEST);
    }
    json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
  });
  return { ...reg, markPushed: () => (imagePushed = true) };
}

/** Records every process; buildah succeeds (and "pushes"), helm answers from `helm`. */
function runner(onPush: () => void, helm: (args: readonly string[]) => Partial<RunResult>): Runner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(cmd, args) {
      calls.push([cmd, ...args]);
      if (cmd === 'buildah') {
        if (args[0] === 'push') onPush();
        return { code: 0, stdout: '', stderr: '' };
      }
      if (args[0] === 'version') return { code: 0, stdout: 'v3.22.0', stderr: '' };
      return { code: 0, stdout: '', stderr: '', ...helm([...args]) };
    },
  };
}

const PATH_WITH_BUILDAH = { PATH: process.env.PATH, HELM_REGISTRY_CONFIG: '/nonexistent/config.json' };

it('a chart push that fails after the image push: says so, no bump written', async () => {
  const reg = await registry();
  const before = snapshot(project);
  const r = runner(reg.markPushed, (args) => {
    if (args[0] === 'package') return { stdout: `Successfully packaged chart and saved it to: ${args[3]}/hello-0.1.1.tgz\n` };
    if (args[0] === 'push') return { code: 1, stderr: 'Error: failed to do request: Put "https://x/v2/team/charts/hello/manifests/0.1.1": dial tcp: connect: connection refused\n' };
    return {};
  });
  try {
    await publish(new HelmClient(helmSettings({ HELM_BIN: 'helm' }), r), {
      registry: `oci://${reg.host}/team`,
      bump: 'patch',
      caFile: ca.caFile,
      builder: 'buildah',
      cwd: project,
      env: PATH_WITH_BUILDAH,
      runner: r,
    });
    throw new Error('published');
  } catch (e) {
    expect(e).toBeInstanceOf(PublishError);
    const err = e as PublishError;
    expect(err.exitCode).toBe(6);
    expect(err.message).toContain('publish failed at the chart push step: helm push oci://');
    expect(err.message).toContain(`is unreachable (Helm: failed to do request`);
    expect(err.message).toContain(`already pushed: the image ${reg.host}/team/hello:0.1.0@${IMAGE_DIGEST} (harmless: no chart version refers to it); no chart version was pushed; the working copy is unchanged`);
  } finally {
    await reg.close();
  }
  expect(snapshot(project)).toEqual(before);
  // the build and push went through an authfile, never argv; the CA as a cert dir
  const push = r.calls.find((c) => c[0] === 'buildah' && c[1] === 'push')!;
  expect(push).toContain('--authfile');
  expect(push).toContain('--cert-dir');
  expect(r.calls.find((c) => c[1] === 'push' && c[0] === 'helm')).toEqual(['helm', 'push', expect.stringMatching(/hello-0\.1\.1\.tgz$/), `oci://${reg.host}/team/charts`, '--ca-file', ca.caFile]);
});

it('the packaged chart pins the image by digest, and the bump is written after the chart push', async () => {
  const reg = await registry();
  let packaged: { chart: any; values: any } | undefined;
  const r = runner(reg.markPushed, (args) => {
    if (args[0] === 'package') {
      packaged = { chart: parse(readFileSync(join(args[1], 'Chart.yaml'), 'utf8')), values: parse(readFileSync(join(args[1], 'values.yaml'), 'utf8')) };
      return { stdout: `Successfully packaged chart and saved it to: ${args[3]}/hello-0.2.0.tgz\n` };
    }
    if (args[0] === 'push') return { stdout: `Pushed: ${reg.host}/team/charts/hello:0.2.0\nDigest: sha256:${'c'.repeat(64)}\n` };
    return {};
  });
  try {
    const res = await publish(new HelmClient(helmSettings({ HELM_BIN: 'helm' }), r), { registry: `oci://${reg.host}/team`, bump: 'minor', caFile: ca.caFile, builder: 'buildah', cwd: project, env: PATH_WITH_BUILDAH, runner: r });
    expect(res).toMatchObject({ chart: { version: '0.2.0', digest: `sha256:${'c'.repeat(64)}` }, image: { digest: IMAGE_DIGEST, reference: `${reg.host}/team/hello:0.1.0` }, bumped: { from: '0.1.0', to: '0.2.0' } });
  } finally {
    await reg.close();
  }
  expect(packaged?.chart).toMatchObject({ version: '0.2.0', appVersion: '0.1.0' });
  expect(packaged?.values.image).toMatchObject({ repository: `${reg.host}/team/hello`, tag: '0.1.0', digest: IMAGE_DIGEST });
  expect(parse(readFileSync(join(project, 'charts/hello/Chart.yaml'), 'utf8')).version).toBe('0.2.0');
  expect(parse(readFileSync(join(project, 'charts/hello/values.yaml'), 'utf8')).image.digest).toBe(''); // the working copy pins nothing
});

it('--dry-run and --version-from registry: the plan from the registry\'s versions, nothing built, pushed or written', async () => {
  const reg = await scriptedRegistry(ca, (req, res) => {
    if (req.url?.startsWith('/v2/team/charts/hello/tags/list')) return json(res, 200, { name: 'team/charts/hello', tags: ['0.1.0', '0.4.1', '0.4.1_build.7', 'latest', '0.10.0-rc.1'] });
    json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
  });
  const before = snapshot(project);
  const r = runner(() => {}, () => ({}));
  try {
    const res = await publish(new HelmClient(helmSettings({ HELM_BIN: 'helm' }), r), { registry: `oci://${reg.host}/team`, versionFrom: 'registry', appVersion: 'abc1234', caFile: ca.caFile, builder: 'buildah', dryRun: true, cwd: project, env: PATH_WITH_BUILDAH, runner: r });
    // the highest of Chart.yaml's and the registry's versions is 0.10.0-rc.1: its next patch is 0.10.0
    expect(res).toMatchObject({ dryRun: true, chart: { version: '0.10.0', digest: null }, image: { tag: 'abc1234', reference: `${reg.host}/team/hello:abc1234`, digest: null }, bumped: null });
  } finally {
    await reg.close();
  }
  expect(r.calls).toEqual([]);
  expect(snapshot(project)).toEqual(before);
});

describe('bad input through the CLI: exit code, message, the working copy untouched, nothing asked of a registry', () => {
  const BAD: [string, string[], number, string[]][] = [
    ['http registry', ['--registry', 'http://r.example/team'], 2, ['--registry: "http://r.example/team" is not an oci:// reference', 'Fix: use oci://HOST[:PORT]/NAMESPACE']],
    ['uppercase namespace', ['--registry', 'oci://r.example/Team'], 2, ['"Team" is not a repository path']],
    ['registry with a tag', ['--registry', 'oci://r.example/team:1.0'], 2, ['is not a repository path']],
    ['registry with shell text', ['--registry', 'oci://r.example/$(id)'], 2, ['is not a repository path']],
    ['bad --version', ['--registry', 'oci://r.example/team', '--version', 'v1.0'], 2, ['--version: "v1.0" is not a SemVer 2 version']],
    ['--version and --bump', ['--registry', 'oci://r.example/team', '--version', '1.0.0', '--bump', 'patch'], 2, ['cannot be combined with --bump']],
    ['bad --version-from', ['--registry', 'oci://r.example/team', '--version-from', 'git'], 2, ['--version-from: "git" is not a version source']],
    ['bad --bump', ['--registry', 'oci://r.example/team', '--bump', 'huge'], 2, ['Expected --bump=huge to be one of']],
    ['bad --app-version', ['--registry', 'oci://r.example/team', '--app-version', '1.0;rm'], 2, ['--app-version: "1.0;rm" is not valid']],
    ['bad --platform', ['--registry', 'oci://r.example/team', '--platform', 'linux'], 2, ['--platform: "linux" is not a platform']],
    ['missing --ca-file', ['--registry', 'oci://r.example/team', '--ca-file', '/nonexistent/ca.pem'], 5, ['/nonexistent/ca.pem']],
    ['--ca-file a directory', ['--registry', 'oci://r.example/team', '--ca-file', '/'], 2, ['--ca-file: / is a directory']],
    ['--ca-file not PEM', ['--registry', 'oci://r.example/team', '--ca-file', 'go.mod'], 2, ['--ca-file: go.mod holds no PEM certificate']],
    ['--ca-file /dev/zero', ['--registry', 'oci://r.example/team', '--ca-file', '/dev/zero'], 2, ['--ca-file: /dev/zero is not a regular file']],
    ['unknown builder', ['--registry', 'oci://r.example/team', '--builder', 'kaniko'], 2, ['--builder: "kaniko" is not a known image builder', 'buildah, podman, docker']],
    ['chart registry = image repository', ['--registry', 'oci://r.example/team', '--chart-registry', 'oci://r.example/team'], 2, ['--chart-registry: puts the chart into the image\'s repository']],
  ];
  it.each(BAD)('%s', (_, args, code, says) => {
    const before = snapshot(project);
    const r = runCli(['publish', ...args], { cwd: project });
    expect(r.code).toBe(code);
    for (const s of says) expect(r.stderr).toContain(s);
    expect(snapshot(project)).toEqual(before);
  });

  it('no image builder on PATH: exit 5 naming the options', () => {
    const r = runCli(['publish', '--registry', 'oci://r.example/team'], { cwd: project, env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('no image builder on PATH: looked for buildah, podman, docker');
  });

  it.each([
    ['versions of an http URL', ['versions', 'https://r.example/charts/x'], 2, 'CHART: "https://r.example/charts/x" is not an oci:// reference'],
    ['upgrade oci:// without --version', ['upgrade', 'hello', 'oci://r.example/charts/hello'], 2, '--version: is required with a published chart'],
    ['upgrade with a bad --version', ['upgrade', 'hello', 'oci://r.example/charts/hello', '--version', '1'], 2, '--version: "1" is not a SemVer 2 version'],
    ['upgrade --ca-file with a directory chart', ['upgrade', 'hello', '--ca-file', 'x.pem'], 2, '--ca-file: is for a published chart'],
  ])('%s', (_, args, code, says) => {
    const before = snapshot(project);
    const r = runCli(args, { cwd: project });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(says);
    expect(snapshot(project)).toEqual(before);
  });
});

it('a publish error keeps its cause and exit code', () => {
  const cause = new GoserviceError('x', 4, 'fix');
  expect(new PublishError('chart push', cause, 'nothing')).toMatchObject({ exitCode: 4, suggestion: 'fix', cause });
});
