// Whether the main package, and the packages of the module it imports, build for
// each image target with the Dockerfile's CGO_ENABLED=0: files that import "C" are
// left out (a warning), a package left with no files cannot build (an error on the
// first target, a warning on the others).
import * as path from 'node:path';
import { UsageError } from '../errors';
import { LocalReplace } from './build-context';
import { BuildTarget, targetName } from './build-target';
import { GoSources, SourceFile } from './go-sources';
import { ModuleFiles, shownPath } from './module-files';
import { modulePathProblem } from './module-path';

const LISTED = 10; // files named in a warning before "and N more"

/** Warnings about the build on each target; throws when it cannot work on targets[0]. */
export function targetBuildWarnings(files: ModuleFiles, sources: GoSources, targets: readonly BuildTarget[], mainRel: string, modulePath: string, replaces: LocalReplace[]): string[] {
  const dirOf = importDirs(files, modulePath, replaces);
  const leftOut = new Set<string>();
  const warnings: string[] = [];
  for (const t of targets) {
    const queue = [mainRel];
    const seen = new Set(queue);
    for (let q = 0; q < queue.length; q++) {
      const built = sources.of(queue[q]).filter((f) => f.builds(t));
      const cgo = built.filter((f) => f.cgo);
      const plain = built.filter((f) => !f.cgo);
      cgo.forEach((f) => leftOut.add(f.rel));
      if (q === 0 && built.length === 0) {
        // targets[0] decided the main package, so only another target gets here
        warnings.push(`the main package ${pkgName(mainRel)} has no .go file that builds for ${targetName(t)}: a build for ${targetName(t)} (docker buildx build --platform ${targetName(t)}) fails`);
      }
      if (cgo.length > 0 && plain.length === 0) {
        const what = `every .go file that builds for ${targetName(t)} imports "C" (${listed(cgo.map((f) => f.rel))}); with CGO_ENABLED=0 the Dockerfile leaves them out, so go build finds no files`;
        const fix = 'give the package files that build without cgo (e.g. a //go:build !cgo variant), or build it in your own Dockerfile with CGO_ENABLED=1 and a C toolchain (create --chart-only)';
        if (t === targets[0]) throw new UsageError(pkgName(queue[q]), what, fix);
        warnings.push(`package ${pkgName(queue[q])}: ${what}: a build for ${targetName(t)} (docker buildx build --platform ${targetName(t)}) fails`);
      }
      for (const rel of imported(plain, dirOf)) {
        if (!seen.has(rel)) {
          seen.add(rel);
          queue.push(rel);
        }
      }
    }
  }
  if (leftOut.size > 0) {
    warnings.unshift(
      `files that import "C" are left out of the image build (the Dockerfile sets CGO_ENABLED=0): ${listed([...leftOut].sort())}; if the service needs them, build it in your own Dockerfile with cgo (create --chart-only)`,
    );
  }
  return warnings;
}

/** Every import path of the packages of this module that the main package builds from, for one target. */
export function binaryImports(files: ModuleFiles, sources: GoSources, target: BuildTarget, mainRel: string, modulePath: string, replaces: LocalReplace[]): Set<string> {
  const dirOf = importDirs(files, modulePath, replaces);
  const all = new Set<string>();
  const queue = [mainRel];
  const seen = new Set(queue);
  for (let q = 0; q < queue.length; q++) {
    const built = sources.of(queue[q]).filter((f) => f.builds(target) && !f.cgo);
    built.forEach((f) => f.imports.forEach((i) => all.add(i)));
    for (const rel of imported(built, dirOf)) {
      if (!seen.has(rel)) seen.add(rel), queue.push(rel);
    }
  }
  return all;
}

function imported(sourceFiles: SourceFile[], dirOf: (importPath: string) => string | undefined): string[] {
  return sourceFiles.flatMap((f) => f.imports.map(dirOf).filter((d): d is string => d !== undefined));
}

/** Maps an import path to its package directory in the module, when it is one that goes into this build. */
function importDirs(files: ModuleFiles, modulePath: string, replaces: LocalReplace[]): (importPath: string) => string | undefined {
  const roots = [{ from: modulePath, dir: '.' }, ...replaces.map((r) => ({ from: r.from, dir: path.posix.normalize(r.dir) }))].sort((a, b) => b.from.length - a.from.length);
  const nested = new Map<string, boolean>(); // directory -> holds a go.mod (another module)
  const hasGoMod = (rel: string): boolean => {
    let v = nested.get(rel);
    if (v === undefined) nested.set(rel, (v = files.exists(path.posix.join(rel, 'go.mod'))));
    return v;
  };
  return (importPath) => {
    const root = roots.find((r) => importPath === r.from || importPath.startsWith(`${r.from}/`));
    if (!root) return undefined;
    const rest = importPath.slice(root.from.length + 1);
    if (rest === '') return root.dir;
    if (modulePathProblem(rest) !== undefined) return undefined; // not a path the go command would import
    let rel = root.dir;
    for (const elem of rest.split('/')) {
      rel = path.posix.join(rel, elem);
      if (hasGoMod(rel)) return undefined; // a nested module, built from its own go.mod's requirements
    }
    const real = files.real(rel);
    return real !== undefined && files.contains(real) && files.isDirectory(rel) ? rel : undefined;
  };
}

function pkgName(rel: string): string {
  return rel === '.' ? '.' : shownPath(`./${rel}`);
}

function listed(rels: string[]): string {
  const shown = rels.slice(0, LISTED).map(shownPath).join(', ');
  return rels.length > LISTED ? `${shown} and ${rels.length - LISTED} more` : shown;
}
