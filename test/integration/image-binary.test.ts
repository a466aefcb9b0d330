// The binary inside a real image: `create` writes the Dockerfile through the CLI,
// buildah builds it (local stand-in base images, --pull=never), and the binary taken
// out of the image is read with `go version -m` and as an ELF file. Then a cross-build
// for linux/arm64 whose builder stage must run natively.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildah, buildahSetsBuildPlatform, buildImage, ensureBaseImages, imageConfig, withContainer } from '../support/buildah';
import { fixtureCopy, runCli } from '../support/cli';
import { elfSectionNames, readElf } from '../support/elf';

const BUILD_TIMEOUT = 20 * 60_000;
const GO_VERSION = '1.25'; // --go-version: the builder image tag (a local stand-in)
const VERSION = `v1.4.0-${Math.random().toString(36).slice(2, 10)}`; // the VERSION build arg, unique to this run
const HOST_ARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[os.arch()];
const FOREIGN = HOST_ARCH === 'arm64' ? 'amd64' : 'arm64';
const TAG = 'localhost/goservice-test/hello-binary';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'goservice-binary-'));
let goModule = '';

/** The module's binary copied out of an image. */
const extract = (tag: string) => withContainer(tag, (_, root) => {
  const out = path.join(work, `${tag.split(':')[1]}-hello`);
  fs.copyFileSync(path.join(root, 'hello'), out);
  return out;
});

/** `go version -m`: the Go version line, then `build KEY=VALUE` settings as a map. */
function buildInfo(binary: string): { go: string; settings: Record<string, string> } {
  const r = spawnSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go version -m ${binary}: ${r.stderr}`);
  const settings: Record<string, string> = {};
  for (const m of r.stdout.matchAll(/^\tbuild\t([^=\n]+)=(.*)$/gm)) settings[m[1]] = m[2];
  return { go: r.stdout.split('\n')[0], settings };
}

beforeAll(() => {
  goModule = fixtureCopy('hello');
  // A version variable for --version-var to stamp; printed on request.
  fs.writeFileSync(path.join(goModule, 'version.go'), 'package main\n\nimport "os"\n\nvar version = "dev"\n\nfunc init() {\n\tif os.Getenv("PRINT_VERSION") != "" {\n\t\tprintln(version)\n\t\tos.Exit(0)\n\t}\n}\n');
  const r = runCli(['create', 'hello', '--runtime', 'scratch', '--go-version', GO_VERSION, '--version-var', 'main.version'], { cwd: goModule });
  if (r.code !== 0) throw new Error(`create failed (${r.code}): ${r.stderr}`);
  ensureBaseImages(GO_VERSION);
}, BUILD_TIMEOUT);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe(`the binary built by create's Dockerfile (--go-version ${GO_VERSION} --version-var main.version)`, () => {
  let binary = '';
  let log = '';
  beforeAll(async () => {
    log = buildImage(goModule, `${TAG}:native`, ['--build-arg', `VERSION=${VERSION}`]);
    binary = await extract(`${TAG}:native`);
  }, BUILD_TIMEOUT);

  it('the builder stage is the golang image --go-version names', () => {
    expect(fs.readFileSync(path.join(goModule, 'Dockerfile'), 'utf8')).toContain(`ARG GO_VERSION=${GO_VERSION}\n`);
    expect(log).toMatch(new RegExp(`^\\[1/2\\] STEP 1/\\d+: FROM golang:${GO_VERSION.replace('.', '\\.')} AS build$`, 'm'));
  });

  it('go version -m: -trimpath=true, CGO_ENABLED=0, GOOS=linux, GOARCH of the host', () => {
    expect(buildInfo(binary).settings).toMatchObject({ '-trimpath': 'true', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: HOST_ARCH });
  });

  // Go leaves -ldflags out of the build info when -trimpath is on (they may hold
  // paths), so "-s -w" and -X are checked by what they do to the file.
  it('-ldflags "-s -w": no symbol table and no DWARF sections; static, no interpreter', () => {
    expect(buildInfo(binary).settings['-ldflags']).toBeUndefined();
    const sections = elfSectionNames(binary);
    expect(sections).toContain('.text'); // the section names were read
    expect(sections.filter((s) => s === '.symtab' || /^\.z?debug_/.test(s))).toEqual([]);
    expect(readElf(binary)).toMatchObject({ interpreter: false, dynamic: false, symtab: false });
  });

  it('-X main.version (--version-var): the binary reports the VERSION build arg', () => {
    const r = spawnSync(binary, [], { env: { PRINT_VERSION: '1' }, encoding: 'utf8', timeout: 10_000 });
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: `${VERSION}\n` });
  });
});

describe(`cross-build for linux/${FOREIGN}`, () => {
  const platform = ['--platform', `linux/${FOREIGN}`, '--build-arg', `VERSION=${VERSION}`];
  // Newer buildah sets BUILDPLATFORM for FROM lines itself; 1.28 (Debian 12) sets it
  // only for RUN. Only then is it passed by hand: the checks below hold either way.
  let buildPlatform: string[] = [];
  let binary = '';
  beforeAll(async () => {
    if (!buildahSetsBuildPlatform(`golang:${GO_VERSION}`, `linux/${FOREIGN}`)) buildPlatform = ['--build-arg', `BUILDPLATFORM=linux/${HOST_ARCH}`];
    buildImage(goModule, `${TAG}:${FOREIGN}`, [...platform, ...buildPlatform]);
    binary = await extract(`${TAG}:${FOREIGN}`);
  }, BUILD_TIMEOUT);

  it(`a ${FOREIGN} image holding a static, stripped ${FOREIGN} binary`, () => {
    expect(imageConfig(`${TAG}:${FOREIGN}`).architecture).toBe(FOREIGN);
    expect(buildInfo(binary).settings).toMatchObject({ '-trimpath': 'true', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: FOREIGN });
    expect(readElf(binary)).toMatchObject({ machine: FOREIGN === 'arm64' ? 'aarch64' : 'x86_64', interpreter: false, dynamic: false, symtab: false });
  });

  it(`the builder stage ran natively: the store has golang:${GO_VERSION} for ${HOST_ARCH} only, and without --platform=$BUILDPLATFORM the build cannot start`, () => {
    expect(JSON.parse(buildah('inspect', '--type', 'image', `golang:${GO_VERSION}`)).OCIv1.architecture).toBe(HOST_ARCH);
    // The same module, its Dockerfile's builder stage left to the target platform:
    // it would need a foreign Go image and emulation, and here fails at once.
    const emulated = path.join(work, 'emulated');
    fs.cpSync(goModule, emulated, { recursive: true });
    const dockerfile = fs.readFileSync(path.join(goModule, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build\n');
    fs.writeFileSync(path.join(emulated, 'Dockerfile'), dockerfile.replace('FROM --platform=$BUILDPLATFORM golang', 'FROM golang'));
    expect(() => buildImage(emulated, `${TAG}:emulated`, [...platform, ...buildPlatform])).toThrow(new RegExp(`FROM golang:${GO_VERSION.replace('.', '\\.')} AS build\\s+Error: creating build container: golang:${GO_VERSION.replace('.', '\\.')}: image not known`));
  });
});
