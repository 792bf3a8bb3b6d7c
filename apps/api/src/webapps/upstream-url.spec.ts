import { upstreamRefusal } from './upstream-url';

describe('upstreamRefusal', () => {
  it('accepts loopback and allow-listed networks', () => {
    for (const url of ['http://127.0.0.1:8501', 'http://localhost:8080/', 'http://[::1]:3000/base', 'https://127.5.6.7', 'http://[::ffff:127.0.0.1]:80']) {
      expect(upstreamRefusal(url, [])).toBeUndefined();
    }
    expect(upstreamRefusal('http://10.1.2.3:8000', ['10.0.0.0/8'])).toBeUndefined();
    expect(upstreamRefusal('http://10.1.2.3:8000', ['10.1.2.3'])).toBeUndefined();
  });

  it('refuses other networks, names, metadata and link-local addresses', () => {
    expect(upstreamRefusal('http://10.1.2.3:8000', [])).toMatch(/BEHALF_UPSTREAM_NETWORKS/);
    expect(upstreamRefusal('http://example.com', [])).toMatch(/IP address or localhost/);
    // Even when an admin allow-listed everything.
    const all = ['0.0.0.0/0', '::/0'];
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'http://0.0.0.0:80',
      'http://[::ffff:169.254.169.254]/',
      'http://224.0.0.1/',
    ]) {
      expect(upstreamRefusal(url, all)).toMatch(/refused/);
    }
  });

  it('refuses what is not a plain http(s) URL', () => {
    expect(upstreamRefusal('ftp://127.0.0.1', [])).toMatch(/http/);
    expect(upstreamRefusal('http://u:p@127.0.0.1', [])).toMatch(/credentials/);
    expect(upstreamRefusal('http://127.0.0.1/?a=1', [])).toMatch(/query/);
    expect(upstreamRefusal('not a url', [])).toMatch(/absolute/);
  });
});
