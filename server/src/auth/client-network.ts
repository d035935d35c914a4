import { isIPv4, isIPv6 } from 'node:net';

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
  const groups = expandIPv6(raw);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` and a dotted IPv4 tail expanded). */
function expandIPv6(address: string): number[] {
  let text = address.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right].map((g) => parseInt(g, 16));
}
