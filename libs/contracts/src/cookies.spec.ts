import { behalfCookieIn, cookieName, CSRF_COOKIE, SESSION_COOKIE } from './cookies';

describe('cookie names', () => {
  it('carry __Host- where cookies are Secure, and are plain elsewhere', () => {
    expect(cookieName(SESSION_COOKIE, true)).toBe('__Host-behalf_session');
    expect(cookieName(CSRF_COOKIE, false)).toBe('behalf_csrf');
  });

  it('are read __Host- first, whatever the order, and plain only without one', () => {
    expect(behalfCookieIn('behalf_session=planted; __Host-behalf_session=own', SESSION_COOKIE)).toBe('own');
    expect(behalfCookieIn('__Host-behalf_session=own; behalf_session=planted', SESSION_COOKIE)).toBe('own');
    expect(behalfCookieIn('theme=dark; behalf_csrf=a%3Db', CSRF_COOKIE)).toBe('a%3Db');
  });

  it('find nothing in look-alikes or empty values', () => {
    expect(behalfCookieIn('', SESSION_COOKIE)).toBeUndefined();
    expect(behalfCookieIn('behalf_sessionx=1; x-behalf_session=2; __Host-behalf_session=', SESSION_COOKIE)).toBeUndefined();
    expect(behalfCookieIn('__Secure-behalf_session=1; junk', SESSION_COOKIE)).toBeUndefined();
  });
});
