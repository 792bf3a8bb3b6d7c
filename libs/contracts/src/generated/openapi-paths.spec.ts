import { pathSerializer } from './openapi-paths';

describe(pathSerializer.name, () => {
  it('percent-encodes each parameter, keeping only a file path’s slashes', () => {
    expect(pathSerializer('/api/v1/users/me/secrets/{name}', { name: 'a/b c' })).toBe('/api/v1/users/me/secrets/a%2Fb%20c');
    expect(pathSerializer('/api/v1/datasets/{id}/files/{path}', { id: 'x', path: 'reports/q 3/#1.csv' })).toBe('/api/v1/datasets/x/files/reports/q%203/%231.csv');
  });

  it('leaves a parameter it was not given as it is', () => {
    expect(pathSerializer('/api/v1/groups/{id}', {})).toBe('/api/v1/groups/{id}');
  });
});
