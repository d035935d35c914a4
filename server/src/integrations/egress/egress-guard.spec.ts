import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../config/app-config.js';
import { EgressGuard, EgressRefused } from './egress-guard.js';
import { HostResolver, type ResolvedAddress } from './host-resolver.js';

/** A hosts file: names answer from the table, anything else does not resolve. */
class TableResolver extends HostResolver {
  readonly asked: string[] = [];
  constructor(private readonly table: Record<string, string[]>) {
    super();
  }
  async resolve(name: string): Promise<ResolvedAddress[]> {
    this.asked.push(name);
    const found = this.table[name];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
}

const HOSTS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'metadata.google.internal': ['169.254.169.254'],
  'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
  'v6.example.com': ['2606:4700:4700::1111'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'rebound.example.com': ['192.168.1.20'],
  'crm.corp.example': ['10.0.0.5'],
  'db.lab.example': ['192.168.7.7'],
  'inside-range.example.com': ['10.20.9.9'],
  localhost: ['127.0.0.1', '::1'],
};

const guardWith = (allow?: string, hosts = HOSTS) => {
  const resolver = new TableResolver(hosts);
  const config = loadConfig({ NODE_ENV: 'test', PGLITE_DATA_DIR: 'memory', ...(allow ? { EGRESS_ALLOW: allow } : {}) });
  return { guard: new EgressGuard(config, resolver), resolver };
};

/** URL as typed → refused when saved (the kind named in the message), or null when it may be saved. */
const URLS: Array<[string, string | null]> = [
  ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
  ['http://127.0.0.1:3000/api/users', 'loopback'],
  ['http://[::1]/', 'loopback'],
  ['http://10.0.0.5/', 'private'],
  ['http://0.0.0.0:22/', 'unspecified'],
  ['http://2130706433/', 'loopback'],
  ['http://0x7f000001/', 'loopback'],
  ['http://017700000001/', 'loopback'],
  ['http://0177.0.0.1/', 'loopback'],
  ['http://0x7f.1/', 'loopback'],
  ['http://127.1/', 'loopback'],
  ['http://0/', 'unspecified'],
  ['http://127.0.0.1./', 'loopback'],
  ['http://%31%32%37.0.0.1/', 'loopback'],
  ['http://0xa9.0xfe.0xa9.0xfe/', 'cloud metadata'],
  ['http://[::ffff:127.0.0.1]/', 'loopback'],
  ['http://[::ffff:7f00:1]/', 'loopback'],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]:8080/', 'loopback'],
  ['http://[::]/', 'unspecified'],
  ['http://[fd00:ec2::254]/latest', 'cloud metadata'],
  ['http://100.100.100.200/latest/meta-data/', 'cloud metadata'],
  ['https://172.20.1.1/', 'private'],
  ['https://192.168.0.1/admin', 'private'],
  ['http://100.64.1.1/', 'carrier-grade NAT'],
  ['http://[fe80::1]/', 'link-local'],
  ['http://[fd12:3456::1]/', 'unique-local'],
  ['http://224.0.0.251/', 'multicast'],
  ['http://255.255.255.255/', 'broadcast'],
  ['http://localhost/', 'this machine'],
  ['http://LOCALHOST.:3000/', 'this machine'],
  ['http://api.localhost/', 'this machine'],
  ['https://user:secret@hooks.example.com/', 'user name or password'],
  ['https://token@hooks.example.com/', 'user name or password'],
  ['ftp://hooks.example.com/', 'http(s) URL'],
  ['file:///etc/passwd', 'http(s) URL'],
  ['gopher://127.0.0.1:25/', 'http(s) URL'],
  ['javascript:alert(1)', 'http(s) URL'],
  ['http:///nohost', 'http(s) URL'],
  ['https://hooks.example.com/x?y=1', null],
  ['http://8.8.8.8/', null],
  ['http://[2606:4700:4700::1111]/', null],
  ['http://[::ffff:8.8.8.8]/', null],
  // A name is checked when it is used, by what it resolves to.
  ['http://metadata.google.internal/computeMetadata/v1/', null],
  ['http://rebound.example.com/', null],
];

describe('EgressGuard at save time', () => {
  const { guard, resolver } = guardWith();

  it.each(URLS)('%s → %s', (url, refused) => {
    const problem = guard.urlProblem(url);
    if (refused === null) expect(problem).toBeNull();
    else expect(problem).toContain(refused);
  });

  it('resolves nothing when a URL is saved', () => {
    expect(resolver.asked).toEqual([]);
  });

  it('checks a bare host the same way (an FTP server)', () => {
    expect(guard.hostProblem('2130706433')).toContain('127.0.0.1 is a loopback address');
    expect(guard.hostProblem('[::ffff:10.0.0.5]')).toContain('private');
    expect(guard.hostProblem('::1')).toContain('loopback');
    expect(guard.hostProblem('localhost')).toContain('this machine');
    expect(guard.hostProblem('ftp.example.com')).toBeNull();
    expect(guard.hostProblem('93.184.216.34')).toBeNull();
    for (const bad of ['ftp://ftp.example.com', 'ftp.example.com:21', 'user@ftp.example.com', 'a b', '', 42]) expect(guard.hostProblem(bad)).toBe('must be a host name or an IP address');
  });

  it('lets through what EGRESS_ALLOW opens, by name, by address or by range', () => {
    const { guard: open } = guardWith('localhost,127.0.0.1,10.20.0.0/16,*.lab.example');
    expect(open.urlProblem('http://localhost:3000/')).toBeNull();
    expect(open.urlProblem('http://127.0.0.1:3000/')).toBeNull();
    expect(open.urlProblem('http://2130706433/')).toBeNull();
    expect(open.urlProblem('http://10.20.3.4/')).toBeNull();
    expect(open.urlProblem('http://10.21.3.4/')).toContain('private');
    expect(open.urlProblem('http://127.0.0.2/')).toContain('loopback');
    expect(open.urlProblem('http://[::1]/')).toContain('loopback');
  });
});

