import { constantTimeEqual } from './constant-time';

describe(constantTimeEqual.name, () => {
  it('is true for equal texts only, whatever their lengths or where they differ', () => {
    expect(constantTimeEqual('bhk_secret', 'bhk_secret')).toBe(true);
    expect(constantTimeEqual('bhk_secret', 'bhk_secreT')).toBe(false);
    expect(constantTimeEqual('Bhk_secret', 'bhk_secret')).toBe(false);
    expect(constantTimeEqual('bhk_secret', 'bhk_secret ')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});
