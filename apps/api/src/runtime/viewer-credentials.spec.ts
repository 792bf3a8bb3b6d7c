import { viewerCredentialOf } from './viewer-credentials';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';

describe('viewerCredentialOf', () => {
  it('finds the session cookie among others, with header names in any case', () => {
    expect(viewerCredentialOf({ Cookie: 'theme=dark; behalf_session=abc; x=1' }, 'behalf_session')).toEqual({ kind: 'session', token: 'abc' });
    expect(viewerCredentialOf({ COOKIE: ['a=1', 'behalf_session=def'] }, 'behalf_session')).toEqual({ kind: 'session', token: 'def' });
  });

  it('prefers an identity token in Authorization to the cookie', () => {
    expect(viewerCredentialOf({ authorization: `Bearer ${JWT}`, cookie: 'behalf_session=abc' }, 'behalf_session')).toEqual({
      kind: 'identity_token',
      token: JWT,
    });
    expect(viewerCredentialOf({ Authorization: [`bearer ${JWT}`] }, 'behalf_session')).toEqual({ kind: 'identity_token', token: JWT });
  });

  it("passes over an Authorization that is not a bearer JWT (the webapp's own)", () => {
    expect(viewerCredentialOf({ authorization: 'Basic dXNlcjpwYXNz', cookie: 'behalf_session=abc' }, 'behalf_session')).toEqual({
      kind: 'session',
      token: 'abc',
    });
    expect(viewerCredentialOf({ authorization: 'Bearer bhk_x_y' }, 'behalf_session')).toEqual({ kind: 'none' });
  });

  it('prefers the gateway’s X-Behalf-Identity to Authorization and the cookie, in any case', () => {
    expect(viewerCredentialOf({ 'X-Behalf-Identity': 'a.b.c', authorization: 'Bearer d.e.f', cookie: 'behalf_session=s' }, 'behalf_session')).toEqual({
      kind: 'identity_token',
      token: 'a.b.c',
    });
    expect(viewerCredentialOf({ 'x-behalf-identity': 'not a jwt', cookie: 'behalf_session=s' }, 'behalf_session')).toEqual({ kind: 'session', token: 's' });
  });

  it('reads only the session cookie by the name given: a plain one is not taken for a __Host- one', () => {
    const headers = { cookie: 'behalf_session=planted; __Host-behalf_session=own' };
    expect(viewerCredentialOf(headers, '__Host-behalf_session')).toEqual({ kind: 'session', token: 'own' });
    expect(viewerCredentialOf({ cookie: 'behalf_session=planted' }, '__Host-behalf_session')).toEqual({ kind: 'none' });
  });

  it('finds nothing in headers without credentials', () => {
    expect(viewerCredentialOf({}, 'behalf_session')).toEqual({ kind: 'none' });
    expect(viewerCredentialOf({ cookie: 'behalf_sessionx=1; behalf_session=' }, 'behalf_session')).toEqual({ kind: 'none' });
    expect(viewerCredentialOf({ 'x-behalf-session': 'abc' }, 'behalf_session')).toEqual({ kind: 'none' });
  });
});
