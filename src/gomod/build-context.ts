// What the image build can see: its context is the module directory alone. A
// local replace outside it cannot build (unless vendored); a go.work is left out,
// so the directories it uses are not seen.
import * as path from 'node:path';
import { UsageError } from '../errors';
import { matches, shownValue } from '../inputs/grammar';
import { isDirectoryPath, Replace } from './go-mod-file';
import { parseDirectives, pathArg } from './mod-syntax';
import { GO_MOD_MAX, ModuleFiles, SAFE_NAME_CHARS } from './module-files';

export interface LocalReplace {
  from: string; // the replaced module path
  dir: string; // ./dir inside the module
}

export interface ReplaceFindings {
  inside: LocalReplace[];
  warnings: string[];
}

/** Local replace directives: inside the module they are listed, outside an error (a warning when vendored). */
export function checkReplaces(files: ModuleFiles, replaces: Replace[], vendored: boolean): ReplaceFindings {
  const out: ReplaceFindings = { inside: [], warnings: [] };
  for (const r of replaces.filter((x) => isDirectoryPath(x.to))) {
    const shown = `replace ${shownValue(r.from)} => ${shownValue(r.to)}`;
    const fail = (what: string, fix: string): never => {
      throw new UsageError('go.mod', `line ${r.line}: ${shown} ${what}`, fix);
    };
    const rel = path.posix.normalize(r.to);
    const real = files.resolveLinks(path.resolve(files.root, r.to));
    if (files.contains(real) && path.isAbsolute(r.to)) {
      fail('is an absolute path, which the image (module copied to /src) does not have', 'write the path relative to the module root, e.g. => ./lib');
    }
    if (!files.contains(real) || rel === '..' || rel.startsWith('../')) {
      if (vendored) {
        out.warnings.push(`go.mod line ${r.line}: ${shown} points outside the module; the image builds from vendor/, so run \`go mod vendor\` again after changing ${shownValue(r.to)}`);
        continue;
      }
      fail(
        `points outside the module (to ${shownValue(real)}); the image's build context holds only the module, so go build cannot read it`,
        'run `go mod vendor` (the Dockerfile then builds from vendor/), move the replaced module inside this module, or publish it and require a version',
      );
    }
    const dir = rel === '.' ? '.' : `./${rel}`;
    if (!matches('mainPackage', dir)) {
      fail('names a directory that is not safe in the Dockerfile', `rename the directory using only ${SAFE_NAME_CHARS}, and update the replace directive`);
    }
    out.inside.push({ from: r.from, dir });
  }
  return out;
}

/** A warning for a go.work at the module root that uses directories outside the module. */
export function workspaceWarnings(files: ModuleFiles): string[] {
  if (!files.exists('go.work')) return [];
  const outside: string[] = [];
  for (const d of parseDirectives(files.read('go.work', GO_MOD_MAX), 'go.work').filter((x) => x.verb === 'use')) {
    let dir: string;
    try {
      if (d.args.length !== 1) throw new Error(`a use directive takes one directory, got ${d.args.length}`);
      dir = pathArg(d.args[0]);
    } catch (e) {
      throw new UsageError('go.work', `line ${d.line}: ${(e as Error).message}`, 'correct go.work (`go work edit -fmt` reports the same problem)');
    }
    if (!files.contains(files.resolveLinks(path.resolve(files.root, dir)))) outside.push(shownValue(dir));
  }
  if (outside.length === 0) return [];
  return [
    `go.work uses ${outside.join(', ')}, outside the module; the image is built from the module alone (go.work is not in its build context), so the build ignores ${outside.length > 1 ? 'them' : 'it'} and uses the module versions go.mod requires`,
  ];
}
