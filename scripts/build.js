#!/usr/bin/env node
// Type-checks with tsc, then bundles the CLI and its packages into one file,
// dist/goservice.js, which bin/run.js loads with a V8 code cache: one file to
// read and no module resolution at start-up.
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root, '--noEmit'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(join(root, 'dist'));
esbuild.buildSync({
  entryPoints: [join(root, 'src/cli.ts')],
  outfile: join(root, 'dist/goservice.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  // oclif can load TypeScript sources in development; the bundle never does.
  external: ['typescript', 'ts-node'],
  logLevel: 'warning',
});
writeFileSync(join(root, 'dist/.built'), '');
