import { describe, expect, it } from '@jest/globals';
import { type AddressKind, classifyAddress, describeRefusal, ipv6Bytes, isLoopbackName } from './address-policy.js';
import { AllowList } from './allow-list.js';

/** Address → the kind it is refused as (null: public), and the IPv4 address an IPv6 form carries. */
const TABLE: Array<[string, AddressKind | null, string?]> = [
  // IPv4
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.5', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.15.255.255', null],
  ['172.32.0.1', null],
  ['192.168.1.1', 'private'],
  ['192.169.0.1', null],
  ['169.254.1.1', 'link-local'],
  ['169.254.169.254', 'cloud metadata'],
  ['169.254.170.2', 'cloud metadata'],
  ['100.100.100.200', 'cloud metadata'],
  ['192.0.0.192', 'cloud metadata'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT'],
  ['100.63.255.255', null],
  ['100.128.0.1', null],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['192.0.0.8', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['8.8.8.8', null],
  ['1.1.1.1', null],
  ['93.184.216.34', null],
  ['11.0.0.1', null],
  ['223.255.255.255', null],
  // IPv6
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'private'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['fd00:ec2::254', 'cloud metadata'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001:2::1', 'benchmarking'],
  ['2001::1', 'reserved'],
  ['100::1', 'reserved'],
  ['5f00::1', 'reserved'],
  ['4000::1', 'reserved'],
  ['64:ff9b:1::a00:5', 'private'],
  ['2606:4700:4700::1111', null],
  ['2001:4860:4860::8888', null],
  // IPv6 forms that carry an IPv4 address
  ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
  ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
  ['0:0:0:0:0:ffff:7f00:0001', 'loopback', '127.0.0.1'],
  ['::ffff:a00:5', 'private', '10.0.0.5'],
  ['::ffff:169.254.169.254', 'cloud metadata', '169.254.169.254'],
  ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0'],
  ['::ffff:8.8.8.8', null],
  ['::127.0.0.1', 'loopback', '127.0.0.1'],
  ['::7f00:1', 'loopback', '127.0.0.1'],
  ['::8.8.8.8', 'reserved', '8.8.8.8'],
  ['::ffff:0:127.0.0.1', 'loopback', '127.0.0.1'],
  ['::ffff:0:8.8.8.8', 'reserved', '8.8.8.8'],
  ['64:ff9b::7f00:1', 'loopback', '127.0.0.1'],
  ['64:ff9b::192.168.0.1', 'private', '192.168.0.1'],
  ['64:ff9b::808:808', null],
  ['2002:7f00:1::', 'loopback', '127.0.0.1'],
  ['2002:a9fe:a9fe::1', 'cloud metadata', '169.254.169.254'],
  ['2002:808:808::1', null],
];

describe('classifyAddress', () => {
  it('has a table long enough to mean something', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  // Every row with three cells: a shorter row would hand jest's `done` to the third parameter.
  it.each(TABLE.map(([address, kind, embedded]) => [address, kind, embedded ?? null] as const))('%s → %s', (address, kind, embedded) => {
    const r = classifyAddress(address);
    expect(r?.kind ?? null).toBe(kind);
    if (kind) expect(r?.embedded ?? null).toBe(embedded);
  });

  it('reads IPv6 with :: and a dotted tail', () => {
    expect(ipv6Bytes('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1]);
    expect(ipv6Bytes('2002:7f00:1::')).toEqual([0x20, 0x02, 0x7f, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Bytes('fe80::1')).toEqual([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('says what it refused in words', () => {
    expect(describeRefusal(classifyAddress('127.0.0.1')!)).toBe('127.0.0.1 is a loopback address');
    expect(describeRefusal(classifyAddress('::ffff:7f00:1')!)).toBe('::ffff:7f00:1 carries 127.0.0.1, a loopback address');
    expect(describeRefusal(classifyAddress('10.0.0.5')!, 'db.example')).toBe('db.example resolves to 10.0.0.5, a private address');
    expect(describeRefusal(classifyAddress('fd12::1')!)).toBe('fd12::1 is a unique-local address');
  });

  it('knows the names that mean this machine', () => {
    for (const n of ['localhost', 'LOCALHOST.', 'api.localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']) expect(isLoopbackName(n)).toBe(true);
    for (const n of ['localhost.example.com', 'mylocalhost', 'example.com']) expect(isLoopbackName(n)).toBe(false);
  });
});

describe('AllowList', () => {
  it('opens names, subdomains, addresses and ranges, and nothing else', () => {
    const { list, problems } = AllowList.parse(' crm.corp.example, *.lab.example ,10.20.0.0/16, 127.0.0.1, fd12::/64, 10.0.0.0/8/8 ');
    expect(problems).toEqual(['10.0.0.0/8/8']);
    expect(list.allowsName('crm.corp.example')).toBe(true);
    expect(list.allowsName('CRM.corp.example.')).toBe(true);
    expect(list.allowsName('other.corp.example')).toBe(false);
    expect(list.allowsName('db.lab.example')).toBe(true);
    expect(list.allowsName('lab.example')).toBe(false);
    expect(list.allowsName('evil-lab.example')).toBe(false);
    expect(list.allowsAddress('10.20.3.4')).toBe(true);
    expect(list.allowsAddress('10.21.0.1')).toBe(false);
    expect(list.allowsAddress('127.0.0.1')).toBe(true);
    expect(list.allowsAddress('::ffff:127.0.0.1')).toBe(true);
    expect(list.allowsAddress('127.0.0.2')).toBe(false);
    expect(list.allowsAddress('fd12::9')).toBe(true);
    expect(list.allowsAddress('fd13::9')).toBe(false);
  });

  it('reads numeric forms as the address they are, and refuses what is not a host or range', () => {
    const { list } = AllowList.parse('2130706433');
    expect(list.allowsAddress('127.0.0.1')).toBe(true);
    expect(AllowList.parse('10.0.0.0/33,::/129,host:8080,http://x.example,a b,*.10.0.0.1,user@host').problems).toEqual(['10.0.0.0/33', '::/129', 'host:8080', 'http://x.example', 'a b', '*.10.0.0.1', 'user@host']);
    expect(AllowList.parse(undefined).list.isEmpty).toBe(true);
  });
});
