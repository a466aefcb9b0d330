#!/usr/bin/env node
// Generates, checked in, so that start-up compiles and reads nothing:
//   src/generated/values.ts            TypeScript types of schemas/values.schema.json
//   src/generated/values-validator.ts  the ajv validator of the schema, precompiled
//   src/generated/assets.ts            the schema text, templates/chart/** verbatim, and
//                                      every templates/**/*.hbs precompiled by Handlebars
// `--check` exits 1 when a checked-in file is stale (used by the tests).
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const Handlebars = require('handlebars');
const { compile } = require('json-schema-to-typescript');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;

const root = join(__dirname, '..');
const schemaText = readFileSync(join(root, 'schemas/values.schema.json'), 'utf8');
const banner = '/* Generated from schemas/ and templates/ by `npm run gen`. Do not edit. */';
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])).sort();

/** Handlebars for YAML and Markdown: no HTML escaping, a missing field fails. */
const HBS_OPTIONS = { noEscape: true, strict: true };

function assetsModule() {
  const chartRoot = join(root, 'templates/chart');
  const chartFiles = files(chartRoot).map((f) => [relative(chartRoot, f), readFileSync(f, 'utf8')]);
  const templates = files(join(root, 'templates'))
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => `  ${JSON.stringify(relative(join(root, 'templates'), f))}: ${Handlebars.precompile(readFileSync(f, 'utf8'), HBS_OPTIONS)},`);
  return [
    banner,
    '// @ts-nocheck',
    `export const SCHEMA_TEXT: string = ${JSON.stringify(schemaText)};`,
    `export const CHART_FILES: [string, string][] = ${JSON.stringify(chartFiles, null, 2)};`,
    `export const TEMPLATES: Record<string, object> = {\n${templates.join('\n')}\n};`,
    '',
  ].join('\n');
}

// The options the CLI validates with; src/values/validate.ts compiles other schemas with them too.
const AJV_OPTIONS = require('../src/values/ajv-options.json');

async function generate() {
  const schema = JSON.parse(schemaText);
  const types = await compile(schema, 'Values', { bannerComment: banner, additionalProperties: false, style: { singleQuote: true } });
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  const validator = [banner, '// @ts-nocheck', standaloneCode(ajv, ajv.compile(schema)), ''].join('\n');
  return {
    'src/generated/values.ts': types,
    'src/generated/values-validator.ts': validator,
    'src/generated/assets.ts': assetsModule(),
  };
}

if (require.main === module) {
  generate().then((files) => {
    const check = process.argv.includes('--check');
    let stale = false;
    for (const [path, content] of Object.entries(files)) {
      if (!check) writeFileSync(join(root, path), content), console.log(`wrote ${path}`);
      else if (readFileSync(join(root, path), 'utf8') !== content) stale = true, console.error(`${path} is stale: run npm run gen`);
    }
    process.exit(stale ? 1 : 0);
  });
}
