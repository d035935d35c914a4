export type ConversationChannel = 'call' | 'sms';
export type ConversationDirection = 'outbound' | 'inbound';

export interface ConversationView {
  id: string;
  leadId: string | null;
  agentId: string | null;
  channel: ConversationChannel;
  direction: ConversationDirection;
  from: string;
  to: string;
  providerSid: string | null;
  /** call: initiating → queued → initiated → ringing → in-progress → completed | busy | no-answer | failed | canceled; sms: initiating → queued → sending → sent → delivered | undelivered | failed (received for inbound) */
  status: string;
  body: string | null;
  answeredBy: string | null;
  createdAt: string;
  ringingAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  disposition: string | null;
  dispositionBy: string | null;
  dispositionAt: string | null;
  notes: string | null;
  recordingUrl: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  poolId: string | null;
  poolNumberId: string | null;
  cause: { type: string; id: string | null } | null;
}

/** How the softphone's phone works: through the carrier's Voice SDK, or the in-process simulated carrier. */
export interface VoiceTokenView {
  mode: 'twilio' | 'simulated';
  identity: string;
  /** A Voice access token (twilio mode); null when simulated. */
  token: string | null;
  expiresAt: string;
}
