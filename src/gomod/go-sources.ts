// The .go files of a package directory that the image build compiles, as go/build
// selects them: no _test.go files, no names starting with "_" or ".", file-name
// platforms and build constraints evaluated for each build target.
import * as path from 'node:path';
import { UsageError } from '../errors';
import { shownValue } from '../inputs/grammar';
import { ConstraintSyntaxError, evaluate, Expr, parseGoBuild, parsePlusBuild } from './build-constraint';
import { BuildTarget, fileNameHolds, tagHolds } from './build-target';
import { HeaderSyntaxError, scanBuildLines, scanClauses } from './go-header';
import { GO_SOURCE_MAX, ModuleFiles, shownPath } from './module-files';

export interface SourceFile {
  rel: string; // path from the module root
  packageName: string;
  imports: string[];
  cgo: boolean; // imports "C": left out when CGO_ENABLED=0
  builds(t: BuildTarget): boolean; // file name and build constraints hold for t
}

const CONSTRAINT_FIX = 'correct the line (see `go help buildconstraint`): tags joined by &&, || and !, with parentheses, e.g. //go:build linux && !cgo';

export class GoSources {
  private readonly cache = new Map<string, SourceFile[]>();

  constructor(
    private readonly files: ModuleFiles,
    private readonly targets: readonly BuildTarget[],
  ) {}

  /** The non-test .go files in relDir that build for at least one target (none when it is not a package). */
  of(relDir: string): SourceFile[] {
    let out = this.cache.get(relDir);
    if (!out) {
      out = this.files
        .list(relDir)
        .filter((e) => e.name.endsWith('.go') && !e.name.endsWith('_test.go') && !/^[_.]/.test(e.name) && !e.isDirectory())
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((e) => this.read(path.posix.join(relDir, e.name), e.isSymbolicLink()))
        .filter((f): f is SourceFile => f !== undefined && f.packageName !== 'documentation'); // go/build skips package documentation
      this.cache.set(relDir, out);
    }
    return out;
  }

  private read(rel: string, link: boolean): SourceFile | undefined {
    const name = path.posix.basename(rel);
    const byName = this.targets.filter((t) => fileNameHolds(t, name));
    if (byName.length === 0) return undefined;
    if (link) {
      const real = this.files.real(rel);
      if (real !== undefined && !this.files.contains(real)) {
        throw new UsageError(shownPath(rel), `is a symbolic link to ${shownValue(real)}, outside the module; the image's build context holds only the module`, 'replace the link with the file, or move the file into the module');
      }
      if (real !== undefined && this.files.isDirectory(rel)) return undefined; // go/build skips links to directories
    }
    const text = this.files.read(rel, GO_SOURCE_MAX);
    const fail = (e: unknown, fix: string): never => {
      if (e instanceof HeaderSyntaxError) throw new UsageError(shownPath(rel), `line ${e.line}: ${e.message}`, fix);
      throw e;
    };
    let lines: ReturnType<typeof scanBuildLines>;
    try {
      lines = scanBuildLines(text);
    } catch (e) {
      return fail(e, 'keep a single //go:build line in the file');
    }
    const constraint = this.constraint(rel, lines.goBuild, lines.plusBuild);
    const holds = (t: BuildTarget) => byName.includes(t) && constraint(t);
    if (!this.targets.some(holds)) return undefined; // never compiled: its code is not read, as go/build does
    let clauses: ReturnType<typeof scanClauses>;
    try {
      clauses = scanClauses(text, lines.codeStart);
    } catch (e) {
      return fail(e, 'correct the file (`go vet` reports the same problem), or pass --main to build another package');
    }
    return { rel, packageName: clauses.packageName, imports: clauses.imports, cgo: clauses.imports.includes('C'), builds: holds };
  }

  /** Whether the file's constraint holds for a target: the //go:build line when there is one, else every // +build line. */
  private constraint(rel: string, goBuild: { line: number; expr: string } | undefined, plusBuild: { line: number; expr: string }[]): (t: BuildTarget) => boolean {
    let exprs: Expr[];
    if (goBuild) {
      try {
        exprs = [parseGoBuild(goBuild.expr)];
      } catch (e) {
        if (!(e instanceof ConstraintSyntaxError)) throw e;
        throw new UsageError(shownPath(rel), `line ${goBuild.line}: the build constraint ${shownValue(`//go:build ${goBuild.expr}`)} is malformed: ${e.message}`, CONSTRAINT_FIX);
      }
    } else {
      exprs = plusBuild.map((p) => parsePlusBuild(p.expr)).filter((x): x is Expr => x !== undefined); // the go command ignores the unparsable
    }
    return (t) => exprs.every((x) => evaluate(x, (tag) => tagHolds(t, tag)));
  }
}
