import { readFileSync } from 'fs';
import * as path from 'path';
import { parseQuantity, QUANTITY_PATTERN } from '../../src/values/quantity';
import { repoRoot } from '../support/tools';

describe('parseQuantity', () => {
  test.each<[string | number, number]>([
    ['500m', 0.5],
    ['100m', 0.1],
    ['0.5', 0.5],
    ['1', 1],
    [1, 1],
    [0.25, 0.25],
    ['0', 0],
    ['+1', 1],
    ['.5', 0.5],
    ['1.', 1],
    ['100n', 1e-7],
    ['250u', 0.00025],
    ['1k', 1000],
    ['2M', 2e6],
    ['1G', 1e9],
    ['2E', 2e18],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1.5e-3', 0.0015],
    ['128Mi', 134217728],
    ['1.5Ki', 1536],
    ['1Gi', 2 ** 30],
    ['1Ei', 2 ** 60],
  ])('%p is %p', (q, expected) => {
    expect(parseQuantity(q)).toBe(expected);
  });

  test.each<[unknown]>([['128MB'], ['abc'], ['-1'], [''], [-1], ['1 Gi'], ['Mi'], ['1.2.3'], ['1e'], ['0x10'], ['1mi'], [NaN], [Infinity]])(
    'rejects %p',
    (q) => {
      expect(() => parseQuantity(q as string)).toThrow(RangeError);
    },
  );

  test('equal amounts in different notations compare equal', () => {
    expect(parseQuantity('100m')).toBe(parseQuantity('0.1'));
    expect(parseQuantity('1Gi')).toBe(parseQuantity('1024Mi'));
    expect(parseQuantity('1k')).toBe(parseQuantity('1e3'));
  });
});

describe('one quantity grammar', () => {
  test('the schema uses the same pattern', () => {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/values.schema.json'), 'utf8'));
    expect(schema.definitions.quantity.pattern).toBe(QUANTITY_PATTERN.source);
  });

  test("the chart's goservice.quantity uses the same pattern", () => {
    const helpers = readFileSync(path.join(repoRoot, 'templates/chart/templates/_helpers.tpl'), 'utf8');
    const literal = /\$re := "((?:[^"\\]|\\.)*)"/.exec(helpers)?.[1];
    expect(literal && JSON.parse(`"${literal}"`)).toBe(QUANTITY_PATTERN.source);
  });
});
