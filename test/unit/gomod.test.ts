import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builderGoVersion, compareGoVersions, detectModule } from '../../src/gomod/detect';
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
