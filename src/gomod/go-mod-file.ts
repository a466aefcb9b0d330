// go.mod's directives that reach the generated files (module, go, toolchain) and
// the replace directives, each checked as the go command checks it and allow-listed.
import { UsageError } from '../errors';
import { GRAMMAR, matches, shownValue } from '../inputs/grammar';
import { Directive, parseDirectives, pathArg } from './mod-syntax';
import { modulePathProblem } from './module-path';

export interface Replace {
  from: string; // the replaced module path
  to: string; // the replacement: a module path, or a directory when isDirectoryPath(to)
  line: number;
}

export interface GoModFile {
  modulePath: string;
  goVersion: string;
  toolchain?: string; // without the "go" prefix; absent for none, "default" or one no golang image has
  replaces: Replace[];
  requires: string[]; // module paths of the require directives
  warnings: string[];
}

const FILE = 'go.mod';

/** Parses go.mod's text; every problem is a UsageError naming go.mod, the line, the directive and the value. */
export function parseGoMod(text: string): GoModFile {
  const directives = parseDirectives(text, FILE);
  const single = (verb: string): Directive | undefined => {
    const all = directives.filter((d) => d.verb === verb);
    if (all.length > 1) throw problem(all[1], `a second ${verb} directive (the first is on line ${all[0].line})`, `keep one ${verb} directive`);
    if (all[0] && all[0].args.length !== 1) throw problem(all[0], `the ${verb} directive needs exactly one value, got ${all[0].args.length}`, `write it as \`${verb} <value>\``);
    return all[0];
  };
  const warnings: string[] = [];
  const mod = single('module');
  const go = single('go');
  const toolchain = single('toolchain');
  if (!mod) throw new UsageError(FILE, 'no module directive', 'run `go mod init <module path>`');
  if (!go) throw new UsageError(FILE, 'no go directive', 'set one with `go mod edit -go=1.22`');
  const modulePath = moduleDirective(mod);
  const goVersion = go.args[0];
  if (!matches('goRelease', goVersion)) {
    throw problem(go, `the go directive ${shownValue(goVersion)} is not a Go release (it becomes the golang image tag)`, `set ${GRAMMAR.goRelease.expected} with \`go mod edit -go=1.22\``);
  }
  return { modulePath, goVersion, ...toolchainDirective(toolchain, warnings), replaces: replaceDirectives(directives), requires: requireDirectives(directives), warnings };
}

/** The module paths go.mod requires (what the generator looks for in them is an exact path; a malformed one matches nothing). */
function requireDirectives(directives: Directive[]): string[] {
  return directives.filter((d) => d.verb === 'require' && d.args.length > 0).flatMap((d) => {
    try {
      return [pathArg(d.args[0])];
    } catch {
      return [];
    }
  });
}

/** Whether a replacement is a directory, as the go command decides (modfile.IsDirectoryPath). */
export function isDirectoryPath(p: string): boolean {
  return p === '.' || p === '..' || /^\.{1,2}[/\\]/.test(p) || /^[/\\]/.test(p) || /^[A-Za-z]:/.test(p);
}

function moduleDirective(d: Directive): string {
  let path: string;
  try {
    path = pathArg(d.args[0]);
  } catch (e) {
    throw problem(d, `the module path ${shownValue(d.args[0])} is not a valid quoted string: ${(e as Error).message}`, 'write the module path bare or in "..." quotes, e.g. module example.com/orders');
  }
  const why = modulePathProblem(path);
  if (why) throw problem(d, `the module path ${shownValue(path)} is not valid: ${why}`, `use ${GRAMMAR.modulePath.expected}, with \`go mod edit -module=example.com/orders\``);
  return path;
}

function toolchainDirective(d: Directive | undefined, warnings: string[]): { toolchain?: string } {
  const name = d?.args[0];
  if (d === undefined || name === undefined || name === 'default') return {};
  if (!/^go1(?:$|\.)/.test(name)) {
    throw problem(d, `the toolchain directive ${shownValue(name)} is not a toolchain name`, 'write it as go1.N.P (e.g. toolchain go1.22.5) or remove it with `go mod edit -toolchain=none`');
  }
  const version = name.slice(2);
  if (matches('goRelease', version)) return { toolchain: version };
  // The golang image runs with GOTOOLCHAIN=local, so the go directive decides the build.
  warnings.push(`go.mod line ${d.line}: the toolchain ${shownValue(name)} is not a Go release with a golang image, so the Dockerfile builds with the go directive's version; pass --go-version to choose another`);
  return {};
}

function replaceDirectives(directives: Directive[]): Replace[] {
  return directives
    .filter((d) => d.verb === 'replace')
    .map((d) => {
      const arrow = d.args.indexOf('=>');
      const target = d.args.slice(arrow + 1);
      if ((arrow !== 1 && arrow !== 2) || target.length < 1 || target.length > 2) {
        throw problem(d, 'a replace directive must read `replace module [version] => path` or `=> module version`', 'correct the replace directive');
      }
      try {
        return { from: pathArg(d.args[0]), to: pathArg(target[0]), line: d.line };
      } catch (e) {
        throw problem(d, `a replace directive with an invalid quoted string: ${(e as Error).message}`, 'write the paths bare or in "..." quotes');
      }
    });
}

function problem(d: Directive, what: string, fix: string): UsageError {
  return new UsageError(FILE, `line ${d.line}: ${what}`, fix);
}
