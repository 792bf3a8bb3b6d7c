import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger, lazyRequestLogger } from './logger';

/** A logger at `level` writing into an array, and a request logger made from it as Fastify makes one. */
function setup(level: string, routeLevel?: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const parent = createLogger(level, sink);
  const made: unknown[] = [];
  const child = parent.child;
  // Children inherit this property from `parent`, so it is called on them too, as itself.
  parent.child = function (this: typeof parent, ...args: Parameters<typeof child>) {
    made.push(args[0]);
    return child.apply(this, args);
  } as typeof parent.child;
  const log = lazyRequestLogger(parent, { reqId: 'req-1' }, { level: routeLevel ?? level });
  return { lines, made, log, parent };
}

describe('lazyRequestLogger', () => {
  it('makes no child and writes nothing for levels that are off', () => {
    const { lines, made, log } = setup('warn');
    log.info({ res: { statusCode: 200 } }, 'request completed');
    log.debug('details');
    log.trace('more');
    expect(made).toEqual([]);
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it('writes enabled levels through one child bound to the request id, as an eager child would', () => {
    const { lines, made, log } = setup('warn');
    log.warn({ attempt: 1 }, 'slow');
    log.error(new Error('boom'));
    log.fatal('down');
    log.info('still off');
    expect(made).toEqual([{ reqId: 'req-1' }]);
    expect(lines.map(({ level, reqId, msg }) => ({ level, reqId, msg }))).toEqual([
      { level: 'warn', reqId: 'req-1', msg: 'slow' },
      { level: 'error', reqId: 'req-1', msg: 'boom' },
      { level: 'fatal', reqId: 'req-1', msg: 'down' },
    ]);
    expect(lines[0]).toMatchObject({ attempt: 1, service: 'behalf-api' });
  });

  it('reads a route without a level of its own (Fastify passes an empty one) as the server’s level', () => {
    const { lines, made, log } = setup('warn', '');
    log.info({ res: { statusCode: 200 } }, 'request completed');
    expect(made).toEqual([]);
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
    log.warn('on');
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', reqId: 'req-1', msg: 'on' })]);
  });

  it('makes no child for a request Fastify answers without writing a line', async () => {
    const { made, parent } = setup('warn');
    const app = Fastify({ loggerInstance: parent, childLoggerFactory: lazyRequestLogger });
    app.get('/', async () => ({ ok: true }));
    await app.ready();
    // Fastify makes its instance's own logger once; requests make none.
    const atStart = made.length;
    for (let i = 0; i < 3; i += 1) expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    await app.close();
    expect(made.slice(atStart)).toEqual([]);
  });

  it("follows the route's own level over the server's", () => {
    const { lines, log } = setup('warn', 'debug');
    log.debug('route detail');
    expect(log.level).toBe('debug');
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', reqId: 'req-1', msg: 'route detail' })]);
  });

  it('keeps redaction, child loggers and level changes working', () => {
    const { lines, made, log } = setup('info');
    log.info({ authorization: 'Bearer secret-token-value' }, 'with a credential');
    const nested: FastifyBaseLogger = log.child({ part: 'inner' });
    nested.info('inner line');
    log.level = 'error';
    log.warn('now off');
    expect(made).toEqual([{ reqId: 'req-1' }, { part: 'inner' }]);
    expect(JSON.stringify(lines)).not.toContain('secret-token-value');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'with a credential', reqId: 'req-1' }),
      expect.objectContaining({ msg: 'inner line', reqId: 'req-1', part: 'inner' }),
    ]);
    expect(log.level).toBe('error');
  });
});
