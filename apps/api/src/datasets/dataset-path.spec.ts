import { ProblemError } from '../kernel/problem';
import { parseDatasetPath, parsePathPrefix } from './dataset-path';

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error.errors?.[0]?.message;
    throw error;
  }
  return undefined;
};

describe('dataset paths', () => {
  it('decodes each segment once', () => {
    expect(parseDatasetPath('a/b%20c/d.csv')).toBe('a/b c/d.csv');
    expect(parseDatasetPath('100%25')).toBe('100%');
    expect(parseDatasetPath('%E2%9C%93')).toBe('✓');
    expect(parseDatasetPath('...')).toBe('...');
    expect(parseDatasetPath('.hidden/a..b')).toBe('.hidden/a..b');
  });

  it.each([
    ['', 'expected a path of 1 to 1024 bytes'],
    ['a//b', 'expected no empty segment ("//", or a leading or trailing "/")'],
    ['..', 'expected no ".." segment'],
    ['%2E%2E', 'expected no ".." segment'],
    ['%2e', 'expected no "." segment'],
    ['a%2Fb', 'expected no encoded "/" inside a segment'],
    ['a\\b', 'expected no backslash'],
    ['a%00', 'expected no NUL character'],
    ['a%1F', 'expected no control character'],
    ['a%9F', 'expected valid percent-encoding of UTF-8'],
    ['a%C2%9F', 'expected no control character'],
    ['%ED%A0%80', 'expected valid percent-encoding of UTF-8'],
    ['x'.repeat(1025), 'expected a path of 1 to 1024 bytes'],
  ])('refuses %j: %s', (encoded, message) => {
    expect(problemOf(() => parseDatasetPath(encoded))).toBe(message);
  });

  it('takes prefixes that end with "/" or are empty, under the same rules', () => {
    expect(parsePathPrefix('')).toBe('');
    expect(parsePathPrefix('a/b/')).toBe('a/b/');
    expect(parsePathPrefix('a/b')).toBe('a/b');
    expect(problemOf(() => parsePathPrefix('a//'))).toBe('expected no empty segment ("//", or a leading or trailing "/")');
    expect(problemOf(() => parsePathPrefix('../'))).toBe('expected no ".." segment');
    expect(problemOf(() => parsePathPrefix('/'))).toBe('expected no empty segment ("//", or a leading or trailing "/")');
  });
});
