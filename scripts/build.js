#!/usr/bin/env node
// Type-checks with tsc, then bundles the CLI and its packages into one file,
// dist/goservice.js, which bin/run.js loads with a V8 code cache: one file to
// read and no module resolution at start-up. Last, writes oclif's manifest and
// warms the code cache.
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
// dist/.built is dated when the build started, so a source edited during the build
// still counts as newer than the bundle (test/support/bundle-freshness.js).
const startedAt = new Date();
// tsconfig.test.json: the sources and the tests (ts-jest alone does not type-check).
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.test.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(join(root, 'dist'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifySyntax: true,
  minifyWhitespace: true,
  minifyIdentifiers: true,
  keepNames: true,
  logLevel: 'warning',
};
// The Kubernetes client (an ES module package, large) in a bundle of its own,
// dist/k8s.js, which src/kube/client.ts requires ('./k8s') only when it connects;
// the main bundle keeps that require as it is.
esbuild.buildSync({
  ...common,
  entryPoints: [join(root, 'src/kube/k8s.ts')],
  outfile: join(root, 'dist/k8s.js'),
  alias: { 'whatwg-url': join(root, 'scripts/whatwg-url-stub.js') },
});
esbuild.buildSync({
  ...common,
  entryPoints: [join(root, 'src/cli.ts')],
  outfile: join(root, 'dist/goservice.js'),
  // oclif can load TypeScript sources in development; the bundle never does.
  external: ['typescript', 'ts-node', './k8s'],
});

// oclif.manifest.json: the commands' flags and help, so oclif need not work them
// out from the command classes on every start.
(async () => {
  const { Plugin } = require(join(root, 'dist/goservice.js')).oclif;
  const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest));
  // Warm-up: the first run writes the V8 code cache of what it compiled, so let it be
  // a `create` of the bundled sample (written nowhere) that also reads a values file,
  // as upgrade and bump do, rather than whatever a user runs first.
  const warm = spawnSync(
    process.execPath,
    [join(root, 'bin/run.js'), 'create', 'hello', '--dir', join(root, 'test/fixtures/hello'), '-f', join(root, 'charts/hello/values.yaml'), '--dry-run'],
    { encoding: 'utf8' },
  );
  if (warm.status !== 0) throw new Error(`warm-up run failed:\n${warm.stdout}${warm.stderr}`);
  writeFileSync(join(root, 'dist/.built'), '');
  utimesSync(join(root, 'dist/.built'), startedAt, startedAt);
})();
