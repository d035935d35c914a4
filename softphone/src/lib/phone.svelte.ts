import type { SoftphoneHealth, VoiceTokenView } from '#shared';
import type { ApiClient } from './api.js';
import { type DeviceLike, PhoneCore, type PhoneSnapshot } from './phone-core.js';

/**
 * The agent's phone as reactive state. In twilio mode the carrier's Voice SDK is loaded
 * on demand and its Device registered; with the simulated carrier nothing is loaded.
 */
export class Phone {
  #snapshot = $state.raw<PhoneSnapshot>({ mode: 'unknown', registration: 'unregistered', problem: null, call: null, inputs: [], outputs: [] });
  #microphone = $state<SoftphoneHealth['microphone']>('unknown');
  readonly #core: PhoneCore;
  #sdk: typeof import('@twilio/voice-sdk') | null = null;

  constructor(api: () => ApiClient, autoAnswer: () => boolean) {
    this.#core = new PhoneCore({
      fetchToken: () => api().get<VoiceTokenView>('/api/telephony/token'),
      createDevice: (token) => {
        if (!this.#sdk) throw new Error('the Voice SDK is not loaded');
        return new this.#sdk.Device(token, { closeProtection: true, codecPreferences: ['opus', 'pcmu'] as never }) as unknown as DeviceLike;
      },
      timers: { setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h as number) },
      now: () => Date.now(),
      autoAnswer,
      onChange: (s) => (this.#snapshot = s),
    });
  }

  get state(): PhoneSnapshot {
    return this.#snapshot;
  }

  get health(): SoftphoneHealth {
    if (this.#snapshot.mode === 'unknown') return { phone: 'unregistered', microphone: this.#microphone };
    return this.#core.health(this.#microphone);
  }

  async start(api: ApiClient): Promise<void> {
    await this.#watchMicrophone();
    const mode = await api.get<VoiceTokenView>('/api/telephony/token').then((t) => t.mode, () => null);
    if (mode === 'twilio') this.#sdk = await import('@twilio/voice-sdk');
    await this.#core.start();
  }

  stop(): void {
    this.#core.stop();
  }

  accept(): void {
    this.#core.accept();
  }
  reject(): void {
    this.#core.reject();
  }
  hangUp(): void {
    this.#core.hangUp();
  }
  mute(muted: boolean): void {
    this.#core.mute(muted);
  }
  sendDigits(digits: string): void {
    this.#core.sendDigits(digits);
  }
  setInput(id: string): Promise<void> {
    return this.#core.setInput(id);
  }
  setOutput(id: string): Promise<void> {
    return this.#core.setOutput(id);
  }

  /** The microphone permission as the browser reports it, kept current. */
  async #watchMicrophone(): Promise<void> {
    try {
      const p = await navigator.permissions.query({ name: 'microphone' as PermissionName });
      const read = () => (this.#microphone = p.state === 'granted' ? 'granted' : p.state === 'denied' ? 'denied' : 'prompt');
      read();
      p.onchange = read;
    } catch {
      this.#microphone = 'unknown';
    }
  }
}
