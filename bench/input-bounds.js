#!/usr/bin/env node
// Size bounds of hostile input, as whole CLI runs (`create --dry-run`, which reads,
// merges and validates everything and writes nothing): a 5 MB values file and a
// 1 MB .go file against the same module without them. Runs alternate; medians of RUNS.
// Usage: node bench/input-bounds.js [RUNS]   (needs `npm run build`)
const { spawnSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir, cpus } = require('node:os');
const { join } = require('node:path');

const repo = join(__dirname, '..');
const runs = Number(process.argv[2] || 7);
const work = mkdtempSync(join(tmpdir(), 'goservice-bounds-'));

const moduleCopy = (name) => {
  const dir = join(work, name);
  cpSync(join(repo, 'test/fixtures/hello'), dir, { recursive: true });
  return dir;
};

// 5 MB of values: a long env list (each entry checked by the schema) and big annotations.
const valuesFile = join(work, 'big-values.yaml');
{
  const lines = ['env:'];
  let size = 0;
  for (let i = 0; size < 4.5e6; i++) {
    const line = `  - name: VAR_${i}\n    value: "${'x'.repeat(40)}-${i}"`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push('podAnnotations:', `  example.com/blob: "${'y'.repeat(500_000)}"`);
  writeFileSync(valuesFile, `${lines.join('\n')}\n`);
}

// A module whose main package is one 1 MB .go file (long comments with /* inside, then code).
const bigGo = moduleCopy('big-go');
{
  const head = '// Package main is large.\n' + Array.from({ length: 6000 }, (_, i) => `// line ${i}: a /* not a block comment */ here\n`).join('');
  const body = Array.from({ length: 13000 }, (_, i) => `var v${i} = "${'z'.repeat(40)}"\n`).join('');
  writeFileSync(join(bigGo, 'main.go'), `${head}package main\n\nimport "fmt"\n\n${body}\nfunc main() { fmt.Println(v0) }\n`);
}

const plain = moduleCopy('plain');
const cases = {
  baseline: ['create', 'hello', '--dir', plain, '--dry-run'],
  'values 5 MB': ['create', 'hello', '--dir', plain, '--dry-run', '-f', valuesFile],
  'go file 1 MB': ['create', 'hello', '--dir', bigGo, '--dry-run'],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(repo, 'bin/run.js'), ...args], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${name} failed (exit ${r.status}):\n${r.stderr}`);
    times[name].push(ms);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.baseline);
console.log(`${cpus().length} cores, ${runs} alternating runs, medians of whole CLI runs (ms)`);
console.log(`input sizes: values ${(require('node:fs').statSync(valuesFile).size / 1e6).toFixed(1)} MB, main.go ${(require('node:fs').statSync(join(bigGo, 'main.go')).size / 1e6).toFixed(2)} MB`);
for (const name of Object.keys(cases)) {
  const m = median(times[name]);
  console.log(`${name.padEnd(14)} ${m.toFixed(0).padStart(6)} ms${name === 'baseline' ? '' : `   (+${(m - base).toFixed(0)} ms over baseline)`}`);
}
rmSync(work, { recursive: true, force: true });
