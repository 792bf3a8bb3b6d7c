import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { REDACTED, redactDeep, redactUrl } from './redact';

describe(redactDeep.name, () => {
  it('redacts credential fields at any depth and keeps the rest', () => {
    const input = {
      user: 'ada',
      password: 'p1',
      headers: { authorization: 'Bearer t', Cookie: 'behalf_session=s', 'set-cookie': ['a=b'], accept: '*/*' },
      nested: [{ deeper: { secret: 'x', value: 'v', token: 't', count: 3 } }],
      access_token: 'at',
      backendToken: 'bt',
      newPassword: 'np',
      clientSecret: 'cs',
    };
    expect(redactDeep(input)).toEqual({
      user: 'ada',
      password: REDACTED,
      headers: { authorization: REDACTED, Cookie: REDACTED, 'set-cookie': REDACTED, accept: '*/*' },
      nested: [{ deeper: { secret: REDACTED, value: REDACTED, token: REDACTED, count: 3 } }],
      access_token: REDACTED,
      backendToken: REDACTED,
      newPassword: REDACTED,
      clientSecret: REDACTED,
    });
  });

  it('does not change its input', () => {
    const input = { password: 'p' };
    redactDeep(input);
    expect(input.password).toBe('p');
  });

  it('copes with cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactDeep(a)).toEqual({ name: 'a', self: '[Circular]' });
  });

  it('keeps an error readable and redacts its own fields', () => {
    const error = Object.assign(new Error('boom'), { token: 'tk' });
    const out = redactDeep({ err: error }) as { err: Record<string, unknown> };
    expect(out.err).toMatchObject({ type: 'Error', message: 'boom', token: REDACTED });
    expect(String(out.err.stack)).toContain('boom');
  });
});

describe(redactUrl.name, () => {
  it('redacts sensitive query parameters only', () => {
    expect(redactUrl('/x?token=abc&limit=5&access_token=q&password=p')).toBe(
      '/x?token=%5BRedacted%5D&limit=5&access_token=%5BRedacted%5D&password=%5BRedacted%5D',
    );
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });

  it('redacts an authorization response’s code and state, and a code verifier', () => {
    expect(redactUrl('/.behalf/callback?code=abc&state=s&iss=http%3A%2F%2Fx')).toBe(
      '/.behalf/callback?code=%5BRedacted%5D&state=%5BRedacted%5D&iss=http%3A%2F%2Fx',
    );
    expect(redactUrl('/t?Code_Verifier=v')).toBe('/t?Code_Verifier=%5BRedacted%5D');
  });
});

describe(createLogger.name, () => {
  it('writes JSON lines with no secret in them, whatever the record shape', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ body: { login: 'ada', password: 'hunter2hunter2' }, headers: { cookie: 'behalf_session=abc' } }, 'login');
    logger.child({ component: 'x' }).warn({ err: Object.assign(new Error('e'), { secret: 'zzz-secret' }) }, 'failed');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    expect(text).not.toMatch(/hunter2hunter2|behalf_session=abc|zzz-secret/);
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ level: 'info', msg: 'login', body: { login: 'ada', password: REDACTED } });
    expect(records[1]).toMatchObject({ level: 'warn', component: 'x' });
  });
});
