import type { LoginResponse, TokenPair, UserView } from '#shared';
import { ApiClient, ApiError, type FetchLike } from './api.js';

/**
 * The softphone's sign-in session as plain TypeScript (no runes), so it runs
 * under jest: `session.svelte.ts` wraps it in reactive state.
 *
 * The access token lives in memory only; the refresh token lives in storage so
 * a reload keeps the user signed in. Refresh tokens rotate on every use and the
 * server ends the whole session when a rotated one is presented again, so every
 * refresh is serialised (one in flight per tab, and across tabs through `lock`)
 * and reads the newest token from storage rather than from memory.
 */

export type SessionStatus = 'restoring' | 'signed-out' | 'signed-in';

export interface SessionSnapshot {
  readonly status: SessionStatus;
  readonly user: UserView | null;
  /** Why the user was signed out, when it was not their own doing. */
  readonly notice: string | null;
}

/** The part of `Storage` the session needs. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Timers, injected so tests can run the refresh schedule by hand. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Runs `fn` while holding the session's cross-tab lock. */
export type Lock = <T>(fn: () => Promise<T>) => Promise<T>;

export interface SessionCoreDeps {
  fetch: FetchLike;
  storage: KeyValueStore;
  timers: Timers;
  lock?: Lock;
  onChange?: (state: SessionSnapshot) => void;
  baseUrl?: string;
}

export const REFRESH_TOKEN_KEY = 'switchboard.refreshToken';
/** Refresh this long before the access token expires. */
export const REFRESH_LEAD_SECONDS = 60;
/** After a refresh that failed for a passing reason (network, 5xx), try again this soon. */
export const REFRESH_RETRY_MS = 15_000;
export const SESSION_ENDED = 'Your session has ended; please sign in again';

/**
 * When to refresh an access token that expires in `expiresIn` seconds:
 * a minute before it runs out, or half-way through its life if it is short.
 */
export function refreshDelayMs(expiresIn: number): number {
  return Math.max(0, expiresIn - REFRESH_LEAD_SECONDS, expiresIn / 2) * 1000;
}

const noLock: Lock = (fn) => fn();

export class SessionCore {
  readonly api: ApiClient;
  #state: SessionSnapshot = { status: 'restoring', user: null, notice: null };
  #accessToken: string | null = null;
  #timer: unknown = undefined;
  #refreshing: Promise<boolean> | undefined;
  /** Bumped whenever a session starts or ends, so late answers for an old one are dropped. */
  #generation = 0;

  constructor(private readonly deps: SessionCoreDeps) {
    this.api = new ApiClient(deps.fetch, { accessToken: () => this.#accessToken, refresh: () => this.refresh() }, deps.baseUrl);
  }

  get state(): SessionSnapshot {
    return this.#state;
  }

  get accessToken(): string | null {
    return this.#accessToken;
  }

  /** Signs in; throws `ApiError` (401 wrong credentials, 429 throttled, 400 invalid fields). */
  async login(email: string, password: string): Promise<UserView> {
    const res = await this.api.post<LoginResponse>('/api/auth/login', { email, password }, { auth: false });
    this.#generation++;
    this.#adopt(res);
    this.#set({ status: 'signed-in', user: res.user, notice: null });
    return res.user;
  }

  /** On startup: resumes the session from a stored refresh token, if there is one. */
  async restore(): Promise<void> {
    if (!this.deps.storage.getItem(REFRESH_TOKEN_KEY)) {
      this.#set({ status: 'signed-out', user: null, notice: null });
      return;
    }
    const generation = ++this.#generation;
    this.#set({ status: 'restoring', user: null, notice: null });
    try {
      if (!(await this.refresh())) return;
      const user = await this.api.get<UserView>('/api/auth/me');
      if (generation !== this.#generation) return;
      this.#set({ status: 'signed-in', user, notice: null });
    } catch (e) {
      if (generation !== this.#generation) return;
      // A passing failure (server down, offline): keep the stored token so a reload can try again.
      this.#clearMemory();
      this.#set({ status: 'signed-out', user: null, notice: e instanceof ApiError ? e.message : SESSION_ENDED });
    }
  }

  /** Signs out here at once, then asks the server to revoke the refresh token. */
  async logout(): Promise<void> {
    const token = this.deps.storage.getItem(REFRESH_TOKEN_KEY);
    this.#generation++;
    this.#clearMemory();
    this.deps.storage.removeItem(REFRESH_TOKEN_KEY);
    this.#set({ status: 'signed-out', user: null, notice: null });
    if (!token) return;
    try {
      await this.api.post<void>('/api/auth/logout', { refreshToken: token }, { auth: false });
    } catch {
      // The token is gone from this browser; the server lets it expire.
    }
  }

  /**
   * Trades the stored refresh token for a new pair. Resolves false (and signs
   * out) when the server refuses the token; rejects with `ApiError` when it could
   * not be asked. Concurrent callers share one request.
   */
  refresh(): Promise<boolean> {
    return (this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    }));
  }

  /** Stops the refresh timer (the app is going away). */
  dispose(): void {
    this.#cancelTimer();
  }

  async #refresh(): Promise<boolean> {
    const generation = this.#generation;
    return (this.deps.lock ?? noLock)(async () => {
      // Read inside the lock: another tab may have rotated the token meanwhile.
      const refreshToken = this.deps.storage.getItem(REFRESH_TOKEN_KEY);
      if (!refreshToken) {
        if (generation === this.#generation) this.#end();
        return false;
      }
      let pair: TokenPair;
      try {
        pair = await this.api.post<TokenPair>('/api/auth/refresh', { refreshToken }, { auth: false });
      } catch (e) {
        if (e instanceof ApiError && (e.status === 400 || e.status === 401)) {
          if (generation === this.#generation) {
            this.deps.storage.removeItem(REFRESH_TOKEN_KEY);
            this.#end();
          }
          return false;
        }
        throw e;
      }
      if (generation !== this.#generation) return false;
      this.#adopt(pair);
      return true;
    });
  }

  #adopt(pair: TokenPair): void {
    this.#accessToken = pair.accessToken;
    this.deps.storage.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
    this.#schedule(refreshDelayMs(pair.expiresIn));
  }

  #schedule(ms: number): void {
    this.#cancelTimer();
    const generation = this.#generation;
    this.#timer = this.deps.timers.setTimeout(() => {
      this.#timer = undefined;
      this.refresh().catch(() => {
        if (generation === this.#generation) this.#schedule(REFRESH_RETRY_MS);
      });
    }, ms);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.deps.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #clearMemory(): void {
    this.#cancelTimer();
    this.#accessToken = null;
  }

  /** The server no longer honours this session. */
  #end(): void {
    this.#generation++;
    this.#clearMemory();
    this.#set({ status: 'signed-out', user: null, notice: SESSION_ENDED });
  }

  #set(state: SessionSnapshot): void {
    this.#state = state;
    this.deps.onChange?.(state);
  }
}
