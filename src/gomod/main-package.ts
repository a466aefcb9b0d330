// Which package the image builds: --main when given, else the module root when it
// is package main, else the single cmd/* main package. The result reaches the
// Dockerfile's go build line, so it must match the mainPackage grammar and stay
// inside the module, links resolved.
import * as path from 'node:path';
import { UsageError } from '../errors';
import { GRAMMAR, matches, shownValue } from '../inputs/grammar';
import { BuildTarget, targetName } from './build-target';
import { GoSources } from './go-sources';
import { ModuleFiles, SAFE_NAME_CHARS, shownPath } from './module-files';

export class MainPackage {
  constructor(
    private readonly files: ModuleFiles,
    private readonly sources: GoSources,
    private readonly target: BuildTarget, // the platform that decides what is package main
    private readonly shownDir: string, // the module directory as the user gave it, for messages
  ) {}

  /** The main package as ./dir (or "."), found or checked. */
  resolve(override?: string): string {
    return override === undefined ? this.find() : this.check(override);
  }

  private find(): string {
    if (this.isMain('.')) return '.';
    const candidates: string[] = [];
    const outside: string[] = [];
    if (this.files.isDirectory('cmd')) {
      if (!this.files.contains(this.files.real('cmd')!)) outside.push('cmd');
      else {
        // Names the go command's ./... skips (.x, _x, testdata) hold no service.
        for (const name of this.files.list('cmd').map((e) => e.name).filter((n) => !/^[._]|^testdata$/.test(n)).sort()) {
          const rel = `cmd/${name}`;
          const real = this.files.real(rel);
          if (real === undefined || !this.files.isDirectory(rel)) continue;
          if (!this.files.contains(real)) outside.push(rel);
          else if (this.isMain(rel)) candidates.push(this.allowListed(rel));
        }
      }
    }
    if (candidates.length === 1) return candidates[0];
    if (candidates.length > 1) {
      throw new UsageError('--main', `several main packages: ${candidates.join(', ')}`, `choose one with --main ${candidates[0]}`);
    }
    const skipped = outside.length ? `; skipped ${outside.map(shownPath).join(', ')}: a symbolic link out of the module` : '';
    throw new UsageError(
      '--main',
      `no main package in ${this.shownDir} (looked at the module root and cmd/* for ${targetName(this.target)}${skipped})`,
      'pass --main <directory of package main>, e.g. --main ./cmd/server',
    );
  }

  private check(override: string): string {
    const rel = path.posix.normalize(override).replace(/\/+$/, '') || '.';
    if (path.posix.isAbsolute(rel) || rel === '..' || rel.startsWith('../')) {
      throw new UsageError('--main', `${shownValue(override)} is outside the module`, 'give a directory relative to the module root, e.g. ./cmd/server');
    }
    const pkg = rel === '.' ? '.' : `./${rel}`;
    if (!matches('mainPackage', pkg)) throw new UsageError('--main', `${shownValue(override)} is not valid`, `use ${GRAMMAR.mainPackage.expected}`);
    const real = this.files.real(rel);
    if (real === undefined || !this.files.isDirectory(rel)) {
      throw new UsageError('--main', `${shownValue(override)} is not a directory in ${this.shownDir}`, 'give the directory of package main, e.g. ./cmd/server');
    }
    if (!this.files.contains(real)) {
      throw new UsageError(
        '--main',
        `${shownValue(override)} resolves to ${shownValue(real)}, outside the module (a symbolic link); the image's build context holds only the module`,
        'give a directory inside the module, or replace the link with the directory itself',
      );
    }
    if (!this.isMain(rel)) {
      throw new UsageError(
        '--main',
        `${shownValue(override)} is not package main (no non-test .go file in it that builds for ${targetName(this.target)} with CGO_ENABLED=0 declares package main)`,
        'give the directory of package main, e.g. ./cmd/server',
      );
    }
    return pkg;
  }

  /** Whether the files built for the target declare package main; two packages in one directory are refused. */
  private isMain(rel: string): boolean {
    const built = this.sources.of(rel).filter((f) => f.builds(this.target));
    const names = [...new Set(built.map((f) => f.packageName))];
    if (!names.includes('main')) return false;
    if (names.length > 1) {
      const list = built.map((f) => `${shownPath(f.rel)} (package ${f.packageName})`).join(', ');
      throw new UsageError('--main', `${shownPath(rel)} holds more than one package, which go build refuses: ${list}`, 'give every non-test .go file in it the same package clause, or pass --main with another main package');
    }
    return true;
  }

  /** A found cmd/* main package as ./cmd/NAME; a name a build line must not carry is refused, never passed on. */
  private allowListed(rel: string): string {
    const pkg = `./${rel}`;
    if (matches('mainPackage', pkg)) return pkg;
    throw new UsageError(
      '--main',
      `the main package in ${shownValue(rel)} has a directory name that is not safe in the Dockerfile's go build line`,
      `rename the directory using only ${SAFE_NAME_CHARS} (e.g. cmd/server), or pass --main with another main package`,
    );
  }
}
