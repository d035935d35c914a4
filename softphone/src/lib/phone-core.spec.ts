import { describe, expect, it } from '@jest/globals';
import type { VoiceTokenView } from '#shared';
import { type CallLike, type DeviceLike, type PhoneSnapshot, PhoneCore, TOKEN_LEAD_MS } from './phone-core.js';

type Handler = (...args: unknown[]) => void;

class Emitter {
  readonly handlers = new Map<string, Handler[]>();
  on(event: string, fn: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  fire(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
}

class FakeCall extends Emitter implements CallLike {
  accepted = false;
  rejected = false;
  disconnected = false;
  muted = false;
  digits = '';
  constructor(readonly parameters: Record<string, string>) {
    super();
  }
  accept(): void {
    this.accepted = true;
  }
  reject(): void {
    this.rejected = true;
    this.fire('reject');
  }
  disconnect(): void {
    this.disconnected = true;
    this.fire('disconnect');
  }
  mute(m = true): void {
    this.muted = m;
  }
  sendDigits(d: string): void {
    this.digits += d;
  }
}

class FakeDevice extends Emitter implements DeviceLike {
  tokens: string[] = [];
  registered = 0;
  destroyed = false;
  connected: Array<Record<string, string>> = [];
  input: string | null = null;
  output: string | null = null;
  readonly audio = {
    availableInputDevices: new Map([['mic1', { deviceId: 'mic1', label: 'Headset mic' }]]),
    availableOutputDevices: new Map([['spk1', { deviceId: 'spk1', label: 'Headset' }]]),
    setInputDevice: async (id: string) => void (this.input = id),
    speakerDevices: { set: async (id: string | string[]) => void (this.output = String(id)) },
  };
  constructor(token: string) {
    super();
    this.tokens.push(token);
  }
  async register(): Promise<void> {
    this.registered++;
  }
  updateToken(t: string): void {
    this.tokens.push(t);
  }
  async connect(o: { params: Record<string, string> }): Promise<CallLike> {
    this.connected.push(o.params);
    return new FakeCall({});
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(tokens: Array<VoiceTokenView | Error>, autoAnswer = false) {
  let now = Date.parse('2026-03-02T17:00:00.000Z');
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let seq = 0;
  let device: FakeDevice | null = null;
  const snapshots: PhoneSnapshot[] = [];
  const queue = [...tokens];
  const core = new PhoneCore({
    fetchToken: async () => {
      const next = queue.length > 1 ? queue.shift()! : queue[0];
      if (next instanceof Error) throw next;
      return next;
    },
    createDevice: (t) => (device = new FakeDevice(t)),
    timers: {
      setTimeout: (fn, ms) => {
        const id = ++seq;
        timers.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (h) => {
        const i = timers.findIndex((t) => t.id === h);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    now: () => now,
    autoAnswer: () => autoAnswer,
    onChange: (s) => snapshots.push(s),
  });
  const advance = async (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
    await new Promise((r) => setTimeout(r, 0));
  };
  return { core, device: () => device as FakeDevice, last: () => snapshots[snapshots.length - 1], advance, timers };
}

const twilioToken = (token: string, expiresAt = '2026-03-02T18:00:00.000Z'): VoiceTokenView => ({ mode: 'twilio', identity: 'agent-u1', token, expiresAt });

describe('PhoneCore', () => {
  it('with the simulated carrier there is no Device: the phone says simulated', async () => {
    const { core, last, device } = setup([{ mode: 'simulated', identity: 'agent-u1', token: null, expiresAt: '2026-03-02T18:00:00.000Z' }]);
    await core.start();
    expect(last()).toMatchObject({ mode: 'simulated', registration: 'registered' });
    expect(core.health('granted')).toEqual({ phone: 'simulated', microphone: 'granted' });
    expect(device()).toBeNull();
  });

  it('registers a Device with the token and renews the token a minute before it expires', async () => {
    const { core, last, device, advance } = setup([twilioToken('t1'), twilioToken('t2', '2026-03-02T19:00:00.000Z')]);
    await core.start();
    expect(device().tokens).toEqual(['t1']);
    expect(device().registered).toBe(1);
    expect(last().registration).toBe('registering');
    expect(core.health('prompt')).toEqual({ phone: 'unregistered', microphone: 'prompt' });
    device().fire('registered');
    expect(core.health('granted')).toEqual({ phone: 'registered', microphone: 'granted' });
    expect(last().inputs).toEqual([{ id: 'mic1', label: 'Headset mic' }]);
    await advance(3600_000 - TOKEN_LEAD_MS - 1000);
    expect(device().tokens).toEqual(['t1']);
    await advance(1000);
    expect(device().tokens).toEqual(['t1', 't2']);
    // The Device asking early (tokenWillExpire) renews too.
    device().fire('tokenWillExpire');
    await advance(0);
    expect(device().tokens).toEqual(['t1', 't2', 't2']);
  });

  it('a Device error turns the phone red with the reason; a failed token fetch too', async () => {
    const a = setup([twilioToken('t1')]);
    await a.core.start();
    a.device().fire('error', { code: 31005, message: 'Connection error' });
    expect(a.last()).toMatchObject({ registration: 'error', problem: 'phone error 31005: Connection error' });
    expect(a.core.health('granted').phone).toBe('error');
    const b = setup([new Error('Request failed (503)')]);
    await b.core.start();
    expect(b.last()).toMatchObject({ registration: 'error', problem: 'cannot get a phone token: Request failed (503)' });
  });

  it('an incoming call rings until accepted (or at once when the dialer bridges a lead); mute, keys and quality warnings', async () => {
    const { core, last, device } = setup([twilioToken('t1')]);
    await core.start();
    device().fire('registered');
    const call = new FakeCall({ From: '+12125550142', CallSid: 'CA1' });
    device().fire('incoming', call);
    expect(last().call).toMatchObject({ direction: 'incoming', party: '+12125550142', status: 'ringing' });
    core.accept();
    expect(call.accepted).toBe(true);
    call.fire('accept');
    expect(last().call?.status).toBe('open');
    core.mute(true);
    expect(call.muted).toBe(true);
    expect(last().call?.muted).toBe(true);
    core.sendDigits('1#');
    expect(call.digits).toBe('1#');
    expect(() => core.sendDigits('x')).toThrow('Keys are 0-9, * and #');
    call.fire('warning', 'high-packet-loss');
    call.fire('warning', 'high-rtt');
    expect(last().call?.warnings).toEqual(['packet loss', 'high latency']);
    call.fire('warning-cleared', 'high-packet-loss');
    expect(last().call?.warnings).toEqual(['high latency']);
    // A second call while one is on: refused.
    const second = new FakeCall({ From: '+13055550100' });
    device().fire('incoming', second);
    expect(second.rejected).toBe(true);
    core.hangUp();
    expect(call.disconnected).toBe(true);
    expect(last().call).toBeNull();

    const auto = setup([twilioToken('t1')], true);
    await auto.core.start();
    auto.device().fire('registered');
    const bridged = new FakeCall({ From: 'client:bridge' });
    auto.device().fire('incoming', bridged);
    expect(bridged.accepted).toBe(true);
    expect(auto.last().call?.status).toBe('connecting');
  });

  it('places an outgoing call with the lead, picks input and output devices, and destroys the Device on stop', async () => {
    const { core, last, device } = setup([twilioToken('t1')]);
    await core.start();
    await expect(core.dial('+12125550142')).rejects.toThrow('The phone is not registered');
    device().fire('registered');
    await core.dial('+12125550142', 'lead-1');
    expect(device().connected).toEqual([{ To: '+12125550142', LeadId: 'lead-1' }]);
    expect(last().call).toMatchObject({ direction: 'outgoing', status: 'connecting' });
    await core.setInput('mic1');
    await core.setOutput('spk1');
    expect([device().input, device().output]).toEqual(['mic1', 'spk1']);
    core.stop();
    expect(device().destroyed).toBe(true);
  });
});
