import { parseNodeTerm, parsePreferredTerm } from '../../src/create/node-terms';

describe('node affinity terms from flags', () => {
  it.each([
    ['disktype=ssd,nvme', { key: 'disktype', operator: 'In', values: ['ssd', 'nvme'] }],
    ['disktype!=hdd', { key: 'disktype', operator: 'NotIn', values: ['hdd'] }],
    ['gpu', { key: 'gpu', operator: 'Exists' }],
    ['!spot', { key: 'spot', operator: 'DoesNotExist' }],
    ['cores>4', { key: 'cores', operator: 'Gt', values: ['4'] }],
    ['cores<64', { key: 'cores', operator: 'Lt', values: ['64'] }],
    ['topology.kubernetes.io/zone=zone-a', { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] }],
  ])('%s', (expr, term) => expect(parseNodeTerm('--node-required', expr)).toEqual(term));

  it.each(['', 'a=', 'a=b,', '!a=b', 'a b'])('rejects %j naming the flag', (expr) => {
    expect(() => parseNodeTerm('--node-required', expr)).toThrow(/--node-required: .* is not a node label term/);
  });

  it('preferred terms carry a weight', () => {
    expect(parsePreferredTerm('--node-preferred', '80:disktype=ssd')).toEqual({ weight: 80, key: 'disktype', operator: 'In', values: ['ssd'] });
    expect(() => parsePreferredTerm('--node-preferred', 'disktype=ssd')).toThrow(/WEIGHT:TERM/);
  });
});
