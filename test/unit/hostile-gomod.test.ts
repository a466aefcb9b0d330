import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, snapshot } from '../support/cli';

// Odd and hostile Go modules through the real CLI (`npm run build` first). Every
// refusal names the field, shows the value and says how to fix it, exits with
// the documented code, and leaves the module byte-for-byte as it was.

const MAIN = 'package main\n\nfunc main() {}\n';
const LIB = 'package svc\n';
const GO_MOD = 'module example.com/svc\n\ngo 1.22\n';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A module in a fresh temp dir: relative path -> content; `setup` adds links, FIFOs and such. */
function goModule(files: Record<string, string | Buffer>, setup?: (dir: string, outside: string) => void): string {
  const base = mkdtempSync(join(tmpdir(), 'hostile-gomod-'));
  made.push(base);
  const dir = join(base, 'module');
  const outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'main.go'), MAIN);
  writeFileSync(join(outside, 'go.mod'), 'module example.com/lib\n\ngo 1.22\n');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  setup?.(dir, outside);
  return dir;
}

interface Refusal {
  name: string;
  files: Record<string, string | Buffer>;
  setup?: (dir: string, outside: string) => void;
  args?: string[];
  exit: number;
  expect: (string | RegExp)[]; // field, value and fix, in the order printed
}

