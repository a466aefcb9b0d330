// The platform the generated Dockerfile builds for, and which build tags and
// file names hold there (go/build: matchTag, goodOSArchFile).
import { goMinor } from './go-version';

export interface BuildTarget {
  goos: 'linux';
  goarch: string;
  goMinor: number; // release tags go1.1 .. go1.<goMinor> hold
}

// go/build's lists of known systems (internal/syslist): only these name a file's platform.
const KNOWN_OS = new Set('aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos'.split(' '));
const KNOWN_ARCH = new Set(
  '386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'.split(' '),
);

/**
 * The image build: GOOS=linux, CGO_ENABLED=0, the gc compiler, for amd64 (the usual
 * build platform) and arm64 (`docker buildx build --platform linux/arm64`, which the
 * Dockerfile advertises). Release tags follow the Go version the builder image runs.
 */
export function imageTargets(builderGoVersion: string): [BuildTarget, BuildTarget] {
  const minor = goMinor(builderGoVersion);
  return [
    { goos: 'linux', goarch: 'amd64', goMinor: minor },
    { goos: 'linux', goarch: 'arm64', goMinor: minor },
  ];
}

/** Whether a build tag holds: linux, unix, the arch, gc, go1.1..go1.N; cgo, ignore, tools and any other tag do not. */
export function tagHolds(t: BuildTarget, tag: string): boolean {
  if (tag === t.goos || tag === t.goarch || tag === 'unix' || tag === 'gc') return true;
  const release = /^go1\.([1-9][0-9]*)$/.exec(tag);
  return release !== null && Number(release[1]) <= t.goMinor;
}

/** Whether a .go file's name suits the target: name_GOOS, name_GOARCH, name_GOOS_GOARCH (each optionally _test). */
export function fileNameHolds(t: BuildTarget, fileName: string): boolean {
  const stem = fileName.split('.')[0];
  const underscore = stem.indexOf('_');
  if (underscore < 0) return true; // linux.go is not constrained, only x_linux.go is
  const parts = stem.slice(underscore).split('_');
  if (parts[parts.length - 1] === 'test') parts.pop();
  const [os, arch] = parts.slice(-2);
  const last = parts[parts.length - 1];
  if (parts.length >= 2 && KNOWN_OS.has(os) && KNOWN_ARCH.has(arch)) return tagHolds(t, os) && tagHolds(t, arch);
  if (KNOWN_OS.has(last) || KNOWN_ARCH.has(last)) return tagHolds(t, last);
  return true;
}

export function targetName(t: BuildTarget): string {
  return `${t.goos}/${t.goarch}`;
}
