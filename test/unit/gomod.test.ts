import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builderGoVersion, compareGoVersions, detectModule } from '../../src/gomod/detect';
import { evaluate, parseGoBuild, parsePlusBuild } from '../../src/gomod/build-constraint';
import { HeaderSyntaxError, scanBuildLines, scanClauses } from '../../src/gomod/go-header';
import { parseGoMod } from '../../src/gomod/go-mod-file';
import { unquoteGo } from '../../src/gomod/go-literal';
import { parseDirectives } from '../../src/gomod/mod-syntax';
import { GoModule } from '../../src/model';
import { NotFoundError, UsageError } from '../../src/errors';

const FIXTURES = path.resolve(__dirname, '../fixtures');
let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gomod-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes a module into tmp: a map of relative path -> content. */
function module(files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  }
  return tmp;
}
const GO_MOD = 'module example.com/svc\n\ngo 1.22\n';
const MAIN = 'package main\n\nfunc main() {}\n';
const LIB = '// Package svc does things.\npackage svc\n';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('detectModule on the fixtures', () => {
  it('hello: main package at the root, no dependencies', () => {
    expect(detectModule(path.join(FIXTURES, 'hello'))).toEqual({
      modulePath: 'example.com/hello',
      goVersion: '1.22',
      mainPackage: '.',
      vendored: false,
      hasGoSum: false,
      localReplaceDirs: [],
      serves: { grpcHealth: false, metrics: false },
      warnings: [],
    });
  });

  it('withdeps: the single cmd/* main package, go.sum present', () => {
    expect(detectModule(path.join(FIXTURES, 'withdeps'))).toMatchObject({
      modulePath: 'example.com/withdeps',
      mainPackage: './cmd/withdeps',
      vendored: false,
      hasGoSum: true,
    });
  });

  it('vendored: vendor/modules.txt present', () => {
    expect(detectModule(path.join(FIXTURES, 'vendored'))).toMatchObject({ mainPackage: '.', vendored: true, hasGoSum: true });
  });
});

