import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, Node, parseDocument } from 'yaml';
import { RE2JS } from 're2js';
import { GRAMMAR, GrammarName, schemaPattern } from '../../src/inputs/grammar';
import { valuesIssues } from '../../src/values/validate';
import { BAD_VALUES, GOOD_VALUES } from '../cases/values-cases';
import { GOLDEN_CASES } from '../golden/cases';
import { withDefaults } from '../support/chart-fixture';

const repo = join(__dirname, '../..');
const schemaText = readFileSync(join(repo, 'schemas/values.schema.json'), 'utf8');

describe('values schema: the single source of truth', () => {
  it('is draft-07, self-contained, and allows a global key', () => {
    const schema = JSON.parse(schemaText);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect([...schemaText.matchAll(/"\$ref":\s*"([^"]+)"/g)].map((m) => m[1]).filter((r) => !r.startsWith('#/'))).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.global.type).toBe('object');
  });

  it('the checked-in TypeScript types are generated from the current schema', () => {
    // A child process: json-schema-to-typescript's formatter needs a plain Node VM.
    const r = spawnSync(process.execPath, [join(repo, 'scripts/generate.js'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(GOLDEN_CASES.map((c) => c.name))('every chart ships the schema byte for byte: %s', (name) => {
    expect(readFileSync(join(repo, 'charts', name, 'values.schema.json'), 'utf8')).toBe(schemaText);
  });

  it.each(GOLDEN_CASES.map((c) => c.name))('every key of charts/%s/values.yaml has a comment', (name) => {
    const doc = parseDocument(readFileSync(join(repo, 'charts', name, 'values.yaml'), 'utf8'));
    const missing: string[] = [];
    const visit = (node: Node | null, path: string) => {
      if (isMap(node)) {
        node.items.forEach((pair, i) => {
          const key = `${path}${path ? '.' : ''}${String((pair.key as any).value)}`;
          // The parser hangs the first key's comment on the map itself.
          const comment = (pair.key as Node).commentBefore ?? (i === 0 ? node.commentBefore : undefined);
          if (!comment?.trim()) missing.push(key);
          visit(pair.value as Node, key);
        });
      } else if (isSeq(node)) node.items.forEach((item, i) => visit(item as Node, `${path}[${i}]`));
    };
    visit(doc.contents as Node, '');
    expect(missing).toEqual([]);
  });
});

describe('values schema: the grammars of src/inputs/grammar.ts', () => {
  const schema = JSON.parse(schemaText);
  it.each<[string, GrammarName, boolean]>([
    ['imageRepository', 'imageRepository', false],
    ['imageTag', 'imageTag', true],
    ['imageDigest', 'imageDigest', true],
  ])('definitions.%s.pattern is the %s grammar', (def, grammar, allowEmpty) => {
    expect(schema.definitions[def].pattern).toBe(schemaPattern(grammar, allowEmpty));
    expect(schema.definitions[def].maxLength).toBe(GRAMMAR[grammar].maxLength);
  });

  it.each([
    ['image.repository', 'imageRepository'],
    ['image.tag', 'imageTag'],
    ['image.digest', 'imageDigest'],
  ])('%s uses definitions/%s', (path, def) => {
    const [obj, key] = path.split('.');
    expect(schema.properties[obj].properties[key].allOf).toEqual([{ $ref: `#/definitions/${def}` }]);
  });

  it('every pattern is RE2 syntax (Helm compiles them with Go regexp): no lookaround or backreference', () => {
    const patterns = [...schemaText.matchAll(/"pattern":\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string);
    expect(patterns.length).toBeGreaterThan(5);
    for (const p of patterns) {
      expect(() => RE2JS.compile(p)).not.toThrow();
      expect(p).not.toMatch(/\(\?[=!<]|\\[1-9]/);
    }
  });
});

describe('values schema: the CLI refuses every BAD_VALUES schema case, accepts every GOOD_VALUES case', () => {
  const schema = JSON.parse(schemaText);
  it.each(BAD_VALUES.filter((c) => c.by === 'schema'))('$name -> $path', ({ values, path }) => {
    expect(valuesIssues(withDefaults(values), schema).map((i) => i.path)).toContain(path);
  });
  it.each(GOOD_VALUES)('$name', ({ values }) => {
    expect(valuesIssues(withDefaults(values), schema)).toEqual([]);
  });
});
