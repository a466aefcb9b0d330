#!/usr/bin/env node
// Generates src/generated/values.ts from schemas/values.schema.json.
// `--check` exits 1 when the checked-in file is stale (used by the tests).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { compile } = require('json-schema-to-typescript');

const root = join(__dirname, '..');
const target = join(root, 'src/generated/values.ts');

async function generate() {
  const schema = JSON.parse(readFileSync(join(root, 'schemas/values.schema.json'), 'utf8'));
  return compile(schema, 'Values', {
    bannerComment: '/* Generated from schemas/values.schema.json by `npm run gen:types`. Do not edit. */',
    additionalProperties: false,
    style: { singleQuote: true },
  });
}

module.exports = { generate, target };

if (require.main === module) {
  generate().then((ts) => {
    if (process.argv.includes('--check')) {
      const stale = readFileSync(target, 'utf8') !== ts;
      if (stale) console.error('src/generated/values.ts is stale: run npm run gen:types');
      process.exit(stale ? 1 : 0);
    }
    writeFileSync(target, ts);
    console.log('wrote src/generated/values.ts');
  });
}
