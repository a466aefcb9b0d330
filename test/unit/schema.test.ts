import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMap, isSeq, Node, parseDocument } from 'yaml';
import { RE2JS } from 're2js';
import { GRAMMAR, GrammarName, schemaPattern } from '../../src/inputs/grammar';
import { BAD_VALUES, GOOD_VALUES } from '../cases/values-cases';
import { formatIssue, GoserviceError, ValidationError } from '../../src/errors';
import { readSchema, readText, readYamlMap } from '../../src/release/chart';
import { re2 } from '../../src/values/schema-check';
import { propertyOf, resolve } from '../../src/schema/walk';
import { compileSchema, valuesIssues } from '../../src/values/validate';
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

describe('chart schemas: validated with Helm semantics, in linear time, within limits', () => {
  /** The ValidationError `f` throws, as its exit code and message. */
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return { code: (e as ValidationError).exitCode, message: (e as Error).message };
    }
    throw new Error('expected a ValidationError');
  };
  const issues = (schema: object, values: object) => valuesIssues(values, schema).map(formatIssue);
  const timed = (f: () => unknown) => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };

  it('every pattern of the packaged schema is valid RE2, the engine Helm validates with', () => {
    const patterns = [...schemaText.matchAll(/"pattern":\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string);
    expect(patterns.length).toBeGreaterThan(3);
    for (const p of patterns) expect(() => re2(p)).not.toThrow();
  });

  it('every pattern of the packaged schema runs in linear time in JavaScript too (it is precompiled with RegExp)', () => {
    const patterns = [...schemaText.matchAll(/"pattern":\s*("(?:[^"\\]|\\.)*")/g)].map((m) => new RegExp(JSON.parse(m[1]), 'u'));
    const hostile = ['a', '1', 'a-', 'a.', 'a_', '-', '.', 'a/', 'A', '1.', '1e'].map((unit) => unit.repeat(Math.ceil(200_000 / unit.length)) + '!');
    for (const re of patterns) for (const value of hostile) expect(timed(() => re.test(value))).toBeLessThan(200);
  });

  it.each([
    ['^(a+)+$', 'a'.repeat(50_000) + '!'],
    ['^(a|aa)*$', 'a'.repeat(50_000) + '!'],
    ['^(\\w+\\s?)*$', 'word '.repeat(10_000) + '!'],
  ])('runs %s on a hostile value in linear time', (pattern, value) => {
    const schema = { type: 'object', properties: { name: { type: 'string', pattern } } };
    let out: string[] = [];
    expect(timed(() => (out = issues(schema, { name: value })))).toBeLessThan(2000);
    expect(out).toEqual([`name: must match the pattern ${JSON.stringify(pattern)} (got ${JSON.stringify(value.slice(0, 77) + '...')})`]);
    expect(issues(schema, { name: value.slice(0, -1) })).toEqual([]);
  });

  it("matches with Go's syntax: (?i) and \\z work (JavaScript rejects both), \\d is ASCII, search is unanchored", () => {
    const schema = { properties: { i: { type: 'string', pattern: '^(?i)abc\\z' }, n: { type: 'string', pattern: '^\\d+$' }, s: { type: 'string', pattern: 'b' } } };
    expect(issues(schema, { i: 'ABC', n: '٣', s: 'abc' })).toEqual(['n: must match the pattern "^\\\\d+$" (got "٣")']);
    expect(issues(schema, { i: 'ABCD', n: '3', s: 'x' })).toEqual(['i: must match the pattern "^(?i)abc\\\\z" (got "ABCD")', 's: must match the pattern "b" (got "x")']);
  });

  it.each([
    ['a lookahead', { properties: { a: { pattern: '^(?=x)x$' } } }, '#/properties/a/pattern: pattern "^(?=x)x$" is not valid in Go\'s RE2 syntax'],
    ['a backreference key', { patternProperties: { '(a)\\1': {} } }, "#/patternProperties/(a)\\1: pattern \"(a)\\\\1\" is not valid in Go's RE2 syntax"],
    ['a JavaScript-only escape', { definitions: { x: { pattern: '\\u0041' } } }, '#/definitions/x/pattern'],
  ])('names a pattern RE2 cannot compile: %s', (_name, schema, expected) => {
    const r = refusal(() => compileSchema(schema, 'charts/x/values.schema.json'));
    expect(r.code).toBe(3);
    expect(r.message).toContain('invalid charts/x/values.schema.json:');
    expect(r.message).toContain(expected);
  });

  it('leaves data keywords alone: a "pattern" inside default or enum is not compiled', () => {
    expect(() => compileSchema({ properties: { a: { default: { pattern: '(?=x)' }, enum: [{ pattern: '(?=y)' }] } } })).not.toThrow();
  });

  it.each([
    ['3000 levels deep', () => {
      let s: object = { type: 'string' };
      for (let i = 0; i < 3000; i++) s = { properties: { a: s } };
      return s;
    }, 'nests objects and arrays more than 200 levels deep'],
    ['a $ref cycle that never moves', () => ({ definitions: { a: { $ref: '#/definitions/b' }, b: { allOf: [{ $ref: '#/definitions/a' }] } }, $ref: '#/definitions/a' }), 'refers to itself without end'],
    ['$refs that fan out', () => {
      const definitions: Record<string, object> = { d30: { type: 'string' } };
      for (let i = 0; i < 30; i++) definitions[`d${i}`] = { allOf: [{ $ref: `#/definitions/d${i + 1}` }, { $ref: `#/definitions/d${i + 1}` }] };
      return { definitions, $ref: '#/definitions/d0' };
    }, 'expands to more than 1000000 subschema checks'],
    ['a remote $ref', () => ({ $ref: 'https://example.com/schema.json' }), "cannot be compiled: can't resolve reference https://example.com/schema.json"],
    ['an unknown type', () => ({ type: 'strin' }), 'cannot be compiled: schema is invalid'],
    ['not an object', () => [1, 2], 'must be a JSON Schema object'],
  ])('refuses a schema with %s, quickly (exit 3)', (_name, make, expected) => {
    const schema = make();
    let r!: { code: number; message: string };
    expect(timed(() => (r = refusal(() => valuesIssues({}, schema as object))))).toBeLessThan(1500);
    expect(r.code).toBe(3);
    expect(r.message).toContain(expected);
  });

  it('accepts a recursive schema whose $ref moves into a property', () => {
    const tree = { type: 'object', properties: { name: { type: 'string' }, child: { $ref: '#' } } };
    expect(issues(tree, { child: { child: { name: 1 } } })).toEqual(['child.child.name: must be string (got 1)']);
  });

  it('checks uniqueItems in linear time, with JSON equality', () => {
    const schema = { type: 'object', properties: { list: { type: 'array', uniqueItems: true } } };
    const list = Array.from({ length: 30_000 }, (_, i) => ({ name: `VAR_${i}`, value: 'x' }));
    expect(timed(() => expect(issues(schema, { list })).toEqual([]))).toBeLessThan(2000);
    expect(issues(schema, { list: [{ a: 1, b: [2] }, { b: [2], a: 1 }] })).toEqual(['list: must not have duplicate items (got a list of 2 items)']);
  });

  it('keeps messages short: long enums, key lists and patterns are cut', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, { enum: Array.from({ length: 100 }, (_, j) => `v${j}`) }])),
    };
    const [unknown, enumIssue] = issues(schema, { zz: 1, k0: 'x' });
    expect(unknown).toMatch(/^zz: unknown key; expected one of: k0, k1, .* k39 and 60 more$/);
    expect(enumIssue).toMatch(/^k0: must be one of: "v0", .* "v19" and 80 more \(got "x"\)$/);
  });
});

