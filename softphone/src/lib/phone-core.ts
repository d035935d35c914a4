import type { SoftphoneHealth, VoiceTokenView } from '#shared';

/**
 * The agent's phone as plain TypeScript (jest runs it against a fake Device; the
 * `phone.svelte.ts` wrapper builds the carrier's Voice SDK Device). With Twilio on the
 * server it registers a Device with a Voice access token fetched from the server and
 * fetched again before it expires; it takes incoming calls (the dialer bridging a lead
 * to the agent arrives as one), places outgoing ones, mutes, sends keys and reports the
 * carrier's call-quality warnings. With the simulated carrier there is no Device: calls
 * play out at the simulated carrier and the phone only says so.
 */

/** The SDK's listeners take different arguments per event; each listener below names its own. */
type Handler = (...args: any[]) => void;

/** The slice of the Voice SDK's Call this class uses. */
export interface CallLike {
  readonly parameters: Record<string, string>;
  on(event: 'accept' | 'disconnect' | 'cancel' | 'reject' | 'error' | 'warning' | 'warning-cleared', fn: Handler): unknown;
  accept(): void;
  reject(): void;
  disconnect(): void;
  mute(muted?: boolean): void;
  sendDigits(digits: string): void;
}

/** The slice of the Voice SDK's Device this class uses. */
export interface DeviceLike {
  on(event: 'registered' | 'unregistered' | 'registering' | 'error' | 'incoming' | 'tokenWillExpire', fn: Handler): unknown;
  register(): Promise<void>;
  updateToken(token: string): void;
  connect(options: { params: Record<string, string> }): Promise<CallLike>;
  destroy(): void;
  readonly audio: {
    availableInputDevices: Map<string, { deviceId: string; label: string }>;
    availableOutputDevices: Map<string, { deviceId: string; label: string }>;
    setInputDevice(id: string): Promise<void>;
    speakerDevices: { set(ids: string | string[]): Promise<void> };
  } | null;
}

export interface PhoneTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PhoneCallState {
  direction: 'incoming' | 'outgoing';
  /** The other party (the lead's number, or the server's bridge). */
  party: string;
  status: 'ringing' | 'connecting' | 'open' | 'closed';
  muted: boolean;
  /** Call-quality warnings the carrier reports now (high latency, packet loss, low audio…). */
  warnings: string[];
}

export interface PhoneSnapshot {
  readonly mode: 'unknown' | 'simulated' | 'twilio';
  readonly registration: 'unregistered' | 'registering' | 'registered' | 'error';
  readonly problem: string | null;
  readonly call: PhoneCallState | null;
  readonly inputs: ReadonlyArray<{ id: string; label: string }>;
  readonly outputs: ReadonlyArray<{ id: string; label: string }>;
}

export interface PhoneDeps {
  fetchToken: () => Promise<VoiceTokenView>;
  createDevice: (token: string) => DeviceLike;
  timers: PhoneTimers;
  now: () => number;
  /** Whether a call offered now should be answered at once (the dialer bridging a lead the agent waits for). */
  autoAnswer: () => boolean;
  onChange?: (s: PhoneSnapshot) => void;
}

/** Fetch a new token this long before the current one expires. */
export const TOKEN_LEAD_MS = 60_000;

const WARNING_LABEL: Record<string, string> = {
  'high-rtt': 'high latency',
  'high-jitter': 'jitter',
  'high-packet-loss': 'packet loss',
  'low-mos': 'poor call quality',
  'constant-audio-input-level': 'your microphone sends no sound',
  'constant-audio-output-level': 'no sound from the other side',
  'low-bytes-received': 'no audio received',
  'low-bytes-sent': 'no audio sent',
};

export class PhoneCore {
  private mode: PhoneSnapshot['mode'] = 'unknown';
  private registration: PhoneSnapshot['registration'] = 'unregistered';
  private problem: string | null = null;
  private device: DeviceLike | null = null;
  private call: CallLike | null = null;
  private callState: PhoneCallState | null = null;
  private refreshTimer: unknown = null;

  constructor(private readonly deps: PhoneDeps) {}

  snapshot(): PhoneSnapshot {
    const audio = this.device?.audio;
    const list = (m: Map<string, { deviceId: string; label: string }> | undefined) => [...(m?.values() ?? [])].map((d) => ({ id: d.deviceId, label: d.label || d.deviceId }));
    return { mode: this.mode, registration: this.registration, problem: this.problem, call: this.callState ? { ...this.callState, warnings: [...this.callState.warnings] } : null, inputs: list(audio?.availableInputDevices), outputs: list(audio?.availableOutputDevices) };
  }

  /** What the heartbeat reports of the phone. */
  health(microphone: SoftphoneHealth['microphone']): SoftphoneHealth {
    if (this.mode === 'simulated') return { phone: 'simulated', microphone };
    return { phone: this.registration === 'registered' ? 'registered' : this.registration === 'error' ? 'error' : 'unregistered', microphone };
  }

