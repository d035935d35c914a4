import { describe, expect, it } from '@jest/globals';
import { FixedClock } from '../common/clock.js';
import { loadConfig } from '../config/app-config.js';
import { VoiceTokens } from './voice-tokens.js';

const env = {
  NODE_ENV: 'test',
  JWT_SECRET: 'x'.repeat(40),
  PGLITE_DATA_DIR: 'memory',
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'auth-token-auth-token',
  TWILIO_API_KEY_SID: `SK${'b'.repeat(32)}`,
  TWILIO_API_KEY_SECRET: 'api-secret-api-secret',
  TWILIO_TWIML_APP_SID: `AP${'c'.repeat(32)}`,
};

describe('voice tokens', () => {
  it('issues a Voice grant for the agent: the TwiML app for outgoing calls, incoming allowed, an hour long', () => {
    const clock = new FixedClock('2026-03-02T17:00:00.000Z');
    const view = new VoiceTokens(loadConfig(env), clock).issue('user-1');
    expect(view).toMatchObject({ mode: 'twilio', identity: 'agent-user-1', expiresAt: '2026-03-02T18:00:00.000Z' });
    const payload = JSON.parse(Buffer.from((view.token as string).split('.')[1], 'base64url').toString('utf8'));
    expect(payload).toMatchObject({
      iss: env.TWILIO_API_KEY_SID,
      sub: env.TWILIO_ACCOUNT_SID,
      grants: { identity: 'agent-user-1', voice: { incoming: { allow: true }, outgoing: { application_sid: env.TWILIO_TWIML_APP_SID } } },
    });
    expect(payload.exp - payload.iat).toBe(3600);
  });

  it('says what is missing when the keys for tokens are not configured, and is simulated without a carrier', () => {
    const clock = new FixedClock('2026-03-02T17:00:00.000Z');
    const { TWILIO_API_KEY_SID: _k, ...partial } = env;
    expect(() => new VoiceTokens(loadConfig(partial), clock).issue('u')).toThrow(/TWILIO_API_KEY_SID/);
    const { TWILIO_ACCOUNT_SID: _a, TWILIO_AUTH_TOKEN: _b, ...none } = env;
    expect(new VoiceTokens(loadConfig(none), clock).issue('u')).toMatchObject({ mode: 'simulated', token: null });
  });
});
