import { isStorable, storable, storableText } from './text';

describe(storable.name, () => {
  it('replaces NUL and lone surrogates, in values and keys, at any depth', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\uD800y')).toBe('x\uFFFDy');
    expect(storableText('x\uDC00')).toBe('x\uFFFD');
    expect(storable({ 'k\u0000': ['\uD83D', { deep: '\u0000' }] })).toEqual({ 'k\uFFFD': ['\uFFFD', { deep: '\uFFFD' }] });
  });

  it('keeps well-formed text, pairs and other values as they are', () => {
    const at = new Date(0);
    expect(storable({ emoji: '😀', n: 1, b: true, none: null, at })).toEqual({ emoji: '😀', n: 1, b: true, none: null, at });
  });
});

describe(isStorable.name, () => {
  it('tells text PostgreSQL can store from text it refuses', () => {
    expect(['plain', '😀', ''].map(isStorable)).toEqual([true, true, true]);
    expect(['a\u0000', '\uD800', 'x\uDC00'].map(isStorable)).toEqual([false, false, false]);
  });
});