/** Runs `create svc` and checks the code, each expected piece of stderr, and an untouched module. */
function refuses(c: Refusal): void {
  const dir = goModule(c.files, c.setup);
  const before = snapshot(dir);
  const r = runCli(['create', 'svc', ...(c.args ?? [])], { cwd: dir });
  expect(r.stderr).toMatch(/^Error: /);
  for (const e of c.expect) expect(r.stderr).toMatch(e);
  expect(r.stderr).toMatch(/\nFix: .+/);
  expect(r.code).toBe(c.exit);
  expect(snapshot(dir)).toEqual(before);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const shown = (v: string) => new RegExp(esc(JSON.stringify(v)));

const HOSTILE_GO_MOD: Refusal[] = [
  { name: 'a quoted module path spanning lines', files: { 'go.mod': 'module "example.com/svc\nhostPID: true"\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [/go\.mod: line 1: a string that is not closed on its line \(strings may not span lines\)/, /Fix: correct go\.mod/] },
  { name: 'a newline escaped into the module path', files: { 'go.mod': 'module "example.com/svc\\nhostPID: true"\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [/go\.mod: line 1: the module path /, shown('example.com/svc\nhostPID: true'), /Fix: use a module path such as example\.com\/orders/] },
  { name: 'a shell command in the module path', files: { 'go.mod': 'module "example.com/svc;curl x|sh"\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [/go\.mod: line 1: the module path /, shown('example.com/svc;curl x|sh'), /contains ";"/, /go mod edit -module=/] },
  { name: 'a quote in the module path', files: { 'go.mod': 'module "example.com/\\"svc"\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [shown('example.com/"svc'), /contains "\\""/] },
  { name: 'a control character in the module path', files: { 'go.mod': 'module "example.com/\\x1b[2Jsvc"\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [shown('example.com/\u001b[2Jsvc')] },
  { name: 'a raw-quoted module path', files: { 'go.mod': 'module `example.com/svc`\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [/go\.mod: line 1: the module path "`example\.com\/svc`" is not a valid quoted string/, /Fix: write the module path bare or in "\.\.\." quotes/] },
  { name: 'a leading-dot element', files: { 'go.mod': 'module example.com/.svc\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [shown('example.com/.svc'), /starts or ends with "\."/] },
  { name: 'a go version carrying a Dockerfile instruction', files: { 'go.mod': 'module example.com/svc\n\ngo "1.22\\nRUN curl x"\n', 'main.go': MAIN }, exit: 2, expect: [/go\.mod: line 3: the go directive /, /not a Go release/, /go mod edit -go=/] },
  { name: 'a go version that is a tag no image has', files: { 'go.mod': 'module example.com/svc\n\ngo 1.22-alpine;x\n', 'main.go': MAIN }, exit: 2, expect: [shown('1.22-alpine;x'), /go mod edit -go=/] },
  { name: 'a toolchain the go command refuses', files: { 'go.mod': 'module example.com/svc\n\ngo 1.22\ntoolchain latest\n', 'main.go': MAIN }, exit: 2, expect: [/line 4: the toolchain directive "latest" is not a toolchain name/, /go mod edit -toolchain=none/] },
  { name: 'a /* */ comment', files: { 'go.mod': '/* x */\nmodule example.com/svc\n\ngo 1.22\n', 'main.go': MAIN }, exit: 2, expect: [/go\.mod: line 1: go\.mod files use \/\/ comments/] },
  { name: 'a go.mod that is a FIFO', files: { 'main.go': MAIN }, setup: (d) => expect(spawnSync('mkfifo', [join(d, 'go.mod')]).status).toBe(0), exit: 2, expect: [/go\.mod: .*go\.mod is not a regular file/, /Fix: give the path of a regular file/] },
  { name: 'a go.mod linked to /dev/zero', files: { 'main.go': MAIN }, setup: (d) => symlinkSync('/dev/zero', join(d, 'go.mod')), exit: 2, expect: [/go\.mod: is a symbolic link to "\/dev\/zero", outside the module/, /Fix: replace the link with the file itself/] },
  { name: 'a go.mod over 1 MiB', files: { 'go.mod': GO_MOD + '// padding\n'.repeat(100_000), 'main.go': MAIN }, exit: 2, expect: [/go\.mod: .* is larger than 1 MiB/] },
  { name: 'a go.mod linked from outside the module', files: { 'main.go': MAIN }, setup: (d, o) => symlinkSync(join(o, 'go.mod'), join(d, 'go.mod')), exit: 2, expect: [/go\.mod: is a symbolic link to .*outside[/]go\.mod", outside the module/] },
];

const HOSTILE_NAMES = ['a;b', 'a|b', 'a b', 'a"b', "a'b", 'a\nb', 'sérvice', '$(id)', 'a`id`', 'a&&b', 'a\\b'];

const HOSTILE_MAIN: Refusal[] = [
  ...HOSTILE_NAMES.map((name) => ({
    name: `a cmd directory named ${JSON.stringify(name)} holding package main`,
    files: { 'go.mod': GO_MOD, 'svc.go': LIB, [`cmd/${name}/main.go`]: MAIN },
    exit: 2,
    expect: [/^Error: --main: the main package in /, shown(`cmd/${name}`), /not safe in the Dockerfile's go build line/, /Fix: rename the directory .*or pass --main/],
  })),
  ...['./cmd/a;b', './cmd/a b', 'cmd/a\nRUN id', './cmd/$(id)', 'cmd/caf\u00e9'].map((flag) => ({
    name: `--main ${JSON.stringify(flag)}`,
    files: { 'go.mod': GO_MOD, 'main.go': MAIN, 'cmd/ok/main.go': MAIN },
    args: ['--main', flag],
    exit: 2,
    expect: [/^Error: --main: /, shown(flag), /is not valid/, /Fix: use a directory inside the module such as \. or \.\/cmd\/orders/],
  })),
  {
    name: '--main through a link out of the module',
    files: { 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/.keep': '' },
    setup: (d, o) => symlinkSync(o, join(d, 'cmd/x')),
    args: ['--main', './cmd/x'],
    exit: 2,
    expect: [/--main: "\.\/cmd\/x" resolves to .*outside", outside the module \(a symbolic link\)/, /Fix: give a directory inside the module/],
  },
  {
    name: '--main out of the module with ..',
    files: { 'go.mod': GO_MOD, 'main.go': MAIN },
    args: ['--main', 'cmd/../../outside'],
    exit: 2,
    expect: [/--main: "cmd\/\.\.\/\.\.\/outside" is outside the module/, /Fix: give a directory relative to the module root/],
  },
  {
    name: 'the only main package behind a cmd link out of the module',
    files: { 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/.keep': '' },
    setup: (d, o) => symlinkSync(o, join(d, 'cmd/server')),
    exit: 2,
    expect: [/--main: no main package in .*skipped cmd\/server: a symbolic link out of the module/, /Fix: pass --main/],
  },
  {
    name: 'a main package file linked from outside the module',
    files: { 'go.mod': GO_MOD },
    setup: (d, o) => symlinkSync(join(o, 'main.go'), join(d, 'main.go')),
    exit: 2,
    expect: [/main\.go: is a symbolic link to .*outside\/main\.go", outside the module/, /Fix: replace the link with the file/],
  },
];

const BUILDS_THAT_CANNOT_WORK: Refusal[] = [
  {
    name: 'a local replace outside the module',
    files: { 'go.mod': `${GO_MOD}\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../outside\n`, 'main.go': MAIN },
    exit: 2,
    expect: [/go\.mod: line 7: replace "example\.com\/lib" => "\.\.\/outside" points outside the module/, /build context holds only the module/, /Fix: run `go mod vendor`.*move the replaced module inside this module, or publish it/],
  },
  {
    name: 'a local replace through a link out of the module',
    files: { 'go.mod': `${GO_MOD}\nreplace example.com/lib => ./lib\n`, 'main.go': MAIN },
    setup: (d, o) => symlinkSync(o, join(d, 'lib')),
    exit: 2,
    expect: [/replace "example\.com\/lib" => "\.\/lib" points outside the module/],
  },
  {
    name: 'an absolute replace path',
    files: { 'go.mod': GO_MOD, 'main.go': MAIN, 'lib/go.mod': 'module example.com/lib\n' },
    setup: (d) => appendFileSync(join(d, 'go.mod'), `replace example.com/lib => ${join(realpathSync(d), 'lib')}\n`),
    exit: 2,
    expect: [/is an absolute path, which the image .* does not have/, /Fix: write the path relative to the module root/],
  },
  {
    name: 'a main package whose every file imports "C"',
    files: { 'go.mod': GO_MOD, 'main.go': 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {}\n' },
    exit: 2,
    expect: [/Error: \.: every \.go file that builds for linux\/amd64 imports "C" \(main\.go\); with CGO_ENABLED=0/, /Fix: give the package files that build without cgo.*CGO_ENABLED=1/],
  },
  {
    name: 'an imported package of the module that needs cgo',
    files: { 'go.mod': GO_MOD, 'main.go': 'package main\n\nimport _ "example.com/svc/internal/sqlite"\n\nfunc main() {}\n', 'internal/sqlite/db.go': 'package sqlite\n\nimport "C"\n' },
    exit: 2,
    expect: [/Error: \.\/internal\/sqlite: every \.go file that builds for linux\/amd64 imports "C" \(internal\/sqlite\/db\.go\)/],
  },
  {
    name: 'a malformed //go:build line in the main package',
    files: { 'go.mod': GO_MOD, 'main.go': '//go:build linux && (amd64\n\npackage main\n\nfunc main() {}\n' },
    exit: 2,
    expect: [/main\.go: line 1: the build constraint "\/\/go:build linux && \(amd64" is malformed: missing close paren/, /Fix: correct the line \(see `go help buildconstraint`\)/],
  },
  {
    name: 'two //go:build lines',
    files: { 'go.mod': GO_MOD, 'main.go': '//go:build linux\n//go:build !cgo\n\npackage main\n\nfunc main() {}\n' },
    exit: 2,
    expect: [/main\.go: line 2: a second \/\/go:build line \(the first is on line 1\)/],
  },
  {
    name: 'package main beside another package',
    files: { 'go.mod': GO_MOD, 'main.go': MAIN, 'svc.go': LIB },
    exit: 2,
    expect: [/--main: \. holds more than one package, which go build refuses: main\.go \(package main\), svc\.go \(package svc\)/, /Fix: give every non-test \.go file in it the same package clause/],
  },
];

describe('hostile go.mod', () => {
  it.each(HOSTILE_GO_MOD.map((c) => [c.name, c] as const))('%s', (_, c) => refuses(c));
});

describe('hostile main package directories and --main', () => {
  it.each(HOSTILE_MAIN.map((c) => [c.name, c] as const))('%s', (_, c) => refuses(c));
});

describe('builds that cannot work are refused', () => {
  it.each(BUILDS_THAT_CANNOT_WORK.map((c) => [c.name, c] as const))('%s', (_, c) => refuses(c));
});

interface Accepted {
  name: string;
  files: Record<string, string | Buffer>;
  setup?: (dir: string, outside: string) => void;
  mainPackage: string;
  warnings: (string | RegExp)[]; // each a line "Warning: ..." on stderr
}

const SURPRISES: Accepted[] = [
  {
    name: 'a go.work using directories outside the module',
    files: { 'go.mod': GO_MOD, 'main.go': MAIN, 'go.work': 'go 1.22\n\nuse (\n\t.\n\t../outside\n)\n' },
    mainPackage: '.',
    warnings: [/^Warning: go\.work uses "\.\.\/outside", outside the module; the image is built from the module alone .*ignores it/],
  },
  {
    name: 'cgo files beside plain ones in the main package',
    files: { 'go.mod': GO_MOD, 'main.go': MAIN, 'fast.go': 'package main\n\nimport "C"\n' },
    mainPackage: '.',
    warnings: [/^Warning: files that import "C" are left out of the image build \(the Dockerfile sets CGO_ENABLED=0\): fast\.go; .*own Dockerfile/],
  },
  {
    name: 'a vendored module with a replace outside it',
    files: { 'go.mod': `${GO_MOD}\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../outside\n`, 'main.go': MAIN, 'vendor/modules.txt': '# example.com/lib v0.0.0 => ../outside\n## explicit\n' },
    mainPackage: '.',
    warnings: [/^Warning: go\.mod line 7: replace "example\.com\/lib" => "\.\.\/outside" points outside the module; the image builds from vendor\/, so run `go mod vendor` again/],
  },
  {
    name: 'a toolchain no golang image has',
    files: { 'go.mod': `${GO_MOD}toolchain go1.22.5-corp\n`, 'main.go': MAIN },
    mainPackage: '.',
    warnings: [/^Warning: go\.mod line 4: the toolchain "go1\.22\.5-corp" is not a Go release with a golang image, so the Dockerfile builds with the go directive's version; pass --go-version/],
  },
  {
    name: 'a main package that builds only on amd64',
    files: { 'go.mod': GO_MOD, 'main_amd64.go': MAIN },
    mainPackage: '.',
    warnings: [/^Warning: the main package \. has no \.go file that builds for linux\/arm64/],
  },
];

const ODD_BUT_FINE: Accepted[] = [
  {
    name: 'a //go:build tools file with package main at the root',
    files: { 'go.mod': GO_MOD, 'tools.go': '//go:build tools\n\npackage main\n\nimport _ "golang.org/x/tools/cmd/stringer"\n', 'svc.go': LIB, 'cmd/server/main.go': MAIN },
    mainPackage: './cmd/server',
    warnings: [],
  },
  {
    name: 'package main whose first comment holds /* inside a // line',
    files: { 'go.mod': GO_MOD, 'main.go': '// Usage: svc /* flags */ [args]\n// Globs: cmd/* and /*\npackage main\n\nfunc main() {}\n' },
    mainPackage: '.',
    warnings: [],
  },
  {
    name: 'a hostile-named directory without package main',
    files: { 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/a;rm -rf/lib.go': 'package lib\n', 'cmd/server/main.go': MAIN },
    mainPackage: './cmd/server',
    warnings: [],
  },
  {
    name: 'a local replace inside the module',
    files: { 'go.mod': `${GO_MOD}\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n`, 'main.go': 'package main\n\nimport _ "example.com/lib"\n\nfunc main() {}\n', 'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n', 'lib/lib.go': 'package lib\n' },
    mainPackage: '.',
    warnings: [],
  },
  {
    name: 'platform files and a Windows-only main elsewhere',
    files: { 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/server/main_linux.go': MAIN, 'cmd/winsvc/main_windows.go': MAIN },
    mainPackage: './cmd/server',
    warnings: [],
  },
];

describe('builds that may surprise: a warning, and the plan', () => {
  it.each([...SURPRISES, ...ODD_BUT_FINE].map((c) => [c.name, c] as const))('%s', (_, c) => {
    const dir = goModule(c.files, c.setup);
    const before = snapshot(dir);
    const r = runCli(['create', 'svc', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(c.warnings.length);
    c.warnings.forEach((w, i) => expect(lines[i]).toMatch(w));
    expect(r.stdout).toContain(`Dry run: nothing written. Go module example.com/svc (main package ${c.mainPackage})`);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('huge input stays fast', () => {
  it('a 1 MB .go file whose header is a million bytes of comments', () => {
    const comment = '// a /* b */ c /* d and */ e\n'.repeat(36_000);
    const dir = goModule({ 'go.mod': GO_MOD, 'main.go': `${comment}package main\n\nfunc main() {}\n` });
    const before = snapshot(dir);
    const t0 = Date.now();
    const r = runCli(['create', 'svc', '--dry-run'], { cwd: dir });
    const ms = Date.now() - t0;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(main package .)');
    expect(ms).toBeLessThan(10_000); // the whole CLI, start-up included; detection alone is measured in bench
    expect(snapshot(dir)).toEqual(before);
  });

  it('a 2 MB .go file of code after a small header', () => {
    const dir = goModule({ 'go.mod': GO_MOD, 'main.go': `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n${'func f() { /* x */ _ = "/*" }\n'.repeat(70_000)}` });
    const r = runCli(['create', 'svc', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(main package .)');
  });
});
