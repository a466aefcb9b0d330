import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, findBuilder, parsePlatforms, readDigestFile, runSteps } from '../../src/builder/builder';
import { GoserviceError } from '../../src/errors';
import { imageBuildArgs } from '../../src/release/publish';
import { fakeRunner } from '../support/fake-runner';

const build = { context: '/m', dockerfile: '/m/Dockerfile', image: 'r:5000/team/orders:1.4.0', platforms: [] as string[], buildArgs: { VERSION: '1.4.0' } };
const push = { image: 'r:5000/team/orders:1.4.0', platforms: [] as string[], authDir: '/p/auth', digestFile: '/p/digest' };

describe('builder argv', () => {
  it('buildah: one platform, layers cached, pushed with a private authfile and CA directory', () => {
    expect(COMMANDS.buildah.build({ ...build, platforms: ['linux/arm64'] })).toEqual([
      { cmd: 'buildah', args: ['build', '--layers', '-f', '/m/Dockerfile', '--build-arg', 'VERSION=1.4.0', '--platform', 'linux/arm64', '-t', 'r:5000/team/orders:1.4.0', '/m'] },
    ]);
    expect(COMMANDS.buildah.push({ ...push, certDir: '/p/certs' })).toEqual([
      { cmd: 'buildah', args: ['push', '--authfile', '/p/auth/auth.json', '--cert-dir', '/p/certs', '--digestfile', '/p/digest', 'r:5000/team/orders:1.4.0', 'docker://r:5000/team/orders:1.4.0'] },
    ]);
  });

  it('buildah: several platforms make a fresh manifest list, pushed with --all', () => {
    const steps = COMMANDS.buildah.build({ ...build, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(steps[0]).toEqual({ cmd: 'buildah', args: ['manifest', 'rm', 'r:5000/team/orders:1.4.0'], mayFail: true });
    expect(steps[1].args).toEqual(['build', '--layers', '-f', '/m/Dockerfile', '--build-arg', 'VERSION=1.4.0', '--platform', 'linux/amd64,linux/arm64', '--manifest', 'r:5000/team/orders:1.4.0', '/m']);
    expect(COMMANDS.buildah.push({ ...push, platforms: ['linux/amd64', 'linux/arm64'] })[0].args.slice(0, 3)).toEqual(['manifest', 'push', '--all']);
  });

  it('podman speaks as buildah does', () => {
    expect(COMMANDS.podman.build(build)[0]).toEqual({ ...COMMANDS.buildah.build(build)[0], cmd: 'podman' });
    expect(COMMANDS.podman.push(push)[0].args).toEqual(COMMANDS.buildah.push(push)[0].args);
  });

  it('docker: credentials through DOCKER_CONFIG, never argv; one platform only', () => {
    expect(COMMANDS.docker.push(push)).toEqual([{ cmd: 'docker', args: ['push', 'r:5000/team/orders:1.4.0'], env: { DOCKER_CONFIG: '/p/auth' } }]);
    expect(COMMANDS.docker.authFileName).toBe('config.json');
    expect(() => COMMANDS.docker.build({ ...build, platforms: ['linux/amd64', 'linux/arm64'] })).toThrow('--platform: docker builds one platform per image here, not linux/amd64,linux/arm64');
  });

  it('build args: VERSION, the Go module settings that are set, BUILDPLATFORM for a cross-build', () => {
    expect(imageBuildArgs({ GOPROXY: 'https://proxy.internal', GOFLAGS: '' }, '1.4.0', [], 'buildah')).toEqual({ VERSION: '1.4.0', GOPROXY: 'https://proxy.internal' });
    expect(imageBuildArgs({}, '1.4.0', ['linux/arm64'], 'buildah').BUILDPLATFORM).toMatch(/^linux\/(amd64|arm64)$/);
    expect(imageBuildArgs({}, '1.4.0', ['linux/arm64'], 'docker').BUILDPLATFORM).toBeUndefined();
  });
});

describe('finding a builder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-path-'));
  const exe = (sub: string, name: string) => {
    mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, sub, name), '#!/bin/sh\n');
    chmodSync(join(dir, sub, name), 0o755);
    return join(dir, sub);
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the first of buildah, podman, docker on PATH, or the one asked for', () => {
    const both = `${exe('a', 'docker')}:${exe('b', 'podman')}`;
    expect(findBuilder(undefined, { PATH: both }).name).toBe('podman');
    expect(findBuilder('docker', { PATH: both }).name).toBe('docker');
  });

  it('none on PATH: exit 5 naming the options', () => {
    try {
      findBuilder(undefined, { PATH: exe('empty', 'unrelated') });
      throw new Error('found');
    } catch (e) {
      expect((e as GoserviceError).exitCode).toBe(5);
      expect((e as Error).message).toBe('no image builder on PATH: looked for buildah, podman, docker');
      expect((e as GoserviceError).suggestion).toContain('--chart-only');
    }
    expect(() => findBuilder('buildah', { PATH: exe('d', 'docker') })).toThrow('--builder buildah: buildah is not on PATH');
  });

  it('an unknown --builder: exit 2', () => {
    expect(() => findBuilder('kaniko', { PATH: '' })).toThrow('--builder: "kaniko" is not a known image builder');
  });
});

describe('--platform', () => {
  it.each([
    ['linux/amd64', ['linux/amd64']],
    ['linux/amd64, linux/arm64/v8', ['linux/amd64', 'linux/arm64/v8']],
  ])('%j', (v, want) => expect(parsePlatforms(v)).toEqual(want));
  it.each(['linux', 'linux/amd64;rm -rf /', 'linux/amd64,linux/amd64', '', 'Linux/AMD64', 'linux/amd64/v8/x'])('refuses %j', (v) => {
    expect(() => parsePlatforms(v)).toThrow(/^--platform: /);
  });
});

describe('running the steps', () => {
  it('a failing step stops the rest; a clean-up step may fail', async () => {
    const runner = fakeRunner('', (args) => (args[0] === 'manifest' ? { code: 1 } : args[0] === 'build' ? { code: 2, stderr: 'STEP 3/9: RUN go build\nerror: compile failed' } : {}));
    const steps = COMMANDS.buildah.build({ ...build, platforms: ['linux/amd64', 'linux/arm64'] });
    await expect(runSteps([...steps, ...COMMANDS.buildah.push(push)], { env: {}, runner })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('compile failed') });
    expect(runner.calls.map((c) => c.args[0])).toEqual(['manifest', 'build']);
  });

  it('the pushed digest is read only when it is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-digest-'));
    writeFileSync(join(dir, 'ok'), `sha256:${'a'.repeat(64)}\n`);
    writeFileSync(join(dir, 'bad'), 'sha256:zz');
    expect(readDigestFile(join(dir, 'ok'))).toBe(`sha256:${'a'.repeat(64)}`);
    expect(readDigestFile(join(dir, 'bad'))).toBeUndefined();
    expect(readDigestFile(join(dir, 'missing'))).toBeUndefined();
    rmSync(dir, { recursive: true });
  });
});
