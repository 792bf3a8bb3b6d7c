import { FormParams } from './form-body';

/** What URLSearchParams makes of `body`, the reference the parser must match. */
function reference(body: string): [string, string[]][] {
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) values.set(name, [...(values.get(name) ?? []), value]);
  return [...values];
}

describe('FormParams.parse', () => {
  it.each([
    '',
    'a=1',
    'a=1&b=2&a=3',
    'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=eyJ.eyJ.sig-_',
    'a+b=c+d&e=%2B&f=%20',
    'a=&=b&c&&d==e&',
    'x=%C3%A9t%C3%A9&y=%E2%82%AC&z=😀',
    'a=1=2=3',
    'q=%25&r=%2525',
  ])('decodes %p as URLSearchParams does', (body) => {
    expect([...FormParams.parse(body).values]).toEqual(reference(body));
  });

  it.each(['a=%zz', 'a=%', 'a=%E2%82', 'a=%FF&b=ok', '%zz=1&b=2+3'])('keeps a malformed escape as URLSearchParams does: %p', (body) => {
    expect([...FormParams.parse(body).values]).toEqual(reference(body));
  });
});
