import twilio from 'twilio';

type RequestClient = InstanceType<typeof twilio.RequestClient>;

/** A request client that sends every request to `base` instead of the carrier's cloud. */
function redirectingClient(base: URL): RequestClient {
  const client = new twilio.RequestClient();
  const send = client.request.bind(client);
  client.request = ((opts: Parameters<RequestClient['request']>[0]) => {
    const target = new URL(opts.uri);
    target.protocol = base.protocol;
    target.host = base.host;
    return send({ ...opts, uri: target.toString() });
  }) as RequestClient['request'];
  return client;
}

/** The official client; with `baseUrl` (the simulated carrier) it speaks the same REST shape to that server. */
export function createTwilioClient(options: { accountSid: string; authToken: string; baseUrl?: string }): ReturnType<typeof twilio> {
  return twilio(options.accountSid, options.authToken, options.baseUrl ? { httpClient: redirectingClient(new URL(options.baseUrl)) } : {});
}
