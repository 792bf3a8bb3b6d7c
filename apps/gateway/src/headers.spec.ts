import { canonicalName, endToEnd, filterCookies, forwardHeaders, isBehalfAuthorization, isForgeable } from './headers';

const ISSUER = 'http://localhost:3000';
const jwt = (header: object, claims: object) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const base = {
  issuer: ISSUER,
  viewer: { id: 'u1', login: 'alice', displayName: 'Alice', email: 'alice@example.com', groups: ['data team', 'a,b'] },
  propagation: { header: true, jwt: true },
  identityToken: 'real.identity.token',
  clientIp: '127.0.0.1',
  proto: 'http' as const,
  host: 'sales.localhost:3001',
  requestId: 'rid-1',
};

describe('gateway request headers', () => {
  it('reads `_` as `-` and ignores case', () => {
    expect(canonicalName('X_Forwarded_User')).toBe('x-forwarded-user');
    for (const name of [
      'X-Behalf-User',
      'x_behalf_user',
      'X-BEHALF-IDENTITY',
      'X_Forwarded_Email',
      'remote_user',
      'X-Auth-Request-Preferred-Username',
      'x_auth_request_access_token',
      'X-Forwarded-Access-Token',
      'forwarded',
      'X-Request-Id',
    ]) {
      expect(isForgeable(name)).toBe(true);
    }
    expect(isForgeable('x-custom')).toBe(false);
  });

  it('removes every forgeable spelling, however repeated, and sets the real identity', () => {
    const raw = [
      'Host',
      'sales.localhost:3001',
      'X-Behalf-User',
      'mallory',
      'x-behalf-user',
      'mallory2',
      'X_Behalf_User',
      'mallory3',
      'X-Behalf-Identity',
      'forged.identity.token',
      'X_Forwarded_User',
      'mallory',
      'X-Forwarded-User',
      'mallory',
      'x-forwarded-email',
      'm@evil',
      'X-Forwarded-Groups',
      'admins',
      'X-Forwarded-Preferred-Username',
      'root',
      'X-Auth-Request-User',
      'root',
      'Remote-User',
      'root',
      'REMOTE_USER',
      'root',
      'Expect',
      '100-continue',
      'X-Forwarded-For',
      '6.6.6.6',
      'Accept',
      'text/html',
      'X-Custom',
      'kept',
      'X-Custom',
      'twice',
    ];
    const out = forwardHeaders(raw, base);
    expect(out).toEqual({
      accept: 'text/html',
      'x-custom': ['kept', 'twice'],
      'x-behalf-user': 'alice',
      'x-behalf-user-id': 'u1',
      'x-behalf-groups': 'data%20team,a%2Cb',
      'x-behalf-email': 'alice@example.com',
      'x-behalf-identity': 'real.identity.token',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'sales.localhost:3001',
      forwarded: 'for=127.0.0.1;proto=http;host="sales.localhost:3001"',
      'x-request-id': 'rid-1',
    });
  });

  it('says Anonymous, and sends no identity token unless the webapp wants one', () => {
    const out = forwardHeaders(['X-Behalf-User-Id', 'u9'], { ...base, viewer: null, identityToken: undefined, propagation: { header: true, jwt: false } });
    expect(out['x-behalf-user']).toBe('Anonymous');
    expect(out).not.toHaveProperty('x-behalf-user-id');
    expect(out).not.toHaveProperty('x-behalf-identity');
    const none = forwardHeaders([], { ...base, propagation: { header: false, jwt: false } });
    expect(Object.keys(none).filter((k) => k.startsWith('x-behalf'))).toEqual([]);
  });

  it('removes credential cookies and Behalf credentials in Authorization', () => {
    expect(filterCookies('a=1; behalf_session=s; BEHALF_CSRF=c; behalf_gw=g; __Host-behalf_gw=h; behalf_gw_auth=x; b=2')).toBe('a=1; b=2');
    expect(filterCookies('behalf_session=s')).toBeUndefined();
    const out = forwardHeaders(['Cookie', 'a=1; behalf_gw=g', 'cookie', 'behalf_session=s; c=3', 'Authorization', 'Bearer bhk_abc_def'], base);
    expect(out.cookie).toBe('a=1; c=3');
    expect(out).not.toHaveProperty('authorization');
    expect(isBehalfAuthorization(`Bearer ${jwt({ typ: 'JWT' }, { iss: ISSUER })}`, ISSUER)).toBe(true);
    expect(isBehalfAuthorization(`Bearer ${jwt({ typ: 'at+jwt' }, { iss: 'other' })}`, ISSUER)).toBe(true);
    expect(isBehalfAuthorization(`Bearer ${jwt({ typ: 'JWT' }, { iss: 'https://login.example.com' })}`, ISSUER)).toBe(false);
    expect(isBehalfAuthorization('Basic dXNlcjpwYXNz', ISSUER)).toBe(false);
    expect(forwardHeaders(['Authorization', 'Basic dXNlcjpwYXNz'], base).authorization).toBe('Basic dXNlcjpwYXNz');
  });

  it('leaves a websocket handshake’s own headers to the upstream handshake', () => {
    const out = forwardHeaders(
      [
        'Sec-WebSocket-Key',
        'k',
        'Sec-WebSocket-Protocol',
        'a, b',
        'Sec-WebSocket-Version',
        '13',
        'Upgrade',
        'websocket',
        'Connection',
        'Upgrade',
        'Origin',
        'http://sales.localhost:3001',
      ],
      { ...base, websocket: true },
    );
    expect(out.origin).toBe('http://sales.localhost:3001');
    for (const name of ['sec-websocket-key', 'sec-websocket-protocol', 'sec-websocket-version', 'upgrade', 'connection']) expect(out).not.toHaveProperty(name);
  });
});

describe('hop-by-hop headers', () => {
  it('drops what the client’s Connection header lists, in any case, however often it is said', () => {
    const raw = ['Connection', 'keep-alive, X-Trace', 'connection', 'X-Other ,', 'X-Trace', 'a', 'x-other', 'b', 'X-Kept', 'c', 'Keep-Alive', 'timeout=5'];
    const out = forwardHeaders(raw, base);
    expect(out['x-kept']).toBe('c');
    for (const gone of ['x-trace', 'x-other', 'connection', 'keep-alive']) expect(out[gone]).toBeUndefined();
  });

  it('cannot drop what the gateway sets by listing it', () => {
    const out = forwardHeaders(['Connection', 'X-Behalf-User, X-Forwarded-For, X-Request-Id'], base);
    expect(out).toMatchObject({ 'x-behalf-user': 'alice', 'x-forwarded-for': '127.0.0.1', 'x-request-id': 'rid-1' });
  });

  it('passes end-to-end headers and drops hop-by-hop ones, with those Connection lists', () => {
    expect(
      endToEnd({
        'content-type': 'text/html',
        'set-cookie': ['a=1', 'b=2'],
        connection: 'keep-alive, x-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-hop': 'gone',
        upgrade: 'h2c',
        trailer: 'x-checksum',
        'proxy-authenticate': 'Basic',
        'x-kept': 'yes',
      }),
    ).toEqual({ 'content-type': 'text/html', 'set-cookie': ['a=1', 'b=2'], 'x-kept': 'yes' });
  });
});
