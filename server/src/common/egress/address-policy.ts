import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';

/**
 * Which addresses the server refuses to send to on a user's behalf: everything that is not
 * a public unicast address. A webhook, a CRM base URL or an S3 endpoint pointed at one of
 * these would let anyone who may edit a schedule read the server's own network or a cloud
 * metadata service. Pure: no resolution happens here (see `EgressGuard`).
 */

export type AddressKind =
  | 'cloud metadata'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

/** Why an address is refused. */
export interface AddressRefusal {
  /** The address as given (IPv6 without brackets or zone). */
  address: string;
  kind: AddressKind;
  /** For an IPv6 form that carries an IPv4 address (mapped, compatible, NAT64, 6to4): that address. */
  embedded?: string;
}

/** Ranges by kind, most specific first: a metadata address is named as such, not as link-local. */
const RANGES: Array<[AddressKind, string[]]> = [
  ['cloud metadata', ['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32', '192.0.0.192/32', 'fd00:ec2::254/128']],
  ['broadcast', ['255.255.255.255/32']],
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fec0::/10', '64:ff9b:1::/48']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['carrier-grade NAT', ['100.64.0.0/10']],
  ['unique-local', ['fc00::/7']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20']],
  ['benchmarking', ['198.18.0.0/15', '2001:2::/48']],
  // IETF protocol assignments, the old 6to4 relay, class E; IPv6 discard, Teredo, ORCHID, SRv6.
  ['reserved', ['192.0.0.0/24', '192.88.99.0/24', '240.0.0.0/4', '100::/64', '2001::/32', '2001:10::/28', '2001:20::/28', '5f00::/16']],
];

/** One BlockList per kind and family (the IPv6 lists are never asked about mapped forms: those are unpacked first). */
const LISTS: Array<{ kind: AddressKind; v4: BlockList; v6: BlockList }> = RANGES.map(([kind, cidrs]) => {
  const v4 = new BlockList();
  const v6 = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/');
    if (isIPv4(net)) v4.addSubnet(net, Number(bits), 'ipv4');
    else v6.addSubnet(net, Number(bits), 'ipv6');
  }
  return { kind, v4, v6 };
});

/** Only 2000::/3 is global unicast; the rest of the IPv6 space is not for us to reach. */
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/** Strips brackets and an IPv6 zone (`fe80::1%eth0`). */
export function bareAddress(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

/** The refusal for an IP address, or null when it is public. Not an address at all: null (ask `isIP` first). */
export function classifyAddress(input: string): AddressRefusal | null {
  const address = bareAddress(input);
  if (isIPv4(address)) return classifyV4(address);
  if (isIPv6(address)) return classifyV6(address);
  return null;
}

function classifyV4(address: string): AddressRefusal | null {
  for (const l of LISTS) if (l.v4.check(address, 'ipv4')) return { address, kind: l.kind };
  return null;
}

function classifyV6(address: string): AddressRefusal | null {
  const bytes = ipv6Bytes(address);
  for (const l of LISTS) if (l.kind === 'unspecified' || l.kind === 'loopback') if (l.v6.check(address, 'ipv6')) return { address, kind: l.kind };
  const carried = embeddedV4(bytes);
  if (carried) {
    const inner = classifyV4(carried.v4);
    if (inner) return { address, kind: inner.kind, embedded: carried.v4 };
    // IPv4-compatible and -translated forms are deprecated or host-internal: nothing public is reached that way.
    if (carried.deprecated) return { address, kind: 'reserved', embedded: carried.v4 };
    return null;
  }
  for (const l of LISTS) if (l.v6.check(address, 'ipv6')) return { address, kind: l.kind };
  if (!GLOBAL_UNICAST.check(address, 'ipv6')) return { address, kind: 'reserved' };
  return null;
}

/** The IPv4 address an IPv6 form carries: mapped, translated, compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
function embeddedV4(b: number[]): { v4: string; deprecated: boolean } | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const tail = () => b.slice(12, 16).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return { v4: tail(), deprecated: false };
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return { v4: tail(), deprecated: true };
  if (zero(0, 12)) return { v4: tail(), deprecated: true };
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return { v4: tail(), deprecated: false };
  if (b[0] === 0x20 && b[1] === 0x02) return { v4: b.slice(2, 6).join('.'), deprecated: false };
  return null;
}

/** The sixteen bytes of a valid IPv6 address (with `::` and a dotted IPv4 tail). */
export function ipv6Bytes(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/**
 * In words, for a refusal message: "127.0.0.1 is a loopback address", "::ffff:7f00:1
 * carries 127.0.0.1, a loopback address", "db.example resolves to 10.0.0.5, a private address".
 */
export function describeRefusal(r: AddressRefusal, name?: string): string {
  const kind = `${r.kind === 'unspecified' ? 'an' : 'a'} ${r.kind} address`;
  const carried = r.embedded ? ` (carrying ${r.embedded})` : '';
  if (name) return `${name} resolves to ${r.address}${carried}, ${kind}`;
  return r.embedded ? `${r.address} carries ${r.embedded}, ${kind}` : `${r.address} is ${kind}`;
}

/** Names that mean this machine whatever DNS says (RFC 6761 and the usual hosts-file names). */
export function isLoopbackName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost') || n === 'localhost.localdomain' || n === 'ip6-localhost' || n === 'ip6-loopback';
}

/** A URL's host as WHATWG parsing left it: an address (numeric IPv4 forms already normalised) or a name. */
export function hostOf(url: URL): { host: string; address: string | null } {
  const host = bareAddress(url.hostname);
  return { host, address: isIP(host) ? host : null };
}
