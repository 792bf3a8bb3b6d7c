import { authorizeReturnTo, consolePath } from './return-to';

describe('where the login page may send a person afterwards', () => {
  describe(authorizeReturnTo.name, () => {
    it('accepts an authorization request on this server', () => {
      const request = '/oauth/authorize?response_type=code&client_id=behalf-gateway&state=s';
      expect(authorizeReturnTo(request)).toBe(request);
    });

    it.each([
      ['another site', 'http://evil.example/oauth/authorize?x'],
      ['a scheme-relative URL', '//evil.example/oauth/authorize?x'],
      ['a backslash trick', '/oauth/authorize?\\@evil.example'],
      ['a header split', '/oauth/authorize?x\r\nset-cookie: a=b'],
      ['any other path', '/api/v1/users'],
      ['the bare endpoint', '/oauth/authorize'],
      ['a look-alike path', '/oauth/authorizeX?x'],
      ['a very long value', `/oauth/authorize?${'a'.repeat(5000)}`],
      ['no value', undefined],
      ['an array', ['/oauth/authorize?x']],
    ])('refuses %s', (_what, value) => {
      expect(authorizeReturnTo(value)).toBeUndefined();
    });
  });

  describe(consolePath.name, () => {
    it('accepts a console page with its query', () => {
      expect(consolePath('/audit?action=token.exchange')).toBe('/audit?action=token.exchange');
      expect(consolePath('/users/3f1c')).toBe('/users/3f1c');
    });

    it.each([
      ['another site', 'https://evil.example/'],
      ['a scheme-relative URL', '//evil.example/'],
      ['a backslash trick', '/\\evil.example'],
      ['a javascript URL', 'javascript:alert(1)'],
      ['the login page itself', '/login?next=/login'],
      ['an API path', '/api/v1/auth/logout'],
      ['an OAuth path', '/oauth/authorize?x'],
      ['a relative path', 'users'],
      ['no value', undefined],
    ])('refuses %s', (_what, value) => {
      expect(consolePath(value)).toBeUndefined();
    });
  });
});
