import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { planService } from '../../src/create/create';
import { GOLDEN_CASES } from '../golden/cases';

// `npm run golden` (UPDATE_GOLDEN=1) rewrites the committed output from the generator.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const repo = join(__dirname, '../..');

/** Chart files live in the repo's charts/, the rest under test/golden/NAME. */
const goldenPath = (name: string, path: string) => (path.startsWith('charts/') ? join(repo, path) : join(repo, 'test/golden', name, path));

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

describe.each(GOLDEN_CASES.map((c) => [c.name, c] as const))('golden output: %s', (name, options) => {
  const { files } = planService(options);
  const roots = [join(repo, 'charts', name), join(repo, 'test/golden', name)];

  if (UPDATE) {
    roots.forEach((r) => rmSync(r, { recursive: true, force: true }));
    for (const [path, content] of files) {
      mkdirSync(dirname(goldenPath(name, path)), { recursive: true });
      writeFileSync(goldenPath(name, path), content);
    }
  }

  it('writes exactly the committed set of files', () => {
    const expected = roots.flatMap(listFiles).map((f) => relative(repo, f)).sort();
    const actual = [...files.keys()].map((p) => relative(repo, goldenPath(name, p))).sort();
    expect(actual).toEqual(expected);
  });

  it.each([...files.keys()])('%s matches byte for byte', (path) => {
    expect(files.get(path)).toBe(readFileSync(goldenPath(name, path), 'utf8'));
  });

  it('is reproducible (no clock, no environment)', () => {
    expect(planService(options).files).toEqual(files);
  });
});
