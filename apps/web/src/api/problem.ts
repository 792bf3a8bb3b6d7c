/** One field's complaint in a validation problem: `path` is where the field came from and the field, dotted (`body.viewers.users.0`). */
export interface FieldError {
  path: string;
  message: string;
}

const SOURCE = /^(body|query|params|headers)(\.|$)/;

/** Words a field name spells in capitals (`identityPropagation.jwt` → `Identity propagation, JWT`). */
const ACRONYMS = /\b(jwt|url|uri|id|ip|api|kek)\b/g;

/**
 * A field's path as a person reads it: without its source, words for camel case, list positions
 * counted from one (`body.secretNames.0` → `Secret names, item 1`; `query.since` → `Since`).
 */
export function fieldLabel(path: string): string {
  const words = path
    .replace(SOURCE, '')
    .split('.')
    .filter(Boolean)
    .map((segment) =>
      /^\d+$/.test(segment)
        ? `item ${Number(segment) + 1}`
        : segment
            .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
            .toLowerCase()
            .replace(ACRONYMS, (word) => word.toUpperCase()),
    )
    .join(', ');
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : '';
}

/**
 * An API refusal in words: the problem's `title` and `detail` (RFC 9457), with the fields it
 * names. The console shows these, never a bare status code.
 */
export class ApiProblem extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
    readonly status: number,
    readonly errors: FieldError[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiProblem';
  }

  /**
   * The message of the field at `path` (or under it), if the problem names it. The API names a
   * field with where it came from (`body.secretNames.0`, `query.since`); a form names it without.
   */
  fieldError(path: string): string | undefined {
    return this.errors.find((e) => {
      const field = e.path.replace(SOURCE, '');
      return field === path || field.startsWith(`${path}.`);
    })?.message;
  }
}

interface ProblemBody {
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
  error_description?: unknown;
}

/** The problem an answer carries, or a plain description when its body is not one. */
export function problemOf(body: unknown, response: Response): ApiProblem {
  const b = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  const errors = Array.isArray(b.errors) ? b.errors.filter((e): e is FieldError => typeof e?.path === 'string' && typeof e?.message === 'string') : [];
  const title = typeof b.title === 'string' ? b.title : (FALLBACK_TITLES[response.status] ?? 'The request failed');
  const detail = typeof b.detail === 'string' ? b.detail : typeof b.error_description === 'string' ? b.error_description : '';
  return new ApiProblem(title, detail, response.status, errors);
}

const FALLBACK_TITLES: Record<number, string> = {
  502: 'Behalf cannot be reached',
  503: 'Behalf is not available right now',
  504: 'Behalf took too long to answer',
};

/** When the network fails before any answer. */
export const UNREACHABLE = new ApiProblem('Behalf cannot be reached', 'Check your connection and try again.', 0);

/**
 * The data of an openapi-fetch call, or its problem thrown: for TanStack Query's `queryFn` and
 * `mutationFn`, which then hold the problem as their `error`.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw UNREACHABLE;
  }
  if (!result.response.ok) throw problemOf(result.error, result.response);
  return result.data as T;
}
