// Before any test: the checked-in generated sources (types, validator, templates)
// must match schemas/ and templates/, and dist/ (the CLI the tests spawn) must be
// built from the sources as they are, or the tests would run stale code. A stale
// dist/ is rebuilt (npm run build); when that fails, nothing runs.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { staleBundle } = require('./support/bundle-freshness');

const root = join(__dirname, '..');

module.exports = () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/generate.js'), '--check'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${r.stderr.trim()}\n(src/generated/ is built from schemas/ and templates/: run npm run gen)`);

  const stale = staleBundle(root);
  if (!stale) return;
  process.stderr.write(`\n${stale}: rebuilding (npm run build) so the CLI tests run the current code\n`);
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.js')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const still = staleBundle(root);
  if (build.status !== 0 || still) throw new Error(`dist/ is stale (${still ?? stale}) and npm run build failed: fix the build, then run the tests again`);
};
