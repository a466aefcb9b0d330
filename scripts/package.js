#!/usr/bin/env node
// `npm run package`: goservice-<version>.tgz, the plugin as users install it
// (helm plugin install https://.../goservice-<version>.tgz): the bundles, their
// manifest, templates, schemas and a plugin.yaml without the install hooks, so
// installing runs no npm install and needs no network. Run `npm run build` first.
//
// The archive is what both Helms' installers extract: plugin.yaml at the top
// (Helm 3 looks for it there), directories before their files, regular files
// and directories only, no "./" entry; entries sorted, owner root, a fixed
// time (SOURCE_DATE_EPOCH, else 0), so the same tree makes the same archive.
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { gzipSync } = require('node:zlib');

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = process.argv[2] || join(root, `goservice-${pkg.version}.tgz`);
for (const f of ['dist/goservice.js', 'dist/oclif.js', 'dist/k8s.js', 'oclif.manifest.json']) {
  if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build first`);
}

// plugin.yaml without its hooks (they install npm packages and build a git checkout).
const pluginYaml = readFileSync(join(root, 'plugin.yaml'), 'utf8').replace(/^hooks:\n(?:[ \t]+.*\n?)*/m, '');
if (/^hooks:/m.test(pluginYaml) || !/^version: /m.test(pluginYaml)) throw new Error('plugin.yaml: could not drop its hooks');
const pluginVersion = /^version: (\S+)$/m.exec(pluginYaml)[1];
if (pluginVersion !== pkg.version) throw new Error(`plugin.yaml version ${pluginVersion} differs from package.json ${pkg.version}`);
// package.json as oclif reads it at run time: no dependencies to install.
const runtimePkg = { name: pkg.name, version: pkg.version, description: pkg.description, license: pkg.license, main: pkg.main, engines: pkg.engines, oclif: pkg.oclif };

const files = new Map([
  ['plugin.yaml', { body: Buffer.from(pluginYaml), mode: 0o644 }],
  ['package.json', { body: Buffer.from(`${JSON.stringify(runtimePkg, null, 2)}\n`), mode: 0o644 }],
  ['oclif.manifest.json', { body: readFileSync(join(root, 'oclif.manifest.json')), mode: 0o644 }],
  ['bin/run.js', { body: readFileSync(join(root, 'bin/run.js')), mode: 0o755 }],
  ['bin/goservice', { body: readFileSync(join(root, 'bin/goservice')), mode: 0o755 }],
]);
for (const f of ['README.md', 'LICENSE']) if (existsSync(join(root, f))) files.set(f, { body: readFileSync(join(root, f)), mode: 0o644 });
const walk = (dir, keep = () => true) => {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(rel, keep);
    else if (e.isFile() && keep(e.name)) files.set(rel, { body: readFileSync(join(root, rel)), mode: statSync(join(root, rel)).mode & 0o111 ? 0o755 : 0o644 });
  }
};
walk('templates');
walk('schemas');
walk('dist', (name) => name.endsWith('.js')); // the bundles, not the code caches a run wrote beside them

const mtime = Number(process.env.SOURCE_DATE_EPOCH || 0);
const entries = [];
const dirs = new Set();
for (const name of [...files.keys()].sort((a, b) => (a === 'plugin.yaml' ? -1 : b === 'plugin.yaml' ? 1 : a < b ? -1 : 1))) {
  const parts = name.split('/');
  for (let i = 1; i < parts.length; i++) {
    const d = `${parts.slice(0, i).join('/')}/`;
    if (!dirs.has(d)) {
      dirs.add(d);
      entries.push(header(d, 0, 0o755, '5'));
    }
  }
  const f = files.get(name);
  entries.push(header(name, f.body.length, f.mode, '0'), f.body, Buffer.alloc((512 - (f.body.length % 512)) % 512));
}
entries.push(Buffer.alloc(1024));
const tgz = gzipSync(Buffer.concat(entries), { level: 9 });
writeFileSync(out, tgz);
console.log(`${relative(process.cwd(), out) || out}: ${files.size} files, ${(tgz.length / 1024 / 1024).toFixed(2)} MiB, sha256 ${createHash('sha256').update(tgz).digest('hex')}`);

/** A ustar header; every path here is shorter than 100 bytes. */
function header(name, size, mode, type) {
  if (Buffer.byteLength(name) > 99) throw new Error(`${name}: path too long for the archive`);
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}