  async start(): Promise<void> {
    let token: VoiceTokenView;
    try {
      token = await this.deps.fetchToken();
    } catch (e) {
      this.fail(`cannot get a phone token: ${(e as Error).message}`);
      return;
    }
    if (token.mode === 'simulated' || !token.token) {
      this.mode = 'simulated';
      this.registration = 'registered';
      this.changed();
      return;
    }
    this.mode = 'twilio';
    const device = this.deps.createDevice(token.token);
    this.device = device;
    device.on('registering', () => this.setRegistration('registering', null));
    device.on('registered', () => this.setRegistration('registered', null));
    device.on('unregistered', () => this.setRegistration('unregistered', this.problem));
    device.on('error', (err: { message?: string; code?: number }) => this.fail(`phone error${err?.code ? ` ${err.code}` : ''}: ${err?.message ?? 'unknown'}`));
    device.on('incoming', (call: CallLike) => this.incoming(call));
    device.on('tokenWillExpire', () => void this.refresh());
    this.scheduleRefresh(token.expiresAt);
    this.setRegistration('registering', null);
    // The Device's own promise may never settle without a route to the carrier: its events tell.
    void device.register().catch((e: Error) => this.fail(`could not register the phone: ${e.message}`));
  }

  stop(): void {
    if (this.refreshTimer !== null) this.deps.timers.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.device?.destroy();
    this.device = null;
  }

  /** A fresh token for the Device, before the current one runs out. */
  async refresh(): Promise<void> {
    if (!this.device) return;
    try {
      const token = await this.deps.fetchToken();
      if (token.token) this.device.updateToken(token.token);
      this.scheduleRefresh(token.expiresAt);
    } catch (e) {
      this.problem = `could not renew the phone token: ${(e as Error).message}`;
      this.changed();
      // Try again soon: the Device keeps working until the old token expires.
      this.refreshTimer = this.deps.timers.setTimeout(() => void this.refresh(), 15_000);
    }
  }

  /** Calls a number from the browser (the server's TwiML dials it with a pool caller ID). */
  async dial(to: string, leadId?: string): Promise<void> {
    if (!this.device || this.registration !== 'registered') throw new Error('The phone is not registered');
    if (this.call) throw new Error('A call is already on the phone');
    const call = await this.device.connect({ params: { To: to, ...(leadId ? { LeadId: leadId } : {}) } });
    this.attach(call, 'outgoing', to, 'connecting');
  }

  accept(): void {
    if (this.call && this.callState?.status === 'ringing') {
      this.call.accept();
      this.patchCall({ status: 'connecting' });
    }
  }

  reject(): void {
    if (this.call && this.callState?.status === 'ringing') this.call.reject();
  }

  hangUp(): void {
    this.call?.disconnect();
  }

  mute(muted: boolean): void {
    if (!this.call) return;
    this.call.mute(muted);
    this.patchCall({ muted });
  }

  sendDigits(digits: string): void {
    if (!/^[0-9*#]+$/.test(digits)) throw new Error('Keys are 0-9, * and #');
    this.call?.sendDigits(digits);
  }

  async setInput(id: string): Promise<void> {
    await this.device?.audio?.setInputDevice(id);
    this.changed();
  }

  async setOutput(id: string): Promise<void> {
    await this.device?.audio?.speakerDevices.set(id);
    this.changed();
  }

  private incoming(call: CallLike): void {
    if (this.call) {
      call.reject();
      return;
    }
    this.attach(call, 'incoming', call.parameters.From ?? 'unknown', 'ringing');
    if (this.deps.autoAnswer()) this.accept();
  }

  private attach(call: CallLike, direction: PhoneCallState['direction'], party: string, status: PhoneCallState['status']): void {
    this.call = call;
    this.callState = { direction, party, status, muted: false, warnings: [] };
    const end = () => {
      if (this.call !== call) return;
      this.call = null;
      this.callState = null;
      this.changed();
    };
    call.on('accept', () => this.call === call && this.patchCall({ status: 'open' }));
    call.on('disconnect', end);
    call.on('cancel', end);
    call.on('reject', end);
    call.on('error', (err: { message?: string }) => {
      this.problem = `call error: ${err?.message ?? 'unknown'}`;
      end();
    });
    call.on('warning', (name: string) => {
      if (this.call !== call || !this.callState) return;
      const label = WARNING_LABEL[name] ?? name;
      if (!this.callState.warnings.includes(label)) this.patchCall({ warnings: [...this.callState.warnings, label] });
    });
    call.on('warning-cleared', (name: string) => {
      if (this.call !== call || !this.callState) return;
      const label = WARNING_LABEL[name] ?? name;
      this.patchCall({ warnings: this.callState.warnings.filter((w) => w !== label) });
    });
    this.changed();
  }

  private patchCall(patch: Partial<PhoneCallState>): void {
    if (!this.callState) return;
    this.callState = { ...this.callState, ...patch };
    this.changed();
  }

  private scheduleRefresh(expiresAt: string): void {
    if (this.refreshTimer !== null) this.deps.timers.clearTimeout(this.refreshTimer);
    const wait = Math.max(5_000, Date.parse(expiresAt) - this.deps.now() - TOKEN_LEAD_MS);
    this.refreshTimer = this.deps.timers.setTimeout(() => void this.refresh(), wait);
  }

  private setRegistration(r: PhoneSnapshot['registration'], problem: string | null): void {
    this.registration = r;
    this.problem = problem;
    this.changed();
  }

  private fail(problem: string): void {
    this.registration = 'error';
    this.problem = problem;
    this.changed();
  }

  private changed(): void {
    this.deps.onChange?.(this.snapshot());
  }
}
