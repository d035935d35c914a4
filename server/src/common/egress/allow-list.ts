import { BlockList, isIP, isIPv4 } from 'node:net';
import { bareAddress } from './address-policy.js';

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const NAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);

/**
 * What the operator opens past the egress guard (`EGRESS_ALLOW`, comma-separated): host
 * names (`crm.corp.example`), subdomains (`*.corp.example`), addresses and CIDRs
 * (`10.20.0.0/16`, `fd12::/64`). A named host is reached whatever it resolves to (an
 * on-premises CRM on a private address); an address or range opens that address for any
 * name that resolves into it and for URLs that give it literally.
 */
export class AllowList {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly ranges = new BlockList();
  private size = 0;

  private constructor() {}

  /** The list, or the entries that could not be read (for the config error). */
  static parse(text: string | undefined): { list: AllowList; problems: string[] } {
    const list = new AllowList();
    const problems: string[] = [];
    for (const raw of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!list.add(raw)) problems.push(raw);
    }
    return { list, problems };
  }

  static empty(): AllowList {
    return new AllowList();
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Whether this host name (as WHATWG parsing left it) is opened by name. */
  allowsName(host: string): boolean {
    const name = host.toLowerCase().replace(/\.$/, '');
    if (this.names.has(name)) return true;
    return this.suffixes.some((s) => name.endsWith(`.${s}`));
  }

  /** Whether this address is inside an opened address or range. */
  allowsAddress(address: string): boolean {
    const a = bareAddress(address);
    const family = isIP(a);
    if (!family) return false;
    return this.ranges.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }

  private add(entry: string): boolean {
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const address = bareAddress(cidr[1]);
      const family = isIP(address);
      const bits = Number(cidr[2]);
      if (!family || bits > (family === 4 ? 32 : 128)) return false;
      this.ranges.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
      this.size++;
      return true;
    }
    const wildcard = entry.startsWith('*.');
    const host = normalisedHost(wildcard ? entry.slice(2) : entry);
    if (!host) return false;
    if (isIP(host)) {
      if (wildcard) return false;
      this.ranges.addAddress(host, isIPv4(host) ? 'ipv4' : 'ipv6');
    } else if (wildcard) this.suffixes.push(host);
    else this.names.add(host);
    this.size++;
    return true;
  }
}

/** A host as a URL would carry it (lower case, punycode, numeric IPv4 forms normalised), or null. */
function normalisedHost(text: string): string | null {
  const bracketed = isIP(text) === 6 ? `[${text}]` : text;
  if (/[/?#@\s\\]/.test(text)) return null;
  try {
    const u = new URL(`http://${bracketed}/`);
    if (u.port || u.username || u.password) return null;
    const host = bareAddress(u.hostname).replace(/\.$/, '');
    return isIP(host) || NAME.test(host) ? host : null;
  } catch {
    return null;
  }
}
