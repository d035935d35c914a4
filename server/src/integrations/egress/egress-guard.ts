import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { bareAddress, classifyAddress, describeRefusal, isLoopbackName } from '../../common/egress/address-policy.js';
import { AllowList } from '../../common/egress/allow-list.js';
import { AppConfig } from '../../config/app-config.js';
import { HostResolver, type ResolvedAddress } from './host-resolver.js';

/** The guard will not let a request go there; never worth another try. */
export class EgressRefused extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'EgressRefused';
  }
}

/** Appended to every refusal, so whoever reads the audit trail knows the way out. */
const WAY_OUT = 'only public addresses are reached unless EGRESS_ALLOW opens one';

/**
 * The egress guard: every request the server makes on a user's behalf (webhooks, data
 * append, CRM pushes, S3 endpoints, FTP hosts) asks it first. At save time it refuses what
 * can be seen in the text: a scheme other than http(s), credentials in the URL, an address
 * that is not public (in any numeric form WHATWG parsing knows) and names that mean this
 * machine. At send time it resolves the host, refuses it if any address is not public, and
 * hands back the addresses it checked, which the caller must connect to (so a second
 * resolution cannot swap in another address). `EGRESS_ALLOW` opens hosts and ranges.
 */
@Injectable()
export class EgressGuard {
  private readonly allow: AllowList;

  constructor(
    config: AppConfig,
    private readonly resolver: HostResolver,
  ) {
    this.allow = AllowList.parse(config.egress.allow.join(',')).list;
  }

  // ── save time ────────────────────────────────────────────────────────────────────

  /** What is wrong with a URL as saved, or null. Names are not resolved (they are checked when used). */
  urlProblem(raw: unknown): string | null {
    const shape = urlShape(raw);
    if (typeof shape === 'string') return shape;
    return this.literalProblem(bareAddress(shape.hostname));
  }

  /** The same for a bare host (an FTP server): a name or an address, nothing else. */
  hostProblem(raw: unknown): string | null {
    const host = bareHost(raw);
    if (!host) return 'must be a host name or an IP address';
    return this.literalProblem(host);
  }

  private literalProblem(host: string): string | null {
    if (this.allow.allowsName(host)) return null;
    if (isIP(host)) {
      const refusal = classifyAddress(host);
      return refusal && !this.allow.allowsAddress(host) ? `is refused: ${describeRefusal(refusal)}; ${WAY_OUT}` : null;
    }
    return isLoopbackName(host) ? `is refused: ${host} is this machine; ${WAY_OUT}` : null;
  }

  // ── send time ────────────────────────────────────────────────────────────────────

  /** The addresses to connect to for this URL; throws `EgressRefused` for a URL or an address the guard refuses. */
  async resolveUrl(target: string | URL): Promise<{ url: URL; addresses: ResolvedAddress[] }> {
    const shape = urlShape(String(target));
    if (typeof shape === 'string') throw new EgressRefused(String(target), `the URL ${shape}`);
    return { url: shape, addresses: await this.resolveHost(bareAddress(shape.hostname)) };
  }

  /** The checked addresses of a host (a name or a literal address); throws `EgressRefused`. */
  async resolveHost(raw: string): Promise<ResolvedAddress[]> {
    const host = bareHost(raw);
    if (!host) throw new EgressRefused(raw, `"${raw}" is not a host name or an IP address`);
    const literal = isIP(host);
    const addresses: ResolvedAddress[] = literal ? [{ address: host, family: literal === 6 ? 6 : 4 }] : await this.resolver.resolve(host);
    if (!addresses.length) throw new Error(`${host} does not resolve to any address`);
    if (this.allow.allowsName(host)) return addresses;
    if (!literal && isLoopbackName(host) && !addresses.every((a) => this.allow.allowsAddress(a.address))) throw new EgressRefused(host, `${host} is this machine; ${WAY_OUT}`);
    for (const a of addresses) {
      const refusal = classifyAddress(a.address);
      if (refusal && !this.allow.allowsAddress(a.address)) throw new EgressRefused(host, `${describeRefusal(refusal, literal ? undefined : host)}; ${WAY_OUT}`);
    }
    return addresses;
  }

  /**
   * A `lookup` for clients that open their own connections (the S3 SDK's agents): every
   * connection resolves through the guard, so what it connects to is what was checked.
   */
  readonly lookup: LookupFunction = (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    this.resolveHost(hostname).then(
      (addresses) => pinnedLookup(addresses)(hostname, options, callback),
      (e: Error) => callback(Object.assign(e, { code: e instanceof EgressRefused ? 'EGRESS_REFUSED' : 'ENOTFOUND' }), ''),
    );
  };
}

/**
 * A `lookup` that answers with these addresses and nothing else: given to `http.request`
 * and `net.connect`, the connection goes where the guard looked, whatever DNS says now.
 */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    if (!wanted.length) return callback(Object.assign(new Error(`no IPv${String(options.family)} address among the checked ones`), { code: 'ENOTFOUND' }), '');
    if (options.all) return callback(null, wanted.map((a) => ({ address: a.address, family: a.family })));
    callback(null, wanted[0].address, wanted[0].family);
  };
}

/** The parsed URL, or what is wrong with it: http(s) only, a host, no credentials. */
function urlShape(raw: unknown): URL | string {
  if (typeof raw !== 'string' || !/^https?:\/\/[^\s/?#]+/i.test(raw.trim()) || !URL.canParse(raw.trim())) return 'must be an http(s) URL';
  const url = new URL(raw.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry a user name or password (use the integration\u2019s secrets)';
  if (!url.hostname) return 'must be an http(s) URL';
  return url;
}

/** A bare host as WHATWG parsing would carry it (numeric IPv4 forms normalised), or null when it is not one. */
function bareHost(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (!text || text.length > 253 || /[/?#@\s\\]/.test(text)) return null;
  const bare = bareAddress(text);
  try {
    const u = new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : text}/`);
    if (u.port || u.username || u.password) return null;
    return bareAddress(u.hostname);
  } catch {
    return null;
  }
}