describe('EgressGuard at send time', () => {
  it('refuses a name when any address it resolves to is refused, naming the name and the address', async () => {
    const { guard } = guardWith();
    await expect(guard.resolveHost('metadata.google.internal')).rejects.toThrow('metadata.google.internal resolves to 169.254.169.254, a cloud metadata address');
    await expect(guard.resolveHost('mixed.example.com')).rejects.toThrow('mixed.example.com resolves to 10.0.0.5, a private address');
    await expect(guard.resolveHost('mapped.example.com')).rejects.toThrow('resolves to ::ffff:127.0.0.1 (carrying 127.0.0.1), a loopback address');
    await expect(guard.resolveHost('localhost')).rejects.toBeInstanceOf(EgressRefused);
    await expect(guard.resolveUrl('http://0x7f.1:8080/')).rejects.toThrow('127.0.0.1 is a loopback address');
    await expect(guard.resolveUrl('https://u:p@hooks.example.com/')).rejects.toThrow('user name or password');
  });

  it('hands back the addresses it checked, for the caller to connect to', async () => {
    const { guard } = guardWith();
    await expect(guard.resolveHost('hooks.example.com')).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);
    await expect(guard.resolveHost('v6.example.com')).resolves.toEqual([{ address: '2606:4700:4700::1111', family: 6 }]);
    await expect(guard.resolveUrl('http://[2606:4700:4700::1111]/')).resolves.toMatchObject({ addresses: [{ address: '2606:4700:4700::1111', family: 6 }] });
  });

  it('a name that does not resolve is an ordinary failure (worth another try), not a refusal', async () => {
    const { guard } = guardWith();
    const e = await guard.resolveHost('nowhere.example.com').catch((x: Error) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(EgressRefused);
  });

  it('EGRESS_ALLOW: a named host whatever it resolves to; an address or range for any name inside it; every address must pass', async () => {
    const { guard } = guardWith('crm.corp.example,*.lab.example,10.20.0.0/16,127.0.0.1');
    await expect(guard.resolveHost('crm.corp.example')).resolves.toEqual([{ address: '10.0.0.5', family: 4 }]);
    await expect(guard.resolveHost('db.lab.example')).resolves.toEqual([{ address: '192.168.7.7', family: 4 }]);
    await expect(guard.resolveHost('inside-range.example.com')).resolves.toEqual([{ address: '10.20.9.9', family: 4 }]);
    // localhost also resolves to ::1, which the list does not open.
    await expect(guard.resolveHost('localhost')).rejects.toThrow('localhost is this machine');
    await expect(guard.resolveHost('rebound.example.com')).rejects.toThrow('192.168.1.20, a private address');
  });

  it('the lookup it lends to other clients refuses the same way and answers with the checked addresses', async () => {
    const { guard } = guardWith();
    const ask = (host: string, all: boolean) =>
      new Promise<unknown>((resolve, reject) => guard.lookup(host, { all }, (err, address, family) => (err ? reject(err) : resolve(all ? address : { address, family }))));
    await expect(ask('hooks.example.com', false)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(ask('hooks.example.com', true)).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);
    await expect(ask('metadata.google.internal', true)).rejects.toMatchObject({ code: 'EGRESS_REFUSED' });
  });
});

describe('EGRESS_ALLOW in the configuration', () => {
  it('is read into entries, and an entry that is not a host, an address or a CIDR is named', () => {
    expect(loadConfig({ NODE_ENV: 'test', PGLITE_DATA_DIR: 'memory', EGRESS_ALLOW: ' crm.corp.example , 10.0.0.0/8 ' }).egress.allow).toEqual(['crm.corp.example', '10.0.0.0/8']);
    expect(loadConfig({ NODE_ENV: 'test', PGLITE_DATA_DIR: 'memory' }).egress.allow).toEqual([]);
    const bad = (() => {
      try {
        loadConfig({ NODE_ENV: 'test', PGLITE_DATA_DIR: 'memory', EGRESS_ALLOW: 'ok.example,10.0.0.0/40,http://x' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).problems).toEqual([expect.stringMatching(/^EGRESS_ALLOW: .*cannot read "10\.0\.0\.0\/40", "http:\/\/x"/)]);
  });
});
