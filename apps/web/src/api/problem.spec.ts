import { ApiProblem, fieldLabel } from './problem';

describe('a problem’s field errors, as forms look them up', () => {
  const problem = new ApiProblem('Validation failed', 'The request body is invalid.', 400, [
    { path: 'body.secretNames.0', message: 'expected 1 to 128 of A-Z a-z 0-9 _ . -' },
    { path: 'body.identityPropagation.jwt', message: 'expected true or false' },
    { path: 'query.since', message: 'expected a time' },
    { path: 'body.name', message: 'expected 1 to 200 characters' },
  ]);

  it('finds a field the API names with its source (body, query), and anything under it', () => {
    expect(problem.fieldError('secretNames')).toBe('expected 1 to 128 of A-Z a-z 0-9 _ . -');
    expect(problem.fieldError('identityPropagation.jwt')).toBe('expected true or false');
    expect(problem.fieldError('identityPropagation')).toBe('expected true or false');
    expect(problem.fieldError('since')).toBe('expected a time');
    expect(problem.fieldError('name')).toBe('expected 1 to 200 characters');
  });

  it('does not take a field for another that only starts alike, nor a source for a field', () => {
    expect(problem.fieldError('secret')).toBeUndefined();
    expect(problem.fieldError('names')).toBeUndefined();
    expect(problem.fieldError('body')).toBeUndefined();
    expect(new ApiProblem('Bad', '', 400, [{ path: 'body.display', message: 'x' }]).fieldError('displayName')).toBeUndefined();
  });
});

describe('a field as the problem alert names it', () => {
  it.each([
    ['body.secretNames.0', 'Secret names, item 1'],
    ['body.viewers.users.11', 'Viewers, users, item 12'],
    ['query.since', 'Since'],
    ['body.identityPropagation.jwt', 'Identity propagation, JWT'],
    ['params.id', 'ID'],
    ['body.runAsUserId', 'Run as user ID'],
    ['body.upstreamUrl', 'Upstream URL'],
    ['body.sessionIdleTimeoutSeconds', 'Session idle timeout seconds'],
    ['body', ''],
    ['', ''],
    ['name', 'Name'],
  ])('%p reads "%s"', (path, label) => {
    expect(fieldLabel(path)).toBe(label);
  });
});
