import { Alert } from '@mantine/core';
import { ApiProblem, fieldLabel, UNREACHABLE } from '../api/problem';

/** A refusal or failure, where it happened, in words: the problem's title and detail. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : UNREACHABLE;
  return (
    <Alert color="red" title={title ?? problem.title} role="alert" variant="light">
      {title ? `${problem.title}${problem.detail ? `: ${problem.detail}` : ''}` : problem.detail}
      {problem.errors.length > 0 && (
        <ul style={{ margin: '0.4rem 0 0', paddingLeft: '1.2rem' }}>
          {problem.errors.map((e) => {
            const label = fieldLabel(e.path);
            return (
              <li key={`${e.path}:${e.message}`}>
                {label ? <strong>{label}</strong> : null}
                {label ? ': ' : ''}
                {e.message}
              </li>
            );
          })}
        </ul>
      )}
    </Alert>
  );
}

/** The field error a problem names for `path`, for a form input's `error`. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiProblem ? error.fieldError(path) : undefined;
}