describe('readSchema and readYamlMap: chart files read bounded', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'goservice-chart-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const refusal = (f: () => unknown) => {
    const t0 = performance.now();
    try {
      f();
    } catch (e) {
      return { code: (e as GoserviceError).exitCode, message: (e as Error).message, ms: performance.now() - t0 };
    }
    throw new Error('expected an error');
  };

  it('refuses a values.yaml linked to /dev/urandom at once', () => {
    symlinkSync('/dev/urandom', join(dir, 'values.yaml'));
    const r = refusal(() => readYamlMap(join(dir, 'values.yaml')));
    expect(r).toMatchObject({ code: 3, message: `invalid ${join(dir, 'values.yaml')}:\n  - (file): is not a regular file (a device, FIFO or socket)` });
    expect(r.ms).toBeLessThan(200);
  });

  it('reads a chart values.yaml as YAML 1.1 and a missing one as empty', () => {
    writeFileSync(join(dir, 'values.yaml'), 'debug: on\n');
    expect(readYamlMap(join(dir, 'values.yaml'))).toEqual({ debug: true });
    expect(readYamlMap(join(dir, 'nope.yaml'))).toEqual({});
  });

  it('refuses a values.schema.json over 4 MiB before parsing it', () => {
    writeFileSync(join(dir, 'values.schema.json'), `{"description": "${'x'.repeat(5 * 1024 * 1024)}"}`);
    const r = refusal(() => readSchema(dir));
    expect(r).toMatchObject({ code: 3, message: `invalid ${join(dir, 'values.schema.json')}:\n  - (file): is larger than 4 MiB` });
  });

  it('refuses a 3000-deep values.schema.json with exit 3, not a crash', () => {
    writeFileSync(join(dir, 'values.schema.json'), `${'{"properties":{"a":'.repeat(3000)}{}${'}}'.repeat(3000)}`);
    const r = refusal(() => readSchema(dir));
    expect(r.code).toBe(3);
    expect(r.message).toContain('nests objects and arrays more than 200 levels deep');
  });

  it('compiles the schema as it reads it, so a problem names the file', () => {
    writeFileSync(join(dir, 'values.schema.json'), JSON.stringify({ $ref: 'https://example.com/remote.json' }));
    expect(refusal(() => readSchema(dir))).toMatchObject({ code: 3, message: expect.stringContaining(`invalid ${join(dir, 'values.schema.json')}:\n  - #: cannot be compiled`) });
  });

  it('names a schema that is not JSON, and reads none when there is none', () => {
    writeFileSync(join(dir, 'values.schema.json'), '{"type": ');
    expect(refusal(() => readSchema(dir))).toMatchObject({ code: 3, message: expect.stringContaining('not valid JSON') });
    rmSync(join(dir, 'values.schema.json'));
    expect(readSchema(dir)).toBeUndefined();
  });

  it('a missing Chart.yaml is a NotFoundError naming it', () => {
    expect(refusal(() => readText(join(dir, 'Chart.yaml')))).toMatchObject({ code: 5, message: `${join(dir, 'Chart.yaml')} does not exist` });
  });
});

describe('schema walk', () => {
  it('looks up own properties only, and a $ref cycle resolves to nothing', () => {
    const root = { properties: { a: { type: 'string' } }, definitions: { x: { $ref: '#/definitions/y' }, y: { $ref: '#/definitions/x' } } };
    expect(propertyOf(root, root, 'a')).toEqual({ type: 'string' });
    for (const key of ['__proto__', 'constructor', 'toString']) expect(propertyOf(root, root, key)).toBeUndefined();
    expect(resolve(root, { $ref: '#/definitions/x' })).toBeUndefined();
    expect(resolve(root, { $ref: '#/constructor' })).toBeUndefined();
  });
});
