import { leadFindOf } from './lead-find.js';

describe('leadFindOf', () => {
  it.each([
    ['(212) 555-0100', { phonePrefixes: ['+12125550100'] }],
    ['+1 212.555.0100', { phonePrefixes: ['+12125550100'] }],
    ['212 555', { phonePrefixes: ['+1212555'] }],
    ['1212555', { phonePrefixes: ['+11212555', '+1212555'] }],
    ['+44 20 79', { phonePrefixes: ['+442079'] }],
    ['Ada@Example.com', { emailPrefix: 'ada@example.com' }],
    ['  Ada   Love ', { words: ['ada', 'love'] }],
    ['12', { words: ['12'] }],
    ['3m', { words: ['3m'] }],
    ['a b c d e f', { words: ['a', 'b', 'c', 'd'] }],
  ])('reads %j', (q, expected) => {
    expect(leadFindOf(q, 'US')).toEqual(expected);
  });

  it('has nothing to look for in blank text', () => {
    expect(leadFindOf('   ', 'US')).toBeNull();
  });
});
