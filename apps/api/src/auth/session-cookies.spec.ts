import { loadConfig } from '../platform/config/config';
import { SessionCookies } from './session-cookies';

describe('SessionCookies', () => {
  it('names the cookies __Host- wherever they are Secure, plain only in development over plain HTTP', () => {
    const named = (env: Record<string, string>) => {
      const cookies = new SessionCookies(loadConfig(env, '/srv'));
      return [cookies.session, cookies.csrf];
    };
    expect(named({ NODE_ENV: 'development' })).toEqual(['behalf_session', 'behalf_csrf']);
    expect(named({ NODE_ENV: 'development', BEHALF_PUBLIC_URL: 'https://behalf.example.com' })).toEqual(['__Host-behalf_session', '__Host-behalf_csrf']);
    expect(named({ NODE_ENV: 'test' })).toEqual(['__Host-behalf_session', '__Host-behalf_csrf']);
  });
});
