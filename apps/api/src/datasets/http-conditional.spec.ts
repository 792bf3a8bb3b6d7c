import { ifNoneMatchHolds, rangeOf, strongEtag } from './http-conditional';

describe('conditional and ranged GET', () => {
  const etag = strongEtag('ab12');

  it('matches If-None-Match weakly, in lists and with *', () => {
    expect(etag).toBe('"ab12"');
    expect(ifNoneMatchHolds(undefined, etag)).toBe(false);
    expect(ifNoneMatchHolds('"ab12"', etag)).toBe(true);
    expect(ifNoneMatchHolds('W/"ab12"', etag)).toBe(true);
    expect(ifNoneMatchHolds('"x", "ab12"', etag)).toBe(true);
    expect(ifNoneMatchHolds('*', etag)).toBe(true);
    expect(ifNoneMatchHolds('"ab1"', etag)).toBe(false);
    expect(ifNoneMatchHolds('ab12', etag)).toBe(false);
  });

  it.each([
    ['bytes=0-4', 10, { kind: 'partial', start: 0, end: 4 }],
    ['bytes=3-', 10, { kind: 'partial', start: 3, end: 9 }],
    ['bytes=-4', 10, { kind: 'partial', start: 6, end: 9 }],
    ['bytes=-40', 10, { kind: 'partial', start: 0, end: 9 }],
    ['bytes=8-40', 10, { kind: 'partial', start: 8, end: 9 }],
    ['BYTES = 1 - 2', 10, { kind: 'partial', start: 1, end: 2 }],
    ['bytes=10-', 10, { kind: 'unsatisfiable' }],
    ['bytes=10-12', 10, { kind: 'unsatisfiable' }],
    ['bytes=-0', 10, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-1', 0, { kind: 'unsatisfiable' }],
    ['bytes=4-3', 10, { kind: 'full' }],
    ['bytes=0-1,3-4', 10, { kind: 'full' }],
    ['lines=0-1', 10, { kind: 'full' }],
    ['bytes=-', 10, { kind: 'full' }],
    ['bytes=a-b', 10, { kind: 'full' }],
  ])('Range %j of %i bytes', (range, size, outcome) => {
    expect(rangeOf(range, undefined, etag, size)).toEqual(outcome);
  });

  it('keeps the range only when If-Range names the current strong ETag', () => {
    expect(rangeOf('bytes=0-1', '"ab12"', etag, 10)).toEqual({ kind: 'partial', start: 0, end: 1 });
    expect(rangeOf('bytes=0-1', 'W/"ab12"', etag, 10)).toEqual({ kind: 'full' });
    expect(rangeOf('bytes=0-1', 'Sat, 01 Jan 2000 00:00:00 GMT', etag, 10)).toEqual({ kind: 'full' });
    expect(rangeOf(undefined, '"ab12"', etag, 10)).toEqual({ kind: 'full' });
  });
});
