// The generated Dockerfile, built for real with buildah from the fixtures, unedited,
// with --pull=never against local base images (scripts/base-images.sh).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { builderGoVersion, detectModule } from '../../src/gomod/detect';
import { Runtime } from '../../src/model';
import { DISTROLESS_IMAGE, renderDockerfile } from '../../src/render/dockerfile';
import {
  buildImage, ensureBaseImages, findDescendant, imageConfig, listFiles, processUids, startContainer, withContainer,
} from '../support/buildah';
import { readElf } from '../support/elf';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const UID = 65532;
const BUILD_TIMEOUT = 20 * 60_000;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'goservice-image-'));

/** A copy of the fixture with the generated Dockerfile and .dockerignore in it. */
function prepare(fixture: string, runtime: Runtime, copy = `${fixture}-${runtime}`): string {
  const dir = path.join(work, copy);
  fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  const m = detectModule(dir);
  const files = renderDockerfile({
    builderImage: `golang:${builderGoVersion(m)}`,
    runtime,
    mainPackage: m.mainPackage,
    binaryName: fixture,
    port: 8080,
    uid: UID,
    vendored: m.vendored,
    hasGoSum: m.hasGoSum,
    chartDir: `charts/${fixture}`,
  });
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const tagOf = (fixture: string, variant: string): string => `localhost/goservice-test/${fixture}:${variant}`;

beforeAll(() => {
  const versions = new Set(['hello', 'withdeps', 'vendored'].map((f) => builderGoVersion(detectModule(path.join(FIXTURES, f)))));
  versions.forEach(ensureBaseImages);
}, BUILD_TIMEOUT);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject);
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    const v = await Promise.resolve().then(probe).catch(() => undefined);
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(['hello', 'withdeps', 'vendored'])('%s image', (fixture) => {
  describe.each<Runtime>(['scratch', 'distroless'])('on %s', (runtime) => {
    const tag = tagOf(fixture, runtime);
    beforeAll(() => buildImage(prepare(fixture, runtime), tag), BUILD_TIMEOUT);

    it('holds the binary and what the runtime needs, nothing else', async () => {
      const base = runtime === 'scratch'
        ? ['/etc/group', '/etc/passwd', '/etc/ssl/certs/ca-certificates.crt']
        : await withContainer(DISTROLESS_IMAGE, (_, root) => listFiles(root));
      const files = await withContainer(tag, (_, root) => listFiles(root));
      expect(files).toEqual([...base, `/${fixture}`].sort());
    });

    it('has a static, stripped amd64 binary', async () => {
      const elf = await withContainer(tag, (_, root) => readElf(path.join(root, fixture)));
      expect(elf).toEqual({ machine: 'x86_64', interpreter: false, dynamic: false, symtab: false });
    });

    it('runs as a numeric non-root user and exposes the port', () => {
      const { config } = imageConfig(tag);
      expect(config.User).toBe(`${UID}:${UID}`);
      expect(config.Entrypoint).toEqual([`/${fixture}`]);
      expect(Object.keys(config.ExposedPorts ?? {})).toEqual(['8080/tcp']);
    });

    it('starts as uid 65532, serves /healthz on loopback and stops cleanly on SIGTERM', async () => {
      const port = await freePort();
      await withContainer(tag, async (ctr) => {
        const svc = startContainer(ctr, [`/${fixture}`], { PORT: String(port) });
        let pid: number | undefined;
        try {
          pid = await waitFor('the service process', () => findDescendant(svc.child.pid!, fixture));
          expect(await waitFor('/healthz', () => httpStatus(`http://127.0.0.1:${port}/healthz`))).toBe(200);
          expect(await httpStatus(`http://127.0.0.1:${port}/readyz`)).toBe(200);
          expect(processUids(pid)).toEqual([UID, UID, UID, UID]);
          process.kill(pid, 'SIGTERM');
          expect(await svc.exited).toBe(0);
          expect(svc.output()).toContain('shutting down');
        } finally {
          if (svc.child.exitCode === null) {
            process.kill(pid ?? svc.child.pid!, 'SIGKILL');
            await svc.exited;
          }
        }
      });
    }, 60_000);
  });
});

describe('cross-build for linux/arm64', () => {
  const tag = tagOf('withdeps', 'arm64');
  beforeAll(() => {
    const args = ['--platform', 'linux/arm64', '--build-arg', 'BUILDPLATFORM=linux/amd64'];
    buildImage(prepare('withdeps', 'scratch', 'withdeps-arm64'), tag, args);
  }, BUILD_TIMEOUT);

  it('produces a static, stripped arm64 binary in an arm64 image', async () => {
    expect(imageConfig(tag).architecture).toBe('arm64');
    const elf = await withContainer(tag, (_, root) => readElf(path.join(root, 'withdeps')));
    expect(elf).toEqual({ machine: 'aarch64', interpreter: false, dynamic: false, symtab: false });
  });
});

