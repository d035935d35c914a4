/** The scriptable IMAP server the inbound email tests poll (it ships no types). */
declare module 'hoodiecrow-imap' {
  import type { AddressInfo } from 'node:net';

  interface HoodiecrowOptions {
    plugins?: string[];
    storage?: Record<string, { messages?: Array<{ raw: string; flags?: string[]; internaldate?: string }> }>;
    users?: Record<string, { password: string }>;
  }
  interface HoodiecrowServer {
    listen(port: number, host: string, callback: () => void): void;
    close(callback?: () => void): void;
    server: { address(): AddressInfo };
  }
  export default function hoodiecrow(options?: HoodiecrowOptions): HoodiecrowServer;
}
