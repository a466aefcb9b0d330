#!/usr/bin/env node
// oclif entry point; plugin.yaml runs it with node. The CLI is a few bundles under
// dist/ (`npm run build`): oclif, the command table, one per command. Each is
// loaded through a V8 code cache kept beside it (<bundle>.cache), so a start
// skips parsing and compiling what an earlier run already compiled.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

// bin/goservice kept NODE_EXTRA_CA_CERTS from Node's start: the processes the CLI
// starts get it back as it was (the CLI's TLS clients read it: src/tls/trust.ts).
if (process.env.GOSERVICE_EXTRA_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.GOSERVICE_EXTRA_CA_CERTS;
  delete process.env.GOSERVICE_EXTRA_CA_CERTS;
}

const dist = path.join(__dirname, '..', 'dist') + path.sep;
const uncached = []; // bundles loaded without a usable cache: { file, script }
const loadJs = Module._extensions['.js'];
Module._extensions['.js'] = function loadBundle(mod, file) {
  if (!file.startsWith(dist)) return loadJs(mod, file);
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${file}.cache`);
  } catch {}
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) uncached.push({ file, script });
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
};

// The first run that succeeds writes the caches it lacked, with all it compiled; a
// run that failed early compiled little, so it leaves them to a later run.
process.on('exit', (code) => {
  if (code !== 0) return;
  for (const { file, script } of uncached) {
    const tmp = `${file}.cache.${process.pid}`;
    try {
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, `${file}.cache`); // atomic: concurrent runs never read half a cache
    } catch {
      try {
        fs.rmSync(tmp, { force: true }); // read-only install: run without the cache
      } catch {}
    }
  }
});

// @oclif/core checks the Node version against its own package.json on import,
// evaluating all of semver to do so; goservice's Node floor is npm's to enforce.
process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
const { execute, handle } = require('../dist/goservice.js');
delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
// The package.json is handed to oclif, which would otherwise look for it and read it twice.
const root = path.join(__dirname, '..');
execute({ loadOptions: { root, pjson: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) } }).catch(handle);
