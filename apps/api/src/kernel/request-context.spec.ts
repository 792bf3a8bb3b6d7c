import { clientSource } from './request-context';

describe(clientSource.name, () => {
  it('keeps IPv4 addresses, mapped or not', () => {
    expect(clientSource('203.0.113.7')).toBe('203.0.113.7');
    expect(clientSource('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts IPv6 clients per /64, however the address is written', () => {
    expect(clientSource('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientSource('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientSource('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientSource('::1')).toBe('0:0:0:0::/64');
    expect(clientSource('2001:db8:1:3::1')).not.toBe(clientSource('2001:db8:1:2::1'));
  });
});
