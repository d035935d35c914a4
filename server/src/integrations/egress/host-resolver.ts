import { lookup } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name resolution for the egress guard: the port, and the DI token. */
export abstract class HostResolver {
  /** Every address the name resolves to (an empty list or a thrown error: it does not resolve). */
  abstract resolve(name: string): Promise<ResolvedAddress[]>;
}

/** The system resolver (hosts file, then DNS), as `net.connect` itself would use. */
@Injectable()
export class SystemHostResolver extends HostResolver {
  async resolve(name: string): Promise<ResolvedAddress[]> {
    return (await lookup(name, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
}
