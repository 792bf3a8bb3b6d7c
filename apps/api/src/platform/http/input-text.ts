import type { ProblemFieldError } from '@behalf/contracts';
import { z } from 'zod';
import { LONE_SURROGATE } from '../../kernel/text';

const NUL = /\u0000/;
const CONTROL = /[\u0000-\u001F\u007F]/;

/** What is wrong with one string anywhere in a request, or null. */
function textProblem(text: string): string | null {
  if (NUL.test(text)) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  return null;
}

/** The most field errors one request is told about. */
const MAX_ERRORS = 20;

/**
 * Every string of a request part (values and object keys, at any depth) that no field may hold:
 * NUL and lone surrogates, which PostgreSQL's text and JSON cannot store and which no legitimate
 * client sends. Checked once, for every route, before the route's own schema (see `ZodPipe`), so
 * no field can forget it.
 */
export function hostileText(value: unknown, path: string, errors: ProblemFieldError[] = [], depth = 0): ProblemFieldError[] {
  if (errors.length >= MAX_ERRORS) return errors;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) errors.push({ path, message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => hostileText(item, `${path}.${i}`, errors, depth + 1));
  } else if (value && typeof value === 'object' && depth < 64) {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key);
      if (problem) errors.push({ path: `${path}.${key.replace(/[^\x20-\x7E]/g, '?')}`, message: `has a key that ${problem}` });
      else hostileText(item, `${path}.${key}`, errors, depth + 1);
    }
  }
  return errors;
}

/**
 * A name, login or other one-line label: 1 to `max` characters after trimming, with no control
 * characters (tabs and line breaks included), which would forge lines in logs and exports.
 */
export function nameText(what: string, max: number) {
  const size = `expected 1 to ${max} characters`;
  return z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, size)
    .max(max, size)
    .refine((text) => !CONTROL.test(text), 'must not contain control characters (tabs, line breaks, …)');
}
