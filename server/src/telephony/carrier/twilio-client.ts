import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';
import type * as TwilioResponse from 'twilio/lib/http/response.js';

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * The official request client, sending every request to `base` instead of the
 * carrier's cloud: the origin is replaced and `base`'s path (if any) is put in front,
 * so `https://api.twilio.com/2010-04-01/…` goes to `http://127.0.0.1:PORT/2010-04-01/…`.
 * Authentication, form encoding and error handling stay the client's own.
 */
export class RedirectingRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, options?: BaseRequestClient.RequestClientOptions) {
    super(options);
    this.base = new URL(baseUrl);
  }

  /** Where a request for `uri` really goes. */
  target(uri: string): string {
    const original = new URL(uri);
    const prefix = this.base.pathname.replace(/\/+$/, '');
    return `${this.base.origin}${prefix}${original.pathname}${original.search}`;
  }

  override request<TData>(opts: BaseRequestClient.RequestOptions<TData>): Promise<TwilioResponse.default<TData>> {
    return super.request({ ...opts, uri: this.target(opts.uri) });
  }
}

/**
 * The official client. With `baseUrl` (the simulated carrier, or any stand-in) every
 * request goes there instead of https://api.twilio.com, in the same REST shape.
 * `accountSid` must start with "AC": the client refuses anything else.
 */
export function createTwilioClient(options: { accountSid: string; authToken: string; baseUrl?: string }): TwilioClient {
  const { accountSid, authToken, baseUrl } = options;
  return twilio(accountSid, authToken, baseUrl ? { httpClient: new RedirectingRequestClient(baseUrl) } : {});
}
