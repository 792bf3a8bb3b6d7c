import { LoggerService } from '@nestjs/common';
import { FastifyBaseLogger, FastifyReply, FastifyRequest, LogController } from 'fastify';
import pino, { Bindings, ChildLoggerOptions, DestinationStream, Level, Logger } from 'pino';
import { redactDeep, redactUrl } from './redact';

export type { Logger } from 'pino';

interface RequestLike {
  id?: string;
  method?: string;
  url?: string;
  ip?: string;
}

interface ReplyLike {
  statusCode?: number;
}

/**
 * The one pino logger of a Behalf server process (`service` names it: the API, the gateway): JSON
 * lines, every record deep-redacted (see `redact.ts`), requests logged with their id and a
 * redacted URL, never their headers.
 */
export function createLogger(level: string, destination?: DestinationStream, service = 'behalf-api'): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => redactDeep(record) as Record<string, unknown>,
      },
      serializers: {
        req: (req: RequestLike) => ({
          id: req.id,
          method: req.method,
          url: req.url === undefined ? undefined : redactUrl(req.url),
          ip: req.ip,
        }),
        res: (res: ReplyLike) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Lets NestJS's own messages (module init, route mapping) go through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    if (message instanceof Error) this.logger.error({ context, err: message }, message.message);
    else this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ context }, String(message));
  }
}

/**
 * Fastify's request log lines as Behalf writes them (the `logController` option): one line per
 * request, not two. No "incoming request" line; the completion line carries the request (its id,
 * method and redacted URL, by the `req` serializer) with the status and the time taken.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {
    // The completion line says it all, once.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/**
 * Fastify's `childLoggerFactory` for Behalf's servers: a request's logger that becomes a pino
 * child (bound to the request id) only when something writes at a level that is on. Fastify
 * otherwise makes a child for every request (its bindings serialised, every level method bound
 * again: about a microsecond of each `GET /healthz`, measured), though at `warn`, the production
 * default, almost no request writes a line. What is written is the same either way.
 */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger as Logger, bindings, options);
}

class LazyRequestLogger implements FastifyBaseLogger {
  private made?: Logger;
  /** The least severe level written: the route's (Fastify passes its `logLevel`) or the parent's. */
  private readonly threshold: number;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {
    // Fastify passes its route's level, '' when the route names none: then the parent's is in force.
    this.threshold = parent.levels.values[options.level || parent.level] ?? 0;
  }

  get level(): string {
    return this.made?.level ?? (this.options.level || this.parent.level);
  }

  set level(level: string) {
    this.bound().level = level;
  }

  fatal(...args: Parameters<Logger['fatal']>): void {
    this.write('fatal', args);
  }
  error(...args: Parameters<Logger['error']>): void {
    this.write('error', args);
  }
  warn(...args: Parameters<Logger['warn']>): void {
    this.write('warn', args);
  }
  info(...args: Parameters<Logger['info']>): void {
    this.write('info', args);
  }
  debug(...args: Parameters<Logger['debug']>): void {
    this.write('debug', args);
  }
  trace(...args: Parameters<Logger['trace']>): void {
    this.write('trace', args);
  }
  silent(): void {
    // Never writes.
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.bound().child(bindings, options);
  }

  private bound(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  private write(level: Level, args: Parameters<Logger['info']>): void {
    if (this.made) this.made[level](...args);
    else if (this.parent.levels.values[level] >= this.threshold) this.bound()[level](...args);
  }
}
