import { z } from 'zod';
import { parseAppsUrl } from './apps-url';

/**
 * Environment variable schemas the API's and the gateway's configurations share, so a variable
 * both read (`BEHALF_APPS_URL`, `BEHALF_GATEWAY_API_KEY`, ports, URLs) is validated alike.
 */

/** `NODE_ENV`: production is where loud defaults are warned of (and the API requires its key ring). */
export const nodeEnvVariable = z
  .enum(['development', 'test', 'production'], {
    error: 'expected one of development, test, production',
  })
  .default('development');
export type NodeEnv = z.infer<typeof nodeEnvVariable>;

/** A whole number from `min` to `max`, with one message for every way of missing it. */
export const wholeNumber = (fallback: number, min: number, max: number) => {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message).default(fallback);
};

/** An absolute http(s) URL without a trailing slash (a base URL). */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' }).refine((u) => !u.endsWith('/'), 'expected no trailing slash');

/** `BEHALF_APPS_URL`: where webapps live, `http(s)://*.<domain>[:port]`. */
export const appsUrlVariable = z
  .string()
  .default('http://*.localhost:3001')
  .superRefine((text, ctx) => {
    try {
      parseAppsUrl(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

/** An API key as Behalf makes them (`BEHALF_GATEWAY_API_KEY`). */
export const apiKeyVariable = z.string().regex(/^bhk_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/, 'expected an API key as Behalf makes them (bhk_<uuid>_<secret>)');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const logLevelVariable = z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info');

/**
 * Validates the variables `schema` names (empty strings count as unset, as in most `.env`
 * tooling): their typed values, or one line per bad variable, `NAME="value": what it expects`,
 * with the value of a variable in `secrets` shown as `(hidden)`.
 */
export function readEnv<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv,
  secrets: ReadonlySet<string>,
): { values: z.infer<S> } | { problems: string[] } {
  const present = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const parsed = schema.safeParse(present);
  if (parsed.success) return { values: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${secrets.has(name) ? '(hidden)' : JSON.stringify(present[name])}: ${issue.message}`;
    }),
  };
}
