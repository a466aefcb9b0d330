// Before any test: the checked-in generated sources (types, validator, templates)
// must match schemas/ and templates/, or every test would run on stale ones.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  const r = spawnSync(process.execPath, [join(__dirname, '../scripts/generate.js'), '--check'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${r.stderr.trim()}\n(src/generated/ is built from schemas/ and templates/: run npm run gen)`);
};
