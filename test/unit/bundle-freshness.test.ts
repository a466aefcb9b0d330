// The CLI tests spawn dist/: jest's global setup rebuilds it when a source is newer
// (test/global-setup.js), using this check.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const { staleBundle } = require('../support/bundle-freshness') as { staleBundle: (root: string) => string | null };

describe('staleBundle', () => {
  let root: string;
  const at = (file: string, seconds: number) => {
    const p = join(root, file);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, '');
    utimesSync(p, seconds, seconds);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'goservice-bundle-'));
    at('src/a.ts', 1000);
    at('src/nested/b.ts', 1000);
    at('templates/chart/x.yaml', 1000);
    at('schemas/values.schema.json', 1000);
    at('dist/.built', 2000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is fresh when every source is older than the build', () => {
    expect(staleBundle(root)).toBeNull();
  });

  it.each(['src/nested/b.ts', 'templates/chart/x.yaml', 'schemas/values.schema.json'])('names %s when it changed after the build', (file) => {
    at(file, 3000);
    expect(staleBundle(root)).toBe(`${file} changed after dist/ was built`);
  });

  it('names the newest of several changed files and counts the others', () => {
    at('src/a.ts', 3000);
    at('src/nested/b.ts', 4000);
    at('schemas/values.schema.json', 2500);
    expect(staleBundle(root)).toBe('src/nested/b.ts and 2 more files changed after dist/ was built');
  });

  it('a file outside the sources does not count', () => {
    at('test/x.test.ts', 3000);
    at('README.md', 3000);
    expect(staleBundle(root)).toBeNull();
  });

  it('without a finished build, says so', () => {
    rmSync(join(root, 'dist/.built'));
    expect(staleBundle(root)).toBe('dist/ has no finished build (dist/.built is missing)');
  });

  it('the real build is dated no later than every source it was built from', () => {
    expect(staleBundle(join(__dirname, '../..'))).toBeNull();
  });
});
