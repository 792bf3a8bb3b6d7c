import { AUDIT_ACTIONS, REFUSALS, TOKEN_REQUEST_SINGLE_PARAMETERS } from './codes';
import { PROBLEM_KINDS } from './problem';
import { IMPERSONATION_REASONS } from './impersonation';
import { OAUTH_ERRORS } from './runtime';

describe('the catalogue of codes', () => {
  it('gives every refusal a problem kind, a sentence, and an RFC 6749 error where it has one', () => {
    for (const [code, entry] of Object.entries(REFUSALS)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(Object.keys(PROBLEM_KINDS)).toContain(entry.problem);
      expect(entry.message).toMatch(/\.$/);
      if ('oauth' in entry) {
        expect(OAUTH_ERRORS).toContain(entry.oauth.error);
        expect(entry.oauth.description).toMatch(/\.$/);
      }
    }
  });

  it('holds every refusal of the impersonation policy and of a malformed token request', () => {
    for (const reason of IMPERSONATION_REASONS.filter((r) => r !== 'allowed' && r !== 'self')) expect(REFUSALS[reason].oauth).toBeDefined();
    for (const name of TOKEN_REQUEST_SINGLE_PARAMETERS) {
      expect(REFUSALS[`missing_${name}`].oauth.error).toBe('invalid_request');
      expect(REFUSALS[`repeated_${name}`].oauth.error).toBe('invalid_request');
    }
  });

  it('lists each audit action once, in order', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect([...AUDIT_ACTIONS].sort()).toEqual([...AUDIT_ACTIONS]);
  });
});
