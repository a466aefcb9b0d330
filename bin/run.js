#!/usr/bin/env node
// oclif entry point; plugin.yaml runs it with node. It loads the bundled CLI
// (dist/goservice.js, from `npm run build`) through a V8 code cache kept beside
// it, so later starts skip parsing and compiling most of the bundle.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, '../dist/goservice.js');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(path.dirname(file));
require.cache[file] = mod; // oclif requires the same file to find the commands
script.runInThisContext()(mod.exports, (id) => mod.require(id), mod, file, path.dirname(file));
mod.loaded = true;

const { execute, handle } = mod.exports;
execute({ dir: __dirname })
  .catch(handle)
  .finally(() => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile); // atomic: concurrent runs never read half a cache
    } catch {} // read-only install: run without the cache
  });
