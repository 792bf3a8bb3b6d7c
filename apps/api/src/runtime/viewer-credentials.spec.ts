import { viewerCredentialOf } from './viewer-credentials';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';

describe('viewerCredentialOf', () => {
  it('finds the session cookie among others, with header names in any case', () => {
    expect(viewerCredentialOf({ Cookie: 'theme=dark; behalf_session=abc; x=1' })).toEqual({ kind: 'session', token: 'abc' });
    expect(viewerCredentialOf({ COOKIE: ['a=1', 'behalf_session=def'] })).toEqual({ kind: 'session', token: 'def' });
  });

  it('prefers an identity token in Authorization to the cookie', () => {
    expect(viewerCredentialOf({ authorization: `Bearer ${JWT}`, cookie: 'behalf_session=abc' })).toEqual({ kind: 'identity_token', token: JWT });
    expect(viewerCredentialOf({ Authorization: [`bearer ${JWT}`] })).toEqual({ kind: 'identity_token', token: JWT });
  });

  it("passes over an Authorization that is not a bearer JWT (the webapp's own)", () => {
    expect(viewerCredentialOf({ authorization: 'Basic dXNlcjpwYXNz', cookie: 'behalf_session=abc' })).toEqual({ kind: 'session', token: 'abc' });
    expect(viewerCredentialOf({ authorization: 'Bearer bhk_x_y' })).toEqual({ kind: 'none' });
  });

  it('prefers the gateway’s X-Behalf-Identity to Authorization and the cookie, in any case', () => {
    expect(viewerCredentialOf({ 'X-Behalf-Identity': 'a.b.c', authorization: 'Bearer d.e.f', cookie: 'behalf_session=s' })).toEqual({
      kind: 'identity_token',
      token: 'a.b.c',
    });
    expect(viewerCredentialOf({ 'x-behalf-identity': 'not a jwt', cookie: 'behalf_session=s' })).toEqual({ kind: 'session', token: 's' });
  });

  it('finds nothing in headers without credentials', () => {
    expect(viewerCredentialOf({})).toEqual({ kind: 'none' });
    expect(viewerCredentialOf({ cookie: 'behalf_sessionx=1; behalf_session=' })).toEqual({ kind: 'none' });
    expect(viewerCredentialOf({ 'x-behalf-session': 'abc' })).toEqual({ kind: 'none' });
  });
});
