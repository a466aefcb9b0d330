// Whether dist/ (what the CLI tests run) was built from the sources as they are:
// the newest file under src/, templates/ or schemas/ edited after the last build
// started (dist/.built carries that time), or why there is no build to compare.
const { readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const SOURCES = ['src', 'templates', 'schemas'];

/** null when dist/ is fresh, else a sentence naming the file that makes it stale. */
function staleBundle(root) {
  let built;
  try {
    built = statSync(join(root, 'dist/.built')).mtimeMs;
  } catch {
    return 'dist/ has no finished build (dist/.built is missing)';
  }
  let newest = { path: '', mtime: built };
  let count = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const mtime = statSync(p).mtimeMs;
        if (mtime > built) {
          count++;
          if (mtime > newest.mtime) newest = { path: p, mtime };
        }
      }
    }
  };
  for (const d of SOURCES) {
    try {
      walk(join(root, d));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
  }
  if (!count) return null;
  const others = count > 1 ? ` and ${count - 1} more file${count > 2 ? 's' : ''}` : '';
  return `${relative(root, newest.path)}${others} changed after dist/ was built`;
}

module.exports = { staleBundle, SOURCES };
