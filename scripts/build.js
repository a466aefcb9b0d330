#!/usr/bin/env node
// Type-checks with tsc, then bundles the CLI and its packages into a few files
// that bin/run.js loads with a V8 code cache each:
//   dist/oclif.js            @oclif/core, shared by all of them
//   dist/goservice.js        the entry: oclif's command table (src/cli.ts)
//   dist/commands/<id>.js    one command and everything it uses, loaded on demand
//   dist/k8s.js              the Kubernetes client, loaded when a command connects
//   dist/vendor/<package>.js ajv and re2js, loaded only for a chart's own schema
// so a start-up reads and evaluates oclif and the one command invoked. Last,
// writes oclif's manifest and warms the code caches.
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } = require('node:fs');
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
// Imports between the bundles stay requires, resolved at run time from where each
// bundle lies: @oclif/core is dist/oclif.js, './k8s' is dist/k8s.js, the entry's
// './commands/<id>' is dist/commands/<id>.js, and the packages a command requires
// only on a rare path (a chart's own schema) are dist/vendor/<package>.js.
const VENDOR = ['ajv', 're2js'];
const shared = (fromCommands) => ({
  name: 'shared-bundles',
  setup(build) {
    const up = fromCommands ? '../' : './';
    build.onResolve({ filter: /^@oclif\/core$/ }, () => ({ path: `${up}oclif.js`, external: true }));
    build.onResolve({ filter: /^\.\/k8s$/ }, () => ({ path: `${up}k8s.js`, external: true }));
    build.onResolve({ filter: new RegExp(`^(${VENDOR.join('|')})$`) }, (a) => ({ path: `${up}vendor/${a.path}.js`, external: true }));
    if (!fromCommands) build.onResolve({ filter: /^\.\/commands\/[a-z]+$/ }, (a) => ({ path: `${a.path}.js`, external: true }));
  },
});
// Three changes to @oclif/core as it is bundled, each checked to apply:
// - Its modules require their packages at the top (glob matchers, templating, text
//   wrapping, colour detection, ...) and Node's perf_hooks, readline and fs/promises,
//   though a run uses few of them: each is loaded on first use instead. ~20 ms of
//   every start.
// - It sorts the command ids with localeCompare on every start, and the first
//   localeCompare sets up ICU collation (~15 ms). The ids are lowercase ASCII, so a
//   plain comparison gives the same order.
// - It reads its JSON files (the manifest, a theme) with an awaited fs/promises
//   readFile: four trips through libuv's thread pool each, and fs/promises loaded.
//   They are read with readFileSync instead (~3 ms).
const LAZY = /^const (\w+) = (__importDefault\(|__importStar\()?require\("([a-z][\w-]*|node:perf_hooks|node:readline|node:fs\/promises)"\)\)?;$/gm;
const LAZY_HELPER = 'function __lazyRequire(load) { let m; return new Proxy({}, { get: (_, k) => (m ??= load())[k], has: (_, k) => k in (m ??= load()) }); }\n';
const oclifPatches = {
  name: 'oclif-patches',
  setup(build) {
    build.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/].*\.js$/ }, (a) => {
      let text = readFileSync(a.path, 'utf8');
      const lazy = text.replace(LAZY, (_, name, wrap, pkg) => `const ${name} = __lazyRequire(() => ${wrap ?? ''}require("${pkg}")${wrap ? ')' : ''});`);
      if (lazy !== text) text = lazy.replace(/^("use strict";\n)?/, (strict) => strict + LAZY_HELPER); // after the directive
      if (/[\\/]config[\\/]plugin\.js$/.test(a.path)) {
        const before = '.sort((a, b) => a.id.localeCompare(b.id))';
        if (!text.includes(before)) throw new Error(`${a.path}: the command-id sort to replace is not there (was @oclif/core upgraded?)`);
        text = text.replace(before, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))');
      }
      if (/[\\/]util[\\/]fs\.js$/.test(a.path)) {
        const before = "await (0, promises_1.readFile)(path, 'utf8')";
        if (!text.includes(before)) throw new Error(`${a.path}: the JSON file read to replace is not there (was @oclif/core upgraded?)`);
        text = text.replace(before, "(0, node_fs_1.readFileSync)(path, 'utf8')");
      }
      return { contents: text, loader: 'js' };
    });
  },
};
// debug, required by oclif's logger, is scripts/debug-on-demand.js (see there).
const debugOnDemand = {
  name: 'debug-on-demand',
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, () => ({ path: join(root, 'scripts/debug-on-demand.js') }));
  },
};
// oclif can load TypeScript sources in development; the bundles never do.
const external = ['typescript', 'ts-node'];

(async () => {
  // The Kubernetes client is an ES module package: whatwg-url is stubbed (see the stub).
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/kube/k8s.ts')], outfile: join(root, 'dist/k8s.js'), alias: { 'whatwg-url': join(root, 'scripts/whatwg-url-stub.js') } });
  await esbuild.build({ ...common, entryPoints: [require.resolve('@oclif/core')], outfile: join(root, 'dist/oclif.js'), external, plugins: [oclifPatches, debugOnDemand] });
  for (const name of VENDOR) await esbuild.build({ ...common, entryPoints: [require.resolve(name)], outfile: join(root, 'dist/vendor', `${name}.js`) });
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/cli.ts')], outfile: join(root, 'dist/goservice.js'), external, plugins: [shared(false)] });
  const { COMMAND_IDS } = require(join(root, 'dist/goservice.js'));
  await esbuild.build({
    ...common,
    entryPoints: COMMAND_IDS.map((id) => ({ in: join(root, 'src/commands', `${id}.ts`), out: id })),
    outdir: join(root, 'dist/commands'),
    external,
    plugins: [shared(true)],
  });

  // oclif.manifest.json: the commands' flags and help, so oclif need not work them
  // out from the command classes on every start.
  const { Plugin } = require(join(root, 'dist/goservice.js')).oclif;
  const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest));
  // Warm-up: the first successful run of a command writes the V8 code caches of what
  // it compiled (bin/run.js); let `create`, what users run first, be run here on the
  // bundled sample (written nowhere), reading a values file as upgrade and bump do.
  const warm = spawnSync(
    process.execPath,
    [join(root, 'bin/run.js'), 'create', 'hello', '--dir', join(root, 'test/fixtures/hello'), '-f', join(root, 'charts/hello/values.yaml'), '--dry-run'],
    { encoding: 'utf8' },
  );
  if (warm.status !== 0) throw new Error(`warm-up run failed:\n${warm.stdout}${warm.stderr}`);
  writeFileSync(join(root, 'dist/.built'), '');
  utimesSync(join(root, 'dist/.built'), startedAt, startedAt);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
