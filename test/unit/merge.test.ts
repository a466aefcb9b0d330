import { mergeValues, parseSet } from '../../src/values/merge';

describe('mergeValues (Helm semantics)', () => {
  it('merges objects, replaces lists and scalars, null deletes', () => {
    const base = { a: { b: 1, c: [1, 2], d: 'x' }, e: true };
    const merged = mergeValues(base, { a: { b: 2, c: [3], d: null }, f: 'new' });
    expect(merged).toEqual({ a: { b: 2, c: [3] }, e: true, f: 'new' });
    expect(base).toEqual({ a: { b: 1, c: [1, 2], d: 'x' }, e: true }); // inputs untouched
  });
  it('a later layer wins', () => {
    expect(mergeValues({ a: 1 }, { a: 2 }, { a: 3 })).toEqual({ a: 3 });
  });
});

describe('parseSet (Helm --set syntax)', () => {
  it.each([
    [['a.b=1'], { a: { b: 1 } }],
    [['a=true,b=false,c=null'], { a: true, b: false, c: null }],
    [['x=0.5', 'y=007', 'z=-3'], { x: '0.5', y: '007', z: -3 }],
    [['list={a,b,3}'], { list: ['a', 'b', 3] }],
    [['arr[1].name=x'], { arr: [undefined, { name: 'x' }] }],
    [['nodeSelector.kubernetes\\.io/os=linux'], { nodeSelector: { 'kubernetes.io/os': 'linux' } }],
    [['msg=a\\,b'], { msg: 'a,b' }],
    [['a.b=1', 'a.c=2'], { a: { b: 1, c: 2 } }],
  ])('%j', (args, expected) => {
    expect(parseSet(args)).toEqual(expected);
  });
  it.each([['novalue'], ['=x'], ['a..b=1']])('rejects %s', (arg) => {
    expect(() => parseSet([arg])).toThrow(/--set/);
  });
});
