// Reads the facts the generator needs from a Go module on disk: go.mod's
// directives, where the main package is, and whether it is vendored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError, UsageError } from '../errors';
import { GoModule } from '../model';

export function detectModule(dir: string, mainOverride?: string): GoModule {
  const goModPath = path.join(dir, 'go.mod');
  if (!fs.existsSync(goModPath)) {
    throw new NotFoundError(
      `no go.mod in ${path.resolve(dir)}`,
      'run inside a Go module, pass --dir <module root>, or create one with `go mod init <module path>`',
    );
  }
  const mod = parseGoMod(fs.readFileSync(goModPath, 'utf8'), goModPath);
  return {
    ...mod,
    mainPackage: mainOverride === undefined ? findMain(dir) : checkMain(dir, mainOverride),
    vendored: fs.existsSync(path.join(dir, 'vendor', 'modules.txt')),
    hasGoSum: fs.existsSync(path.join(dir, 'go.sum')),
    warnings: [],
  };
}

/** The `golang:<tag>` to build with: the toolchain directive when it is newer, else the go directive. */
export function builderGoVersion(m: Pick<GoModule, 'goVersion' | 'toolchain'>): string {
  return m.toolchain && compareGoVersions(m.toolchain, m.goVersion) > 0 ? m.toolchain : m.goVersion;
}

const GO_VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/;

/** Orders Go versions: 1.22 < 1.22rc1 < 1.22.0 < 1.22.1 (a bare "1.22" is the language version). */
export function compareGoVersions(a: string, b: string): number {
  const key = (v: string): number[] => {
    const m = GO_VERSION.exec(v);
    if (!m) return [0, 0, -3, 0];
    // patch slot: -2 bare language version, -1 prerelease (beta before rc), else the patch number
    const pre = m[4] ? (m[4] === 'beta' ? -2 : -1) * 1000 + Number(m[5]) : 0;
    const patch = m[3] !== undefined ? Number(m[3]) : m[4] ? -1 : -2;
    return [Number(m[1]), Number(m[2]), patch, pre];
  };
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return 0;
}

function parseGoMod(text: string, file: string): Pick<GoModule, 'modulePath' | 'goVersion' | 'toolchain'> {
  const directive = (name: string): string | undefined => {
    const m = new RegExp(`^\\s*${name}\\s+("[^"]*"|\\S+)`, 'm').exec(text.replace(/\/\/.*$/gm, ''));
    return m?.[1].replace(/^"|"$/g, '');
  };
  const modulePath = directive('module');
  const goVersion = directive('go');
  if (!modulePath) throw new UsageError(file, 'no module directive', 'run `go mod init <module path>`');
  if (!goVersion || !GO_VERSION.test(goVersion)) {
    throw new UsageError(file, `missing or invalid go directive${goVersion ? ` "${goVersion}"` : ''}`, 'set one with `go mod edit -go=1.22`');
  }
  const toolchain = directive('toolchain')?.replace(/^go/, '');
  return toolchain && GO_VERSION.test(toolchain) ? { modulePath, goVersion, toolchain } : { modulePath, goVersion };
}

/** The module root when it is package main, else the single cmd/* main package. */
function findMain(dir: string): string {
  if (isMainPackage(dir)) return '.';
  const cmd = path.join(dir, 'cmd');
  const candidates = fs.existsSync(cmd)
    ? fs
        .readdirSync(cmd, { withFileTypes: true })
        .filter((e) => e.isDirectory() && isMainPackage(path.join(cmd, e.name)))
        .map((e) => `./cmd/${e.name}`)
        .sort()
    : [];
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    throw new UsageError('--main', `several main packages: ${candidates.join(', ')}`, `choose one with --main ${candidates[0]}`);
  }
  throw new UsageError(
    '--main',
    `no main package in ${path.resolve(dir)} (looked at the module root and cmd/*)`,
    'pass --main <directory of package main>, e.g. --main ./cmd/server',
  );
}

function checkMain(dir: string, override: string): string {
  const rel = path.posix.normalize(override.split(path.sep).join('/')).replace(/\/$/, '');
  if (path.posix.isAbsolute(rel) || rel === '..' || rel.startsWith('../')) {
    throw new UsageError('--main', `${override} is outside the module`, 'give a directory relative to the module root, e.g. ./cmd/server');
  }
  const abs = path.join(dir, rel);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new UsageError('--main', `${override} is not a directory in ${path.resolve(dir)}`, 'give the directory of package main, e.g. ./cmd/server');
  }
  if (!isMainPackage(abs)) throw new UsageError('--main', `${override} is not package main`, 'give the directory of package main');
  return rel === '.' ? '.' : `./${rel}`;
}

/** A directory whose non-test .go files (other than `//go:build ignore` ones) declare package main. */
function isMainPackage(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go'))
    .map((e) => fs.readFileSync(path.join(dir, e.name), 'utf8'))
    .filter((src) => !/^\/\/go:build ignore\s*$/m.test(src))
    .some((src) => packageName(src) === 'main');
}

function packageName(src: string): string | undefined {
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return /^\s*package\s+(\w+)/m.exec(code)?.[1];
}
