import ipaddr from 'ipaddr.js';

/** Cloud metadata services outside the link-local ranges (AWS IPv6, Alibaba): never an upstream. */
const METADATA_ADDRESSES = ['fd00:ec2::254', '100.100.100.200'];
const REFUSED_RANGES = new Set(['unspecified', 'linkLocal', 'multicast', 'broadcast', 'reserved']);

/**
 * Why `text` may not be a run's upstream, or undefined when it may. The gateway connects to
 * whatever a run reports, so a run must not point it at the metadata service or a neighbour:
 * the address is an IP literal (or `localhost`: a name could resolve elsewhere later), loopback
 * or inside `allowedNetworks` (BEHALF_UPSTREAM_NETWORKS), never link-local or a metadata address.
 */
export function upstreamRefusal(text: string, allowedNetworks: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http or https URL';
  if (url.username || url.password) return 'expected no credentials in the URL';
  if (url.search || url.hash) return 'expected no query or fragment: the gateway appends the request’s own';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return undefined;
  if (!ipaddr.isValid(host)) return 'expected an IP address or localhost (a host name could resolve to another address later)';
  let address = ipaddr.parse(host);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  const normalized = address.toString();
  if (METADATA_ADDRESSES.some((m) => ipaddr.parse(m).toString() === normalized) || REFUSED_RANGES.has(address.range())) {
    return 'refused: a link-local, metadata, multicast or unspecified address';
  }
  if (address.range() === 'loopback') return undefined;
  const inAllowed = allowedNetworks.some((network) => {
    const [base, prefix] = network.includes('/') ? ipaddr.parseCIDR(network) : [ipaddr.parse(network), network.includes(':') ? 128 : 32];
    return base.kind() === address.kind() && address.match([base, prefix] as [ipaddr.IPv4 | ipaddr.IPv6, number]);
  });
  return inAllowed ? undefined : 'expected a loopback address or one in BEHALF_UPSTREAM_NETWORKS';
}
