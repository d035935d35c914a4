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

/** What the dial pad hears before it dials a typed number: whose number it is and the gate's answer. */
export interface ManualDialCheckView {
  /** The number as dialed (E.164). */
  number: string;
  /** The lead holding the number that the caller may work, or null: dialing then makes one. */
  lead: { id: string; name: string } | null;
  allowed: boolean;
  /** Every reason the gate gives (and, for a lead of someone else, that one), each with its message. */
  reasons: Array<{ code: string; message: string; until: string | null }>;
  notes: string[];
  nextAllowedAt: string | null;
  timezones: string[];
}

/** The agent's recent work, shown in the search box before they type. */
export interface RecentWorkView {
  /** The leads of their latest conversations, each once, latest first. */
  leads: Array<{ id: string; name: string; phone: string | null; company: string | null; at: string }>;
  /** Their latest calls. */
  calls: Array<{ conversationId: string; leadId: string | null; leadName: string | null; number: string; direction: ConversationDirection; status: string; disposition: string | null; durationSeconds: number | null; at: string }>;
}
