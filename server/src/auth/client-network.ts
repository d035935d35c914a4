import { isIPv4, isIPv6 } from 'node:net';
import { ipv6Bytes } from '../common/egress/address-policy.js';

/**
 * The network a sign-in comes from, as the throttle counts it: an IPv4 address as it is,
 * an IPv4 address written as IPv6 (`::ffff:203.0.113.5`) as that IPv4 address, and an
 * IPv6 address as its /64 — one subscriber's network, where an attacker can pick from
 * 2^64 addresses. Anything else (Express found no address) is counted as `unknown`, one
 * key for all, so odd values cannot each open a fresh counter.
 */
export function clientNetwork(ip: string | undefined): string {
  const raw = (ip ?? '').trim().replace(/%.*$/, '');
  if (isIPv4(raw)) return raw;
  if (!isIPv6(raw)) return 'unknown';
  const b = ipv6Bytes(raw.toLowerCase());
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return b.slice(12, 16).join('.');
  const groups = [0, 2, 4, 6].map((i) => ((b[i] << 8) | b[i + 1]).toString(16));
  return `${groups.join(':')}::/64`;
}