describe('go.mod parsing', () => {
  it('reads the toolchain directive without its go prefix, ignoring comments and quotes', () => {
    const dir = module({
      'go.mod': '// The service.\nmodule "example.com/svc" // quoted\n\ngo 1.22.0\n\ntoolchain go1.22.5\n\nrequire (\n\tgithub.com/google/uuid v1.6.0 // go 1.99\n)\n',
      'main.go': MAIN,
    });
    const m = detectModule(dir);
    expect(m).toMatchObject({ modulePath: 'example.com/svc', goVersion: '1.22.0', toolchain: '1.22.5' });
    expect(builderGoVersion(m)).toBe('1.22.5');
  });

  it('builds with the go directive when there is no newer toolchain', () => {
    expect(builderGoVersion({ goVersion: '1.22' })).toBe('1.22');
    expect(builderGoVersion({ goVersion: '1.23.1', toolchain: '1.23.0' })).toBe('1.23.1');
    expect(builderGoVersion({ goVersion: '1.23', toolchain: '1.23rc2' })).toBe('1.23rc2');
  });

  it('orders Go versions as the go command does', () => {
    const sorted = ['1.21.13', '1.22', '1.22beta1', '1.22rc1', '1.22rc2', '1.22.0', '1.22.10', '1.23'];
    expect([...sorted].reverse().sort(compareGoVersions)).toEqual(sorted);
  });

  it('rejects a go.mod without a module or go directive', () => {
    expect(thrown(() => detectModule(module({ 'go.mod': 'go 1.22\n', 'main.go': MAIN })))).toBeInstanceOf(UsageError);
    const err = thrown(() => detectModule(module({ 'go.mod': 'module example.com/svc\n', 'main.go': MAIN }))) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('go directive');
    expect(err.suggestion).toContain('go mod edit -go=');
  });

  it('without go.mod, says how to get one', () => {
    const err = thrown(() => detectModule(tmp)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain(`no go.mod in ${tmp}`);
    expect(err.suggestion).toMatch(/--dir/);
    expect(err.suggestion).toMatch(/go mod init/);
  });
});

describe('finding the main package', () => {
  it('prefers the module root when it is package main', () => {
    expect(detectModule(module({ 'go.mod': GO_MOD, 'main.go': MAIN, 'cmd/tool/main.go': MAIN })).mainPackage).toBe('.');
  });

  it('ignores test files and //go:build ignore files', () => {
    const dir = module({
      'go.mod': GO_MOD,
      'svc.go': LIB,
      'gen.go': '//go:build ignore\n\npackage main\n',
      'cmd/server/main.go': MAIN,
      'cmd/fake/main_test.go': MAIN,
      'cmd/lib/lib.go': 'package lib\n',
    });
    expect(detectModule(dir).mainPackage).toBe('./cmd/server');
  });

  it('several cmd/* candidates: a usage error naming them and --main', () => {
    const dir = module({ 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/b/main.go': MAIN, 'cmd/a/main.go': MAIN });
    const err = thrown(() => detectModule(dir)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.field).toBe('--main');
    expect(err.message).toContain('./cmd/a, ./cmd/b');
    expect(err.suggestion).toContain('--main ./cmd/a');
  });

  it('no main package anywhere: a usage error', () => {
    const err = thrown(() => detectModule(module({ 'go.mod': GO_MOD, 'svc.go': LIB }))) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/no main package/);
    expect(err.suggestion).toContain('--main');
  });

  it('--main picks one candidate, normalised to ./path', () => {
    const dir = module({ 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/b/main.go': MAIN, 'cmd/a/main.go': MAIN });
    expect(detectModule(dir, 'cmd/b/').mainPackage).toBe('./cmd/b');
    expect(detectModule(dir, './cmd/a').mainPackage).toBe('./cmd/a');
  });

  it('--main must exist, stay inside the module and be package main', () => {
    const dir = module({ 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/a/main.go': MAIN });
    for (const [flag, why] of [['./cmd/nope', /not a directory/], ['.', /not package main/], ['../x', /outside the module/]] as const) {
      const err = thrown(() => detectModule(dir, flag)) as UsageError;
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toMatch(why);
    }
  });
});

/** The UsageError fn throws (fails the test when it throws anything else). */
function usage(fn: () => unknown): UsageError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(UsageError);
  return err as UsageError;
}
const goMod = (body: string) => `module example.com/svc\n\ngo 1.22\n${body}`;
const detectWith = (files: Record<string, string>, main?: string): GoModule => detectModule(module({ 'go.mod': GO_MOD, ...files }), main);

describe('go.mod syntax (golang.org/x/mod/modfile)', () => {
  it('reads blocks, comments and every directive form', () => {
    const d = parseDirectives('// top\nmodule ( // block\n  "example.com/a" // c\n)\n\ngo 1.22\nrequire (\n\ta v1 // indirect\n\n\tb v2\n)\nexclude ()\nreplace x => ./y // r\n', 'go.mod');
    expect(d.map((x) => [x.verb, x.args, x.line])).toEqual([
      ['module', ['"example.com/a"'], 3],
      ['go', ['1.22'], 6],
      ['require', ['a', 'v1'], 8],
      ['require', ['b', 'v2'], 10],
      ['replace', ['x', '=>', './y'], 13],
    ]);
  });

  it('a // inside a quoted string is not a comment', () => {
    expect(parseDirectives('replace "a//b" => `./c//d`\n', 'go.mod')[0].args).toEqual(['"a//b"', '=>', '`./c//d`']);
  });

  it('interprets "..." escapes in the module path', () => {
    expect(parseGoMod('module "example.com/\\x73v\\u0063" // quoted\ngo 1.22\n').modulePath).toBe('example.com/svc');
  });

  it.each([
    ['a "..." path spanning lines', 'module "example.com/a\nb"\ngo 1.22\n', /line 1: .*may not span lines/],
    ['a `...` path spanning lines', 'module `example.com/a\nb`\ngo 1.22\n', /line 1: .*may not span lines/],
    ['an unclosed string at the end', 'go 1.22\nmodule "example.com/a', /line 2: .*not closed/],
    ['a raw-quoted module path (the go command refuses it)', 'module `example.com/a`\ngo 1.22\n', /only "\.\.\." quotes/],
    ['a bad escape', 'module "example.com/\\q"\ngo 1.22\n', /unknown escape \\q/],
    ['a /* comment */', 'module example.com/a /* no */\ngo 1.22\n', /line 1: .*\/\/ comments, not \/\* \*\//],
    ['an unclosed block', 'module example.com/a\ngo 1.22\nrequire (\n\tb v1\n', /line 3: the require \( block is not closed/],
    ['text after the closing )', 'module example.com/a\ngo 1.22\nrequire (\n\tb v1\n) x\n', /line 5: a newline must follow/],
    ['a control character', 'module example.com/a\u0007\ngo 1.22\n', /line 1: unexpected character "\\u0007"/],
    ['a second module directive', 'module example.com/a\nmodule example.com/b\ngo 1.22\n', /line 2: a second module directive \(the first is on line 1\)/],
    ['two values for go', 'module example.com/a\ngo 1.22 1.23\n', /line 2: the go directive needs exactly one value, got 2/],
  ])('refuses %s, naming go.mod and the line', (_, text, why) => {
    const err = usage(() => parseGoMod(text));
    expect(err.field).toBe('go.mod');
    expect(err.message).toMatch(why);
    expect(err.suggestion).toBeTruthy();
  });
});

describe('module paths (module.CheckImportPath)', () => {
  it.each(['example.com/a+b', 'github.com/acme/orders.v2', 'gopkg.in/yaml.v3', 'my_module', 'a~b/c-d', 'example.com/v2'])('accepts %s', (p) => {
    expect(parseGoMod(`module ${p}\ngo 1.22\n`).modulePath).toBe(p);
  });

  it.each([
    ['a space', '"example.com/a b"', 'example.com/a b', /contains " "/],
    ['a semicolon', '"example.com/a;rm -rf"', 'example.com/a;rm -rf', /contains ";"/],
    ['a quote', '"example.com/a\\"b"', 'example.com/a"b', /contains "\\""/],
    ['a newline (escaped)', '"example.com/a\\nhostPID: true"', 'example.com/a\nhostPID: true', /contains "\\n"/],
    ['a control character', '"example.com/\\x01"', 'example.com/\u0001', /contains "\\u0001"/],
    ['non-ASCII', 'example.com/caf\u00e9', 'example.com/caf\u00e9', /contains "\u00e9"/],
    ['a dollar', '"example.com/$(id)"', 'example.com/$(id)', /contains "\$"/],
    ['an empty element', '"example.com//a"', 'example.com//a', /empty path element/],
    ['a trailing slash', 'example.com/a/', 'example.com/a/', /empty path element/],
    ['a leading-dot element', 'example.com/.hidden', 'example.com/.hidden', /starts or ends with "\."/],
    ['a .. element', 'example.com/../x', 'example.com/../x', /starts or ends with "\."/],
    ['a trailing-dot element', 'example.com/a.', 'example.com/a.', /starts or ends with "\."/],
    ['a leading dash', '-example.com/a', '-example.com/a', /starts with "-"/],
    ['a Windows reserved name', 'example.com/con', 'example.com/con', /Windows reserves/],
    ['a Windows short name', 'example.com/abc~1', 'example.com/abc~1', /short name/],
    ['invalid UTF-8 escapes', '"example.com/\\xff"', undefined, /not valid UTF-8/],
  ])('refuses %s with the value, the directive and the fix', (_, written, value, why) => {
    const err = usage(() => parseGoMod(`module ${written}\ngo 1.22\n`));
    expect(err.field).toBe('go.mod');
    expect(err.message).toContain('line 1: the module path');
    if (value !== undefined) expect(err.message).toContain(JSON.stringify(value));
    expect(err.message).toMatch(why);
    expect(err.message).not.toContain('\n'); // shown quoted, never raw
    expect(err.suggestion).toMatch(/module path|quotes/);
  });
});

describe('go and toolchain directives (they become the golang image tag)', () => {
  it.each(['1.22', '1.22.0', '1.23rc1', '1.21beta2', '1.30.12'])('go %s is accepted', (v) => {
    expect(parseGoMod(`module a\ngo ${v}\n`).goVersion).toBe(v);
  });

  it.each(['1.22x', '1.022', 'v1.22', '"1.22"', '1.22;', '1.21.0rc1', '1.22alpha1', '1.22-bookworm', '1.2.3.4'])('go %s is refused, naming the directive and the fix', (v) => {
    const err = usage(() => parseGoMod(`module a\ngo ${v}\n`));
    expect(err.message).toContain(`line 2: the go directive ${JSON.stringify(v)} is not a Go release`);
    expect(err.suggestion).toContain('go mod edit -go=');
  });

  it('toolchain: goX.Y.Z is used without its prefix; default means none', () => {
    expect(parseGoMod('module a\ngo 1.22\ntoolchain go1.22.5\n').toolchain).toBe('1.22.5');
    expect(parseGoMod('module a\ngo 1.22\ntoolchain default\n').toolchain).toBeUndefined();
  });

  it('a toolchain no golang image has is not used, with a warning', () => {
    const m = parseGoMod('module a\ngo 1.22\ntoolchain go1.22.5-custom;rm\n');
    expect(m.toolchain).toBeUndefined();
    expect(m.warnings).toEqual([expect.stringContaining('the toolchain "go1.22.5-custom;rm" is not a Go release with a golang image')]);
  });

  it('a toolchain the go command refuses is an error', () => {
    const err = usage(() => parseGoMod('module a\ngo 1.22\ntoolchain 1.22.5\n'));
    expect(err.message).toContain('line 3: the toolchain directive "1.22.5" is not a toolchain name');
    expect(err.suggestion).toContain('go mod edit -toolchain=none');
  });
});

describe('go.mod itself is read bounded', () => {
  it('a FIFO is refused at once, not waited on', () => {
    fs.writeFileSync(path.join(tmp, 'main.go'), MAIN);
    expect(spawnSync('mkfifo', [path.join(tmp, 'go.mod')]).status).toBe(0);
    const err = usage(() => detectModule(tmp));
    expect(err.message).toMatch(/go\.mod: .*not a regular file/);
  });

  it('a link to /dev/zero is refused, not read', () => {
    fs.symlinkSync('/dev/zero', path.join(tmp, 'go.mod'));
    expect(usage(() => detectModule(tmp)).message).toBe('go.mod: is a symbolic link to "/dev/zero", outside the module; the image build copies go.mod from the module');
  });

  it('a go.mod that is a directory is refused', () => {
    fs.mkdirSync(path.join(tmp, 'go.mod'));
    expect(usage(() => detectModule(tmp)).message).toMatch(/go\.mod: .*is a directory, not a file/);
  });

  it('a go.mod over 1 MiB is refused', () => {
    const dir = module({ 'go.mod': GO_MOD + '// x\n'.repeat(300_000), 'main.go': MAIN });
    expect(usage(() => detectModule(dir)).message).toMatch(/larger than 1 MiB/);
  });

  it('a go.mod linked from outside the module is refused', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gomod-out-'));
    fs.writeFileSync(path.join(outside, 'go.mod'), GO_MOD);
    fs.mkdirSync(path.join(tmp, 'm'));
    fs.writeFileSync(path.join(tmp, 'm/main.go'), MAIN);
    fs.symlinkSync(path.join(outside, 'go.mod'), path.join(tmp, 'm/go.mod'));
    const err = usage(() => detectModule(path.join(tmp, 'm')));
    expect(err.message).toContain('is a symbolic link to');
    expect(err.message).toContain('outside the module');
    fs.rmSync(outside, { recursive: true });
  });
});

describe('build constraint expressions (go/build/constraint)', () => {
  const holds = (expr: string, tags: string[]) => evaluate(parseGoBuild(expr), (t) => tags.includes(t));

  it('!, && and || with Go precedence and parentheses', () => {
    expect(holds('a || b && c', ['a'])).toBe(true);
    expect(holds('(a || b) && c', ['a'])).toBe(false);
    expect(holds('!a && !(b || c)', [])).toBe(true);
    expect(holds('linux && (amd64 || arm64) && !cgo', ['linux', 'arm64'])).toBe(true);
    expect(holds('go1.22 && gc', ['gc'])).toBe(false);
    expect(holds('\u00fcnicode_1.x', ['\u00fcnicode_1.x'])).toBe(true);
  });

  it.each([
    ['', 'unexpected end of expression'],
    ['linux &&', 'unexpected end of expression'],
    ['linux // comment', 'invalid syntax at /'],
    ['(linux', 'missing close paren'],
    ['!!linux', 'double negation not allowed'],
    ['linux & amd64', 'invalid syntax at &'],
    ['linux amd64', 'unexpected token amd64'],
    ['linux)', 'unexpected token )'],
    ['a-b', 'invalid syntax at -'],
  ])('%j is malformed: %s', (expr, why) => {
    expect(() => parseGoBuild(expr)).toThrow(why);
  });

  it('refuses an expression too large (bounds the recursion), without overflowing the stack', () => {
    expect(() => parseGoBuild('('.repeat(100_000) + 'a' + ')'.repeat(100_000))).toThrow('build expression too large');
    expect(() => parseGoBuild(Array(1001).fill('a').join(' || '))).toThrow('build expression too large');
  });

  it('// +build: spaces are OR, commas AND; bad words never match; too complex lines are ignored', () => {
    const plus = (expr: string, tags: string[]) => evaluate(parsePlusBuild(expr)!, (t) => tags.includes(t));
    expect(plus('linux,!cgo darwin', ['linux'])).toBe(true);
    expect(plus('linux,cgo darwin', ['linux'])).toBe(false);
    expect(plus('!!linux', ['linux'])).toBe(false);
    expect(plus('a-b', ['a-b'])).toBe(false);
    expect(parsePlusBuild(Array(102).fill('a').join(' '))).toBeUndefined();
  });
});

describe('.go file headers: one linear pass, stopping after the imports', () => {
  const header = (text: string) => {
    const lines = scanBuildLines(text);
    return { ...lines, ...scanClauses(text, lines.codeStart) };
  };

  it('a /* inside a // comment opens no block comment', () => {
    expect(header('// Usage: cmd /* flags\npackage main\n').packageName).toBe('main');
  });

  it('a // inside a block comment ends nothing; the block ends at */', () => {
    expect(header('/* a // b\n c */ package main\n').packageName).toBe('main');
    expect(header('/* // */ /* x */ package main').packageName).toBe('main');
  });

  it('finds //go:build among the leading comments, not inside a block comment or after the package clause', () => {
    expect(header('// Copyright\n//go:build linux\n\npackage main\n').goBuild).toEqual({ line: 2, expr: 'linux' });
    expect(header('/* lic */\n//go:build ignore\npackage main\n').goBuild?.expr).toBe('ignore'); // go/build takes it too
    expect(header('/*\n//go:build ignore\n*/\npackage main\n').goBuild).toBeUndefined();
    expect(header('package main\n//go:build ignore\n').goBuild).toBeUndefined();
    expect(header('//go:buildx ignore\npackage main\n').goBuild).toBeUndefined();
    expect(header('  //go:build\tignore \r\n\r\npackage main\r\n').goBuild?.expr).toBe('ignore');
  });

  it('// +build lines count only in the leading run that a blank line ends', () => {
    expect(header('// +build ignore\n\npackage main\n').plusBuild).toEqual([{ line: 1, expr: 'ignore' }]);
    expect(header('// +build ignore\npackage main\n').plusBuild).toEqual([]);
    expect(header('/* x */\n// +build ignore\n\npackage main\n').plusBuild).toEqual([]);
  });

  it('reads every import form, stopping at the first other declaration', () => {
    const h = header('package main // x\n\nimport "fmt"\nimport (\n\tf "flag"\n\t. "os"\n\t_ `embed`\n\t/* c */ "C"; "a\\x62c"\n)\nimport ()\n\nfunc main() { _ = "not/an/import" }\nimport "never"\n');
    expect(h.imports).toEqual(['fmt', 'flag', 'os', 'embed', 'C', 'abc']);
  });

  it.each([
    ['no package clause', 'func main() {}\n', 1, /^no package clause/],
    ['an empty file', '', 1, /^no package clause/],
    ['an unclosed block comment', '// x\n/* open\n\npackage main\n', 2, /^a \/\* comment that is never closed/],
    ['an unclosed import block', 'package main\nimport (\n"fmt"\n', 4, /never closed/],
    ['a bad import literal', 'package main\nimport "a\\qb"\n', 2, /^an invalid string literal "a\\qb": unknown escape \\q/],
    ['two //go:build lines', '//go:build linux\n//go:build amd64\n\npackage main\n', 2, /^a second \/\/go:build line \(the first is on line 1\)/],
  ])('%s is an error with the line', (_, text, line, why) => {
    const err = thrown(() => header(text)) as HeaderSyntaxError;
    expect(err).toBeInstanceOf(HeaderSyntaxError);
    expect(err.message).toMatch(why);
    expect(err.line).toBe(line);
  });

  it('unquotes Go literals as the Go spec says', () => {
    expect(unquoteGo('"\\u00e9\\101\\x41\\t"')).toBe('\u00e9AA\t');
    expect(unquoteGo('`a\\n\r`')).toBe('a\\n');
    expect(() => unquoteGo('"\\ud800"')).toThrow(/not a Unicode code point/);
  });
});

describe('the main package, with build constraints as the image build evaluates them', () => {
  it('a //go:build tools file with package main is not the main package', () => {
    const m = detectWith({ 'tools.go': '//go:build tools\n\npackage main\n\nimport _ "golang.org/x/tools/cmd/stringer"\n', 'svc.go': LIB, 'cmd/server/main.go': MAIN });
    expect(m.mainPackage).toBe('./cmd/server');
  });

  it('package main is found although its first comment holds /* inside a // line', () => {
    expect(detectWith({ 'main.go': '// Run it as: svc /* options */ or svc /*\npackage main\n\nfunc main() {}\n' }).mainPackage).toBe('.');
  });

  it('a package clause hidden in a block comment does not count', () => {
    const m = detectWith({ 'svc.go': '/*\npackage main\n*/\npackage svc\n', 'cmd/a/main.go': MAIN });
    expect(m.mainPackage).toBe('./cmd/a');
  });

  it.each([
    ['main_linux.go', true],
    ['main_amd64.go', true],
    ['main_linux_amd64.go', true],
    ['main_windows.go', false],
    ['main_arm64.go', false], // on amd64, which decides
    ['main_linux_arm64.go', false],
    ['main_darwin_amd64.go', false],
    ['linux.go', true], // no prefix before the platform: not constrained
    ['main_unix.go', true], // unix is not a file-name platform
    ['_main.go', false],
    ['.main.go', false],
    ['main_test.go', false],
  ])('a root holding only %s is main: %s', (name, isMain) => {
    const files = { [name]: MAIN, 'cmd/a/main.go': MAIN };
    expect(detectWith(files).mainPackage).toBe(isMain ? '.' : './cmd/a');
  });

  it.each([
    ['linux && amd64 && !cgo', true],
    ['unix && gc', true],
    ['cgo', false],
    ['ignore', false],
    ['windows || darwin', false],
    ['go1.1 && go1.22', true],
    ['go1.23', false],
    ['!go1.21', false],
    ['gccgo', false],
    ['purego', false],
  ])('//go:build %s holds: %s', (expr, isMain) => {
    expect(detectWith({ 'main.go': `//go:build ${expr}\n\n${MAIN}`, 'cmd/a/main.go': MAIN }).mainPackage).toBe(isMain ? '.' : './cmd/a');
  });

  it('go1.N tags follow the Go the builder image runs (a newer toolchain directive counts)', () => {
    const files = { 'main.go': `//go:build go1.23\n\n${MAIN}`, 'cmd/a/main.go': MAIN };
    expect(detectModule(module({ 'go.mod': 'module a\ngo 1.22\ntoolchain go1.23.1\n', ...files })).mainPackage).toBe('.');
  });

  it('// +build lines decide when there is no //go:build line', () => {
    expect(detectWith({ 'main.go': `// +build ignore\n\n${MAIN}`, 'cmd/a/main.go': MAIN }).mainPackage).toBe('./cmd/a');
    expect(detectWith({ 'main.go': `//go:build linux\n// +build ignore\n\n${MAIN}` }).mainPackage).toBe('.');
  });

  it('package documentation files are skipped, as go/build does', () => {
    expect(detectWith({ 'main.go': MAIN, 'doc.go': 'package documentation\n' }).mainPackage).toBe('.');
  });

  it('a malformed //go:build line is an error naming the file, the line and the fix', () => {
    const err = usage(() => detectWith({ 'svc.go': LIB, 'cmd/a/main.go': `// x\n//go:build linux &&\n\n${MAIN}` }));
    expect(err.field).toBe('cmd/a/main.go');
    expect(err.message).toContain('line 2: the build constraint "//go:build linux &&" is malformed: unexpected end of expression');
    expect(err.suggestion).toContain('go help buildconstraint');
  });

  it('a file the build leaves out is not read past its constraint', () => {
    expect(detectWith({ 'main.go': MAIN, 'broken.go': '//go:build ignore\n\nthis is not Go /* at all' }).mainPackage).toBe('.');
  });

  it('a compiled file without a package clause is an error naming it', () => {
    const err = usage(() => detectWith({ 'main.go': MAIN, 'broken.go': 'func x() {}\n' }));
    expect(err.field).toBe('broken.go');
    expect(err.message).toContain('line 1: no package clause');
  });

  it('package main beside another package in one directory is refused', () => {
    const err = usage(() => detectWith({ 'main.go': MAIN, 'svc.go': LIB }));
    expect(err.message).toContain('main.go (package main), svc.go (package svc)');
    expect(err.suggestion).toContain('same package clause');
  });

  it('a main package without files for linux/arm64 gets a warning', () => {
    const m = detectWith({ 'main_amd64.go': MAIN });
    expect(m.mainPackage).toBe('.');
    expect(m.warnings).toEqual([expect.stringContaining('no .go file that builds for linux/arm64')]);
  });
});

describe('main package directories from a cloned repository are hostile', () => {
  const HOSTILE = ['a;b', 'a|b', 'a b', 'a"b', "a'b", 'a\nb', 's\u00e9rvice', 'a$(id)', 'a`id`', 'a\\b', 'a&b'];

  it.each(HOSTILE.map((n) => [JSON.stringify(n), n]))('cmd/%s holding package main is refused, never passed on', (_, name) => {
    const err = usage(() => detectWith({ 'svc.go': LIB, [`cmd/${name}/main.go`]: MAIN }));
    expect(err.field).toBe('--main');
    expect(err.message).toContain(JSON.stringify(`cmd/${name}`));
    expect(err.message).not.toContain('\n'); // the name is shown JSON-quoted
    expect(err.suggestion).toMatch(/rename the directory.*or pass --main/);
  });

  it('cmd directories the go command skips (.x, _x, testdata) are not candidates, whatever their names', () => {
    const m = detectWith({ 'svc.go': LIB, 'cmd/.a;b/main.go': MAIN, 'cmd/_old/main.go': MAIN, 'cmd/testdata/main.go': MAIN, 'cmd/server/main.go': MAIN });
    expect(m.mainPackage).toBe('./cmd/server');
  });

  it('a hostile name without package main is ignored', () => {
    expect(detectWith({ 'svc.go': LIB, 'cmd/a;b/lib.go': 'package lib\n', 'cmd/ok/main.go': MAIN }).mainPackage).toBe('./cmd/ok');
  });

  it.each(['./cmd/a;b', './cmd/a b', 'cmd/a\nb', './cmd/$(id)', "./cmd/a'", 'cmd/caf\u00e9', '.\\cmd\\a'])('--main %j is refused by the grammar', (flag) => {
    const err = usage(() => detectWith({ 'main.go': MAIN }, flag));
    expect(err.field).toBe('--main');
    expect(err.message).toBe(`--main: ${JSON.stringify(flag)} is not valid`);
    expect(err.suggestion).toContain('such as . or ./cmd/orders');
  });

  it('--main through a link inside the module is accepted; out of the module it is refused', () => {
    const dir = module({ 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/a/main.go': MAIN });
    fs.symlinkSync('a', path.join(dir, 'cmd/alias'));
    expect(detectModule(dir, './cmd/alias').mainPackage).toBe('./cmd/alias');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gomod-out-'));
    fs.writeFileSync(path.join(outside, 'main.go'), MAIN);
    fs.symlinkSync(outside, path.join(dir, 'cmd/x'));
    const err = usage(() => detectModule(dir, './cmd/x'));
    expect(err.message).toContain('resolves to');
    expect(err.message).toContain('outside the module');
    fs.rmSync(outside, { recursive: true });
  });

  it('a cmd/* link out of the module is not looked into, and the error says so', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gomod-out-'));
    fs.writeFileSync(path.join(outside, 'main.go'), MAIN);
    const dir = module({ 'go.mod': GO_MOD, 'svc.go': LIB, 'cmd/.keep': '' });
    fs.symlinkSync(outside, path.join(dir, 'cmd/x'));
    const err = usage(() => detectModule(dir));
    expect(err.message).toContain('skipped cmd/x: a symbolic link out of the module');
    fs.rmSync(outside, { recursive: true });
  });

  it('a .go file linked from outside the module is refused', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gomod-out-'));
    fs.writeFileSync(path.join(outside, 'x.go'), MAIN);
    const dir = module({ 'go.mod': GO_MOD, 'main.go': MAIN });
    fs.symlinkSync(path.join(outside, 'x.go'), path.join(dir, 'x.go'));
    const err = usage(() => detectModule(dir));
    expect(err.field).toBe('x.go');
    expect(err.message).toContain('outside the module');
    fs.rmSync(outside, { recursive: true });
  });

  it('a .go file that is a FIFO or a link to /dev/zero is refused, not read', () => {
    const dir = module({ 'go.mod': GO_MOD, 'main.go': MAIN });
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.go'));
    expect(usage(() => detectModule(dir)).message).toContain('zero.go: is a symbolic link to "/dev/zero", outside the module');
    fs.rmSync(path.join(dir, 'zero.go'));
    expect(spawnSync('mkfifo', [path.join(dir, 'fifo.go')]).status).toBe(0);
    expect(usage(() => detectModule(dir)).message).toMatch(/fifo\.go: .*not a regular file/);
  });
});

describe('replace directives: the image build context holds only the module', () => {
  const withLib = (replace: string, extra: Record<string, string> = {}) =>
    module({ 'go.mod': goMod(`require example.com/lib v0.0.0\n${replace}\n`), 'main.go': MAIN, 'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n', ...extra });

  it('a local replace inside the module is fine and reported for the download layer', () => {
    const m = detectModule(withLib('replace example.com/lib => ./lib'));
    expect(m.localReplaceDirs).toEqual(['./lib']);
    expect(m.warnings).toEqual([]);
  });

  it('a local replace without a go.mod is not listed (copying its go.mod would fail)', () => {
    const dir = withLib('replace example.com/lib => ./lib\nreplace example.com/gone => ./gone');
    expect(detectModule(dir).localReplaceDirs).toEqual(['./lib']);
  });

  it('a replace by another module version is not a directory', () => {
    expect(detectModule(withLib('replace example.com/lib v0.0.0 => example.com/fork v1.2.3')).localReplaceDirs).toEqual([]);
  });

  it('a local replace outside the module is an error naming the directive, the path and the fixes', () => {
    const err = usage(() => detectModule(withLib('replace (\n\texample.com/lib => ../lib\n)')));
    expect(err.field).toBe('go.mod');
    expect(err.message).toContain('line 6: replace "example.com/lib" => "../lib" points outside the module');
    expect(err.suggestion).toContain('go mod vendor');
    expect(err.suggestion).toContain('move the replaced module inside');
    expect(err.suggestion).toContain('publish');
  });

  it('vendored, an outside replace is only a warning', () => {
    const m = detectModule(withLib('replace example.com/lib => ../lib', { 'vendor/modules.txt': '# example.com/lib v0.0.0 => ../lib\n' }));
    expect(m.warnings).toEqual([expect.stringContaining('points outside the module; the image builds from vendor/')]);
  });

  it('a replace through a link out of the module is outside', () => {
    const dir = withLib('replace example.com/lib => ./linked');
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'linked'));
    expect(usage(() => detectModule(dir)).message).toContain('points outside the module');
  });

  it('an absolute replace path is refused even inside the module (the image has another path)', () => {
    const dir = withLib('');
    fs.appendFileSync(path.join(dir, 'go.mod'), `replace example.com/lib => ${path.join(fs.realpathSync(dir), 'lib')}\n`);
    expect(usage(() => detectModule(dir)).message).toContain('is an absolute path');
  });

  it('a replace directory with an unsafe name is refused', () => {
    expect(usage(() => detectModule(withLib('replace example.com/lib => "./li b"'))).message).toContain('names a directory that is not safe');
  });
});

describe('go.work: the image builds the module alone', () => {
  it('warns about used directories outside the module, naming them', () => {
    const m = detectWith({ 'main.go': MAIN, 'go.work': 'go 1.22\n\nuse (\n\t.\n\t../shared\n\t"../other"\n\t./tools\n)\n', 'tools/go.mod': 'module t\n' });
    expect(m.warnings).toHaveLength(1);
    expect(m.warnings[0]).toContain('go.work uses "../shared", "../other", outside the module');
    expect(m.warnings[0]).toContain('ignores them');
  });

  it('no warning when every used directory is inside', () => {
    expect(detectWith({ 'main.go': MAIN, 'go.work': 'go 1.22\nuse .\nuse ./tools\n' }).warnings).toEqual([]);
  });

  it('a malformed go.work is an error naming it', () => {
    const err = usage(() => detectWith({ 'main.go': MAIN, 'go.work': 'go 1.22\nuse `../x`\n' }));
    expect(err.field).toBe('go.work');
    expect(err.message).toContain('line 2');
  });
});

describe('cgo: the Dockerfile builds with CGO_ENABLED=0', () => {
  const CGO = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc helper() {}\n';

  it('files of the main package that import "C" are named in a warning', () => {
    const m = detectWith({ 'main.go': MAIN, 'cgo.go': CGO });
    expect(m.warnings).toEqual([expect.stringContaining('files that import "C" are left out of the image build (the Dockerfile sets CGO_ENABLED=0): cgo.go')]);
  });

  it('a cgo file constrained to cgo is meant to be left out: no warning', () => {
    expect(detectWith({ 'main.go': MAIN, 'cgo.go': `//go:build cgo\n\n${CGO}` }).warnings).toEqual([]);
  });

  it('a main package whose every file imports "C" is an error', () => {
    const err = usage(() => detectWith({ 'svc.go': LIB, 'cmd/a/main.go': 'package main\nimport "C"\nfunc main() {}\n' }));
    expect(err.field).toBe('./cmd/a');
    expect(err.message).toContain('every .go file that builds for linux/amd64 imports "C" (cmd/a/main.go)');
    expect(err.suggestion).toMatch(/without cgo.*CGO_ENABLED=1/);
  });

  it('follows the main package into the module: cgo files there are named, an all-cgo package is an error', () => {
    const files = { 'main.go': 'package main\nimport (\n\t"example.com/svc/internal/a"\n\t"fmt"\n)\nfunc main() {}\n', 'internal/a/a.go': 'package a\nimport "example.com/svc/internal/b"\n', 'internal/a/c.go': 'package a\nimport "C"\n' };
    const m = detectWith({ ...files, 'internal/b/b.go': 'package b\n', 'internal/b/b_cgo.go': 'package b\nimport "C"\n', 'unused/u.go': 'package u\nimport "C"\n' });
    expect(m.warnings).toEqual([expect.stringContaining('left out of the image build (the Dockerfile sets CGO_ENABLED=0): internal/a/c.go, internal/b/b_cgo.go;')]);
    const err = usage(() => detectWith({ ...files, 'internal/b/b.go': 'package b\nimport "C"\n' }));
    expect(err.field).toBe('./internal/b');
  });

  it('a nested module is not followed (its own go.mod decides)', () => {
    const m = detectWith({ 'main.go': 'package main\nimport "example.com/svc/sub"\nfunc main() {}\n', 'sub/go.mod': 'module example.com/svc/sub\n', 'sub/s.go': 'package sub\nimport "C"\n' });
    expect(m.warnings).toEqual([]);
  });

  it('cgo-only on arm64 is a warning, not an error', () => {
    const m = detectWith({ 'main.go': MAIN.replace('func main() {}', ''), 'run_amd64.go': 'package main\nfunc main() {}\n', 'run_arm64.go': 'package main\nimport "C"\nfunc main() {}\n' });
    expect(m.mainPackage).toBe('.');
    expect(m.warnings.join('\n')).toContain('run_arm64.go');
  });
});

describe('size and time', () => {
  it('a 1 MB .go file is read in linear time (loosely: under 2 s)', () => {
    const longComment = '// a /* b */ c /* d\n'.repeat(50_000);
    const dir = module({ 'go.mod': GO_MOD, 'main.go': `${longComment}package main\n\nfunc main() {}\n${'func f() { /* x */ }\n'.repeat(20_000)}` });
    const t0 = Date.now();
    expect(detectModule(dir).mainPackage).toBe('.');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a .go file over 16 MiB is refused with a clear error', () => {
    const dir = module({ 'go.mod': GO_MOD, 'main.go': MAIN });
    fs.writeFileSync(path.join(dir, 'big.go'), Buffer.alloc(16 * 1024 * 1024 + 1, 32));
    expect(usage(() => detectModule(dir)).message).toMatch(/big\.go: .*larger than 16 MiB/);
  });
});
