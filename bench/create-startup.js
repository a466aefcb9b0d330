#!/usr/bin/env node
// Startup cost of `helm goservice create` as whole processes, against `helm create`
// and the floor of any Node-based Helm plugin (a plugin whose command is `node -e 0`).
// Runs alternate, median of RUNS each. Usage: node bench/create-startup.js [helm3|helm4] [RUNS]
const { spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir, cpus, totalmem } = require('node:os');
const { join } = require('node:path');

const repo = join(__dirname, '..');
const helmName = process.argv[2] || 'helm4';
const runs = Number(process.argv[3] || 15);
const helm = join(repo, '.tools/bin', helmName);
const home = mkdtempSync(join(tmpdir(), 'goservice-bench-'));
const env = { ...process.env, HELM_PLUGINS: join(home, 'data/plugins'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache'), HELM_DATA_HOME: join(home, 'data') };

function sh(args, cwd = repo) {
  const r = spawnSync(helm, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${helmName} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

// The plugins under test: goservice itself and a trivial Node plugin.
sh(helmName === 'helm4' ? ['plugin', 'install', repo, '--verify=false'] : ['plugin', 'install', repo]);
const noop = join(home, 'noop');
mkdirSync(noop);
writeFileSync(join(noop, 'plugin.yaml'), 'name: noop\nversion: 0.1.0\nusage: node -e 0\ndescription: floor of a Node plugin\nplatformCommand:\n  - command: node\n    args: ["-e", "0"]\n');
sh(helmName === 'helm4' ? ['plugin', 'install', noop, '--verify=false'] : ['plugin', 'install', noop]);

const fresh = () => {
  const dir = mkdtempSync(join(home, 'svc-'));
  cpSync(join(repo, 'test/fixtures/hello'), dir, { recursive: true });
  return dir;
};
const cases = {
  'helm create': () => ['create', 'hello'],
  'helm noop (node -e 0 plugin)': () => ['noop'],
  'helm goservice --help': () => ['goservice', '--help'],
  'helm goservice create': () => ['goservice', 'create', 'hello'],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const dir = fresh();
    const t0 = process.hrtime.bigint();
    sh(args(), dir);
    times[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(times['helm noop (node -e 0 plugin)']);
console.log(`${helmName}, ${runs} runs each, alternating; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log('| command | median ms | min ms | over the Node floor |\n| --- | ---: | ---: | ---: |');
for (const [name, xs] of Object.entries(times)) {
  console.log(`| ${name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${(median(xs) - floor).toFixed(0)} |`);
}
rmSync(home, { recursive: true, force: true });
