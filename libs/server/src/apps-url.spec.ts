import { parseAppsUrl, slugFromName } from './apps-url';

describe('apps URL', () => {
  const local = parseAppsUrl('http://*.localhost:3001');
  const prod = parseAppsUrl('https://*.apps.example.com');

  it('gives each slug its own origin', () => {
    expect(local.originOf('sales')).toBe('http://sales.localhost:3001');
    expect(prod.originOf('sales')).toBe('https://sales.apps.example.com');
    expect(parseAppsUrl('https://*.apps.example.com:443').originOf('a')).toBe('https://a.apps.example.com');
  });

  it('reads the slug of a Host header, and nothing else', () => {
    expect(local.slugOf('sales.localhost:3001')).toBe('sales');
    expect(local.slugOf('SALES.LOCALHOST:3001')).toBe('sales');
    expect(prod.slugOf('sales.apps.example.com')).toBe('sales');
    expect(prod.slugOf('sales.apps.example.com:443')).toBe('sales');
    for (const host of ['localhost:3001', 'sales.localhost:3000', 'a.b.localhost:3001', '-x.localhost:3001', 'evil.com', undefined, '.localhost:3001']) {
      expect(local.slugOf(host)).toBeUndefined();
    }
    expect(prod.slugOf('sales.apps.example.com.evil.com')).toBeUndefined();
  });

  it('knows webapp origins exactly', () => {
    expect(local.slugOfOrigin('http://sales.localhost:3001')).toBe('sales');
    for (const origin of [
      'https://sales.localhost:3001',
      'http://sales.localhost:3001/x',
      'http://u:p@sales.localhost:3001',
      'http://localhost:3001',
      'nonsense',
    ]) {
      expect(local.slugOfOrigin(origin)).toBeUndefined();
    }
  });

  it('refuses patterns that are not a wildcard origin', () => {
    for (const bad of ['http://localhost:3001', 'ftp://*.x.com', 'http://*.x.com/path', 'http://a*.x.com', 'http://*.x.com:99999']) {
      expect(() => parseAppsUrl(bad)).toThrow(/expected/);
    }
  });

  it('derives slugs from names', () => {
    expect(slugFromName('Sales Dashboard (EU)')).toBe('sales-dashboard-eu');
    expect(slugFromName('  ---  ')).toBe('webapp');
    expect(slugFromName('Café')).toBe('cafe');
    expect(slugFromName('x'.repeat(100))).toHaveLength(40);
  });
});
