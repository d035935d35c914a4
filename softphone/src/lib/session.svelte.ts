import type { UserView } from '#shared';
import type { ApiClient } from './api.js';
import { SessionCore, type Lock, type SessionCoreDeps, type SessionSnapshot, type SessionStatus } from './session-core.js';

/** Serialises refreshes across tabs, which share the stored refresh token. */
const browserLock: Lock = (fn) =>
  typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('switchboard.session.refresh', fn) : fn();

const browserTimers: SessionCoreDeps['timers'] = {
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

/**
 * The signed-in session as reactive state: who is signed in and whether the
 * stored session is still being restored. The token and refresh logic live in
 * `SessionCore`; this class mirrors its state into runes.
 */
export class Session {
  #snapshot = $state.raw<SessionSnapshot>({ status: 'restoring', user: null, notice: null });
  readonly #core: SessionCore;

  constructor(deps: Partial<SessionCoreDeps> = {}) {
    this.#core = new SessionCore({
      fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
      storage: deps.storage ?? localStorage,
      timers: deps.timers ?? browserTimers,
      lock: deps.lock ?? browserLock,
      baseUrl: deps.baseUrl,
      onChange: (state) => {
        this.#snapshot = state;
        deps.onChange?.(state);
      },
    });
  }

  get status(): SessionStatus {
    return this.#snapshot.status;
  }

  get user(): UserView | null {
    return this.#snapshot.user;
  }

  /** Why the user was signed out, when it was not their own doing. */
  get notice(): string | null {
    return this.#snapshot.notice;
  }

  /** The access token now (the socket's handshake and renewals read it). */
  get accessToken(): string | null {
    return this.#core.accessToken;
  }

  /** Authenticated API access for the rest of the app. */
  get api(): ApiClient {
    return this.#core.api;
  }

  login(email: string, password: string): Promise<UserView> {
    return this.#core.login(email, password);
  }

  logout(): Promise<void> {
    return this.#core.logout();
  }

  restore(): Promise<void> {
    return this.#core.restore();
  }

  dispose(): void {
    this.#core.dispose();
  }
}
