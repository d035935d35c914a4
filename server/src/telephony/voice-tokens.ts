import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
import { ErrorCode, type VoiceTokenView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { agentIdentity } from './webhooks/carrier-events.service.js';

/** Voice tokens live an hour; the softphone fetches a new one well before this. */
export const VOICE_TOKEN_TTL_SECONDS = 3600;

@Injectable()
export class VoiceTokens {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A Voice access token for the user's softphone: calls out through the TwiML app, and may receive calls. */
  issue(userId: string): VoiceTokenView {
    const identity = agentIdentity(userId);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + VOICE_TOKEN_TTL_SECONDS * 1000).toISOString();
    const t = this.config.telephony;
    if (t.mode === 'simulated') return { mode: 'simulated', identity, token: null, expiresAt };
    if (!t.accountSid || !t.apiKeySid || !t.apiKeySecret || !t.twimlAppSid) {
      throw new DomainError(ErrorCode.Unavailable, 'Voice tokens need TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID');
    }
    const { AccessToken } = twilio.jwt;
    const token = new AccessToken(t.accountSid, t.apiKeySid, t.apiKeySecret, { identity, ttl: VOICE_TOKEN_TTL_SECONDS, nbf: Math.floor(now.getTime() / 1000) - 5 });
    token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: t.twimlAppSid, incomingAllow: true }));
    return { mode: 'twilio', identity, token: token.toJwt(), expiresAt };
  }
}