describe('rebuild after a code-only change', () => {
  /** Whether the build step whose instruction contains `instruction` came from the layer cache. */
  function cached(log: string, instruction: string): boolean {
    const steps = log.split(/^(?=\[\d+\/\d+\] (?:STEP|COMMIT))/m);
    const step = steps.find((s) => s.split('\n')[0].includes(instruction));
    if (!step) throw new Error(`no step "${instruction}" in the build log:\n${log}`);
    return /^--> Using cache /m.test(step);
  }

  it('reuses the module download layer and downloads nothing', () => {
    const dir = prepare('withdeps', 'distroless', 'withdeps-rebuild');
    const tag = tagOf('withdeps', 'rebuild');
    buildImage(dir, tag);
    // a change this run has not built before, so the layer cache cannot already hold it
    const source = path.join(dir, 'doc.go');
    fs.writeFileSync(source, fs.readFileSync(source, 'utf8').replace('hello from withdeps', `hello ${randomUUID()}`));

    const log = buildImage(dir, tag);
    expect(cached(log, 'go mod download')).toBe(true);
    expect(cached(log, 'COPY . .')).toBe(false);
    expect(cached(log, 'go build')).toBe(false);
    expect(log).not.toMatch(/go: downloading/);
  }, BUILD_TIMEOUT);
});

describe('a module shaped to trip the build', () => {
  // main package in a directory whose name the shell would expand unquoted (~),
  // a local replace inside the module (its go.mod is needed by go mod download),
  // a go.work that points outside the context, the writer's staging names, and a
  // VERSION build argument (say, from a git tag) with quotes, ; and $(...): the
  // shell passes it on verbatim. (Go splits -ldflags at white space, which git
  // tag names cannot contain.)
  const tag = tagOf('hello', 'odd');
  const VERSION = `v1.4.0+build."7";$(id)\`id\`'x'`;
  let dir: string;
  beforeAll(() => {
    dir = path.join(work, 'hello-odd');
    fs.cpSync(path.join(FIXTURES, 'hello'), dir, { recursive: true });
    const main = path.join(dir, 'cmd', 'hello~svc');
    fs.mkdirSync(main, { recursive: true });
    fs.renameSync(path.join(dir, 'main.go'), path.join(main, 'main.go'));
    fs.writeFileSync(path.join(main, 'version.go'), 'package main\n\nimport "os"\n\nvar version = "dev"\n\nfunc init() {\n\tif os.Getenv("PRINT_VERSION") != "" {\n\t\tprintln(version)\n\t}\n}\n');
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib', 'go.mod'), 'module example.com/lib\n\ngo 1.22\n');
    fs.writeFileSync(path.join(dir, 'lib', 'lib.go'), 'package lib\n\nconst Name = "lib"\n');
    fs.appendFileSync(path.join(dir, 'go.mod'), '\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n');
    fs.writeFileSync(path.join(main, 'lib.go'), 'package main\n\nimport "example.com/lib"\n\nvar _ = lib.Name\n');
    fs.writeFileSync(path.join(dir, 'go.work'), 'go 1.22\n\nuse (\n\t.\n\t./missing\n)\n');
    fs.writeFileSync(path.join(dir, 'go.work.sum'), '');
    fs.mkdirSync(path.join(dir, '.goservice-stage', 'charts'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.goservice.lock'), '');
    const m = detectModule(dir);
    expect(m.mainPackage).toBe('./cmd/hello~svc');
    expect(m.localReplaceDirs).toEqual(['./lib']);
    const files = renderDockerfile({
      builderImage: `golang:${builderGoVersion(m)}`,
      runtime: 'scratch',
      mainPackage: m.mainPackage,
      binaryName: 'hello',
      port: 8080,
      uid: UID,
      vendored: m.vendored,
      hasGoSum: m.hasGoSum,
      localReplaceDirs: m.localReplaceDirs,
      versionVariable: 'main.version',
      chartDir: 'charts/hello',
    });
    for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
    buildImage(dir, tag, ['--build-arg', `VERSION=${VERSION}`]);
  }, BUILD_TIMEOUT);

  it('builds the module alone (go.work kept out of the context, the local replace copied before go mod download) and stamps VERSION verbatim', async () => {
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('\nCOPY go.mod ./\nCOPY ["./lib/go.mod","./lib/"]\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n');
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain("go build -trimpath -ldflags \"-s -w -X main.version=${VERSION}\" -o /out/hello './cmd/hello~svc'");
    const binary = await withContainer(tag, (_, root) => fs.readFileSync(path.join(root, 'hello')));
    expect(binary.includes(Buffer.from(VERSION))).toBe(true);
    expect(imageConfig(tag).config.Entrypoint).toEqual(['/hello']);
  });
});
