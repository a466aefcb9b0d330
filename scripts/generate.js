#!/usr/bin/env node
// Generates from schemas/values.schema.json, both checked in:
//   src/generated/values.ts            TypeScript types (json-schema-to-typescript)
//   src/generated/values-validator.ts  the ajv validator, precompiled (no compile at start-up)
// `--check` exits 1 when either checked-in file is stale (used by the tests).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { compile } = require('json-schema-to-typescript');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;

const root = join(__dirname, '..');
const schemaText = readFileSync(join(root, 'schemas/values.schema.json'), 'utf8');
const banner = '/* Generated from schemas/values.schema.json by `npm run gen`. Do not edit. */';

// The options the CLI validates with; src/values/validate.ts compiles other schemas with them too.
const AJV_OPTIONS = require('../src/values/ajv-options.json');

async function generate() {
  const schema = JSON.parse(schemaText);
  const types = await compile(schema, 'Values', { bannerComment: banner, additionalProperties: false, style: { singleQuote: true } });
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  const validator = [
    banner,
    '// @ts-nocheck',
    `export const SCHEMA_TEXT = ${JSON.stringify(schemaText)};`,
    standaloneCode(ajv, ajv.compile(schema)),
    '',
  ].join('\n');
  return { 'src/generated/values.ts': types, 'src/generated/values-validator.ts': validator };
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
