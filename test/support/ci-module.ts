// A sample Go module with its chart, Dockerfile and .dockerignore, as `create`
// leaves it: what `helm goservice ci` reads.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureCopy } from './cli';
import { repoRoot } from './tools';

export function moduleWithChart(name = 'withdeps'): string {
  const dir = fixtureCopy(name);
  cpSync(join(repoRoot, 'charts', name), join(dir, 'charts', name), { recursive: true });
  for (const f of ['Dockerfile', '.dockerignore']) cpSync(join(repoRoot, 'test/golden', name, f), join(dir, f));
  return dir;
}

/** The Go version the sample's Dockerfile builds with (its golang base image must exist). */
export function sampleGoVersion(name = 'withdeps'): string {
  const m = /^ARG GO_VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot, 'test/golden', name, 'Dockerfile'), 'utf8'));
  if (!m) throw new Error(`test/golden/${name}/Dockerfile has no ARG GO_VERSION`);
  return m[1];
}
