/**
 * Deep redaction of log records. Applied to every record the service writes, whatever its shape,
 * so a secret placed in any nested field is replaced before it reaches a log sink.
 */
export const REDACTED = '[Redacted]';

/** Field names that always hold credentials or secret values. */
const SENSITIVE_EXACT = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-csrf-token', 'password', 'value', 'secret', 'token']);

/** Also any field whose name ends like one of these (`access_token`, `backendToken`, `newPassword`). */
const SENSITIVE_SUFFIX = /(token|secret|password|passphrase|credentials?)$/i;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_EXACT.has(key.toLowerCase()) || SENSITIVE_SUFFIX.test(key);
}

const MAX_DEPTH = 8;

/**
 * Returns a copy of `input` with the value of every sensitive field, at any depth, replaced by
 * {@link REDACTED}. Errors keep their name, message, stack and own fields (redacted too).
 */
export function redactDeep(input: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (input === null || typeof input !== 'object') return input;
  if (seen.has(input)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(input);
  if (Array.isArray(input)) return input.map((item) => redactDeep(item, depth + 1, seen));
  if (Buffer.isBuffer(input)) return `[Buffer ${input.length} bytes]`;
  // Instances of other classes (a Fastify request, a socket) are left to pino's serializers,
  // which pick the few safe fields they log; walking them would be slow and unbounded.
  const proto = Object.getPrototypeOf(input) as unknown;
  if (proto !== Object.prototype && proto !== null && !(input instanceof Error)) return input;
  const out: Record<string, unknown> = {};
  if (input instanceof Error) {
    out.type = input.name;
    out.message = input.message;
    out.stack = input.stack;
  }
  for (const [key, value] of Object.entries(input)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redactDeep(value, depth + 1, seen);
  }
  return out;
}

/** Query parameters that carry a credential though their names say nothing (OAuth's authorization response and code redemption). */
const SENSITIVE_PARAMS = new Set(['code', 'code_verifier', 'state']);

/** Replaces the values of sensitive query parameters in a request URL. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judge the raw name.
      }
      return eq >= 0 && (isSensitiveKey(name) || SENSITIVE_PARAMS.has(name.toLowerCase())) ? `${rawName}=${encodeURIComponent(REDACTED)}` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
