import twilio from 'twilio';
import { CONFERENCE_EVENTS } from './gateway/carrier-gateway.js';
import { agentIdentity } from './identity.js';

/**
 * What a call does next, in the carrier's markup, for the workflows that answer the
 * carrier's questions about their calls (the dialer's bridge, for one): they say what should
 * happen — connect to an agent, join the call's conference room, play a message, wait,
 * hang up — and never build the carrier's markup themselves.
 */
export class CallScript {
  private readonly response = new twilio.twiml.VoiceResponse();

  /** Plays a recording (a URL) or reads a message aloud. */
  speak(message: string): this {
    if (/^https?:\/\//.test(message)) this.response.play(message);
    else this.response.say(message);
    return this;
  }

  /** Reads a message aloud. */
  say(text: string): this {
    this.response.say(text);
    return this;
  }

  /** Rings the agent's softphone and bridges the call when they answer (the caller hears the ring until then). */
  connectToAgent(agentId: string, ringSeconds = 15): this {
    this.response.dial({ timeout: ringSeconds, answerOnBridge: true }).client(agentIdentity(agentId));
    return this;
  }

  /**
   * Puts the call in the conference room `room` (one room per conversation, which agents,
   * supervisors and transfers join). No tones; the room's events go to `statusCallback`.
   * `waitUrl`: what the caller hears before the room starts (the carrier's music when absent).
   */
  joinConference(room: string, o: { startConferenceOnEnter: boolean; endConferenceOnExit: boolean; statusCallback: string; label?: string; waitUrl?: string; muted?: boolean; action?: string }): this {
    const dial = this.response.dial(o.action ? { action: o.action, method: 'POST' } : {});
    dial.conference(
      {
        beep: 'false',
        startConferenceOnEnter: o.startConferenceOnEnter,
        endConferenceOnExit: o.endConferenceOnExit,
        statusCallback: o.statusCallback,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: [...CONFERENCE_EVENTS],
        ...(o.label ? { participantLabel: o.label } : {}),
        ...(o.waitUrl ? { waitUrl: o.waitUrl, waitMethod: 'POST' } : {}),
        ...(o.muted ? { muted: true } : {}),
      },
      room,
    );
    return this;
  }

  /** Waits `seconds`, then asks `url` what to do next. */
  waitThenAsk(seconds: number, url: string): this {
    this.response.pause({ length: seconds });
    this.response.redirect({ method: 'POST' }, url);
    return this;
  }

  hangUp(): this {
    this.response.hangup();
    return this;
  }

  toString(): string {
    return this.response.toString();
  }
}
