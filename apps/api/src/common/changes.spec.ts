import { changesBetween } from './changes';

describe(changesBetween.name, () => {
  it('lists each changed field with its old and new value', () => {
    expect(changesBetween({ a: 1, b: 'x', c: true }, { a: 2, b: 'x', c: false })).toEqual({ a: { from: 1, to: 2 }, c: { from: true, to: false } });
  });

  it('compares nested values by content', () => {
    expect(changesBetween({ l: ['a'], o: { x: 1 } }, { l: ['a'], o: { x: 1 } })).toEqual({});
    expect(changesBetween({ l: ['a'] as string[] | null }, { l: null })).toEqual({ l: { from: ['a'], to: null } });
  });

  it('looks only at the keys it is given', () => {
    expect(changesBetween({ a: 1, b: 1 }, { a: 2, b: 2 }, ['b'])).toEqual({ b: { from: 1, to: 2 } });
  });
});
