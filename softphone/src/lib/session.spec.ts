import { beforeEach, describe, expect, it } from '@jest/globals';
import type { LoginResponse, TokenPair, UserView } from '#shared';
import { ApiError, type FetchLike } from './api.js';
import {
  REFRESH_RETRY_MS,
  REFRESH_TOKEN_KEY,
  SESSION_ENDED,
  SessionCore,
  refreshDelayMs,
  type KeyValueStore,
  type Lock,
  type SessionSnapshot,
  type Timers,
} from './session-core.js';

// ---- fakes -----------------------------------------------------------------

interface SeenRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

type Reply = { status: number; body?: unknown; raw?: string } | 'network-error';

/** A scripted API: each route answers from its queue (the last answer repeats). */
class FakeApi {
  readonly seen: SeenRequest[] = [];
  readonly #routes = new Map<string, Reply[]>();

  on(route: string, ...replies: Reply[]): this {
    this.#routes.set(route, replies);
    return this;
  }

  readonly fetch: FetchLike = async (input, init) => {
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    this.seen.push({ method, path: input, authorization: headers.get('authorization'), body });
    const queue = this.#routes.get(`${method} ${input}`);
    const reply: Reply = (queue && (queue.length > 1 ? queue.shift() : queue[0])) ?? {
      status: 404,
      body: { statusCode: 404, code: 'NOT_FOUND', message: `no route ${method} ${input}` },
    };
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    if (reply.status === 204) return new Response(null, { status: 204 });
    return new Response(reply.raw ?? JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'Content-Type': reply.raw ? 'text/html' : 'application/json' },
    });
  };

  paths(): string[] {
    return this.seen.map((r) => `${r.method} ${r.path}`);
  }
}

class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** Timers that only run when the test says so. */
class ManualTimers implements Timers {
  readonly #pending = new Map<number, { fn: () => void; ms: number }>();
  #next = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { fn, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Delays of the timers still waiting. */
  get delays(): number[] {
    return [...this.#pending.values()].map((t) => t.ms);
  }

  /** Runs every waiting timer, then lets the work it started finish. */
  async runAll(): Promise<void> {
    const due = [...this.#pending.entries()];
    for (const [id, timer] of due) {
      this.#pending.delete(id);
      timer.fn();
    }
    await settle();
  }
}

/** Lets pending promise chains (fake fetches, JSON parsing) run to the end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const alex: UserView = {
  id: '0b6f1f5e-8a39-4c55-9d1e-2f43d4a7c001',
  email: 'agent@switchboard.local',
  name: 'Alex Agent',
  role: 'agent',
  permissions: ['schedules.view'],
  customPermissions: false,
  active: true,
  createdAt: '2026-03-02T15:00:00.000Z',
};

function pair(n: number, expiresIn = 900): TokenPair {
  return {
    accessToken: `access-${n}`,
    expiresIn,
    refreshToken: `refresh-token-number-${n}-0123456789`,
    refreshExpiresAt: '2026-03-16T15:00:00.000Z',
  };
}

function loginOk(n = 1, expiresIn = 900): Reply {
  const body: LoginResponse = { ...pair(n, expiresIn), user: alex };
  return { status: 200, body };
}

const errorBody = (statusCode: number, code: string, message: string, fields?: Array<{ field: string; message: string }>) => ({
  statusCode,
  code,
  message,
  ...(fields ? { fields } : {}),
  requestId: 'req-1',
});

// ---- tests -----------------------------------------------------------------

describe('SessionCore', () => {
  let api: FakeApi;
  let storage: MemoryStore;
  let timers: ManualTimers;
  let changes: SessionSnapshot[];
  let lock: Lock | undefined;

  const session = () =>
    new SessionCore({ fetch: api.fetch, storage, timers, lock, onChange: (s) => changes.push(s) });

  beforeEach(() => {
    api = new FakeApi();
    storage = new MemoryStore();
    timers = new ManualTimers();
    changes = [];
    lock = undefined;
  });

  describe('login', () => {
    it('signs in: user in state, access token in memory only, refresh token in storage', async () => {
      api.on('POST /api/auth/login', loginOk(1));
      const s = session();

      await expect(s.login('agent@switchboard.local', 'switchboard-demo')).resolves.toEqual(alex);

      expect(api.seen[0]).toEqual({
        method: 'POST',
        path: '/api/auth/login',
        authorization: null,
        body: { email: 'agent@switchboard.local', password: 'switchboard-demo' },
      });
      expect(s.state).toEqual({ status: 'signed-in', user: alex, notice: null });
      expect(changes.at(-1)).toEqual(s.state);
      expect(s.accessToken).toBe('access-1');
      expect([...storage.items]).toEqual([[REFRESH_TOKEN_KEY, pair(1).refreshToken]]);
    });

    it('rejects with the server message on wrong credentials and stores nothing', async () => {
      api.on('POST /api/auth/login', { status: 401, body: errorBody(401, 'INVALID_CREDENTIALS', 'Email or password is incorrect') });
      const s = session();

      const error = await s.login('agent@switchboard.local', 'nope').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS', message: 'Email or password is incorrect', requestId: 'req-1' });
      expect(s.state.status).not.toBe('signed-in');
      expect(s.accessToken).toBeNull();
      expect(storage.items.size).toBe(0);
      expect(timers.delays).toEqual([]);
    });

    it('does not try to refresh when the login itself is refused with 401', async () => {
      api.on('POST /api/auth/login', { status: 401, body: errorBody(401, 'INVALID_CREDENTIALS', 'Email or password is incorrect') });
      storage.setItem(REFRESH_TOKEN_KEY, 'a-stale-refresh-token-from-before');

      await expect(session().login('agent@switchboard.local', 'nope')).rejects.toBeInstanceOf(ApiError);

      expect(api.paths()).toEqual(['POST /api/auth/login']);
    });
  });

  describe('error mapping', () => {
    it.each<{ name: string; reply: Reply; expected: Partial<ApiError> }>([
      {
        name: 'throttled (429)',
        reply: { status: 429, body: errorBody(429, 'TOO_MANY_ATTEMPTS', 'Too many failed sign-ins; try again in 597 s') },
        expected: { status: 429, code: 'TOO_MANY_ATTEMPTS', message: 'Too many failed sign-ins; try again in 597 s', fields: [] },
      },
      {
        name: 'validation (400) with fields',
        reply: {
          status: 400,
          body: errorBody(400, 'VALIDATION_FAILED', 'email: must be an email address; password: must not be empty', [
            { field: 'email', message: 'must be an email address' },
            { field: 'password', message: 'must not be empty' },
          ]),
        },
        expected: {
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: [
            { field: 'email', message: 'must be an email address' },
            { field: 'password', message: 'must not be empty' },
          ],
        },
      },
      {
        name: 'a body that is not the error shape (proxy 502)',
        reply: { status: 502, raw: '<html>Bad gateway</html>' },
        expected: { status: 502, code: 'INTERNAL', message: 'Request failed (502)', fields: [] },
      },
      {
        name: 'no answer at all',
        reply: 'network-error',
        expected: { status: 0, code: 'NETWORK', message: 'Cannot reach the server; check your connection and try again' },
      },
    ])('maps $name to ApiError', async ({ reply, expected }) => {
      api.on('POST /api/auth/login', reply);
      const error = await session()
        .login('x', 'y')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject(expected);
    });

    it('finds the message for one field', () => {
      const error = new ApiError(400, 'VALIDATION_FAILED', 'email: must be an email address', [{ field: 'email', message: 'must be an email address' }]);
      expect(error.fieldMessage('email')).toBe('must be an email address');
      expect(error.fieldMessage('password')).toBeUndefined();
    });
  });

  describe('refresh schedule', () => {
    it.each([
      [900, 840_000],
      [3600, 3_540_000],
      [120, 60_000],
      [60, 30_000],
      [30, 15_000],
      [0, 0],
    ])('an access token that expires in %i s is refreshed after %i ms', (expiresIn, delay) => {
      expect(refreshDelayMs(expiresIn)).toBe(delay);
    });

    it('refreshes a minute before the access token expires, then keeps going', async () => {
      api.on('POST /api/auth/login', loginOk(1, 900)).on('POST /api/auth/refresh', { status: 200, body: pair(2, 900) }, { status: 200, body: pair(3, 600) });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');
      expect(timers.delays).toEqual([840_000]);

      await timers.runAll();

      expect(api.seen.at(-1)).toMatchObject({ path: '/api/auth/refresh', body: { refreshToken: pair(1).refreshToken }, authorization: null });
      expect(s.accessToken).toBe('access-2');
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(pair(2).refreshToken);
      expect(s.state).toEqual({ status: 'signed-in', user: alex, notice: null });
      expect(timers.delays).toEqual([840_000]);

      await timers.runAll();

      expect(api.seen.at(-1)).toMatchObject({ body: { refreshToken: pair(2).refreshToken } });
      expect(s.accessToken).toBe('access-3');
      expect(timers.delays).toEqual([540_000]);
    });

    it('signs out with a notice when the server refuses the refresh token', async () => {
      api
        .on('POST /api/auth/login', loginOk(1))
        .on('POST /api/auth/refresh', { status: 401, body: errorBody(401, 'INVALID_REFRESH_TOKEN', 'The refresh token is invalid, expired or revoked; sign in again') });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await timers.runAll();

      expect(s.state).toEqual({ status: 'signed-out', user: null, notice: SESSION_ENDED });
      expect(s.accessToken).toBeNull();
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
      expect(timers.delays).toEqual([]);
    });

    it('stays signed in and tries again soon when the server cannot be reached', async () => {
      api.on('POST /api/auth/login', loginOk(1)).on('POST /api/auth/refresh', 'network-error', { status: 200, body: pair(2) });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await timers.runAll();

      expect(s.state.status).toBe('signed-in');
      expect(s.accessToken).toBe('access-1');
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(pair(1).refreshToken);
      expect(timers.delays).toEqual([REFRESH_RETRY_MS]);

      await timers.runAll();

      expect(s.accessToken).toBe('access-2');
      expect(timers.delays).toEqual([840_000]);
    });

    it('uses the newest stored refresh token, read while holding the lock (another tab may have rotated it)', async () => {
      api.on('POST /api/auth/login', loginOk(1)).on('POST /api/auth/refresh', { status: 200, body: pair(3) });
      // The other tab rotates the shared token just before this tab gets the lock.
      lock = async (fn) => {
        storage.setItem(REFRESH_TOKEN_KEY, pair(2).refreshToken);
        return fn();
      };
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await timers.runAll();

      expect(api.seen.at(-1)).toMatchObject({ path: '/api/auth/refresh', body: { refreshToken: pair(2).refreshToken } });
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(pair(3).refreshToken);
    });

    it('ends the session when another tab signed out (the stored token is gone)', async () => {
      api.on('POST /api/auth/login', loginOk(1));
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');
      storage.removeItem(REFRESH_TOKEN_KEY);

      await timers.runAll();

      expect(s.state).toEqual({ status: 'signed-out', user: null, notice: SESSION_ENDED });
      expect(api.paths()).toEqual(['POST /api/auth/login']);
    });
  });

  describe('authenticated requests', () => {
    it('sends the bearer token', async () => {
      api.on('POST /api/auth/login', loginOk(1)).on('GET /api/auth/me', { status: 200, body: alex });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await expect(s.api.get<UserView>('/api/auth/me')).resolves.toEqual(alex);

      expect(api.seen.at(-1)?.authorization).toBe('Bearer access-1');
    });

    it('on a 401 refreshes once and retries with the new token', async () => {
      api
        .on('POST /api/auth/login', loginOk(1))
        .on('POST /api/auth/refresh', { status: 200, body: pair(2) })
        .on('GET /api/leads', { status: 401, body: errorBody(401, 'UNAUTHENTICATED', 'Sign in first') }, { status: 200, body: [{ id: 'lead-1' }] });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await expect(s.api.get('/api/leads')).resolves.toEqual([{ id: 'lead-1' }]);

      expect(api.seen.slice(1).map((r) => [r.method, r.path, r.authorization])).toEqual([
        ['GET', '/api/leads', 'Bearer access-1'],
        ['POST', '/api/auth/refresh', null],
        ['GET', '/api/leads', 'Bearer access-2'],
      ]);
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(pair(2).refreshToken);
      expect(s.state.status).toBe('signed-in');
    });

    it('retries only once: a second 401 reaches the caller', async () => {
      api
        .on('POST /api/auth/login', loginOk(1))
        .on('POST /api/auth/refresh', { status: 200, body: pair(2) })
        .on('GET /api/leads', { status: 401, body: errorBody(401, 'UNAUTHENTICATED', 'Sign in first') });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await expect(s.api.get('/api/leads')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

      expect(api.paths().filter((p) => p === 'GET /api/leads')).toHaveLength(2);
    });

    it('gives up and signs out when the refresh after a 401 is refused', async () => {
      api
        .on('POST /api/auth/login', loginOk(1))
        .on('POST /api/auth/refresh', { status: 401, body: errorBody(401, 'INVALID_REFRESH_TOKEN', 'sign in again') })
        .on('GET /api/leads', { status: 401, body: errorBody(401, 'UNAUTHENTICATED', 'Sign in first') });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await expect(s.api.get('/api/leads')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

      expect(s.state).toEqual({ status: 'signed-out', user: null, notice: SESSION_ENDED });
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    });

    it('shares one refresh between requests that fail together (a rotated token must not be reused)', async () => {
      api
        .on('POST /api/auth/login', loginOk(1))
        .on('POST /api/auth/refresh', { status: 200, body: pair(2) }, { status: 401, body: errorBody(401, 'INVALID_REFRESH_TOKEN', 'reused') })
        .on('GET /api/a', { status: 401, body: errorBody(401, 'UNAUTHENTICATED', 'x') }, { status: 200, body: 'a' })
        .on('GET /api/b', { status: 401, body: errorBody(401, 'UNAUTHENTICATED', 'x') }, { status: 200, body: 'b' });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await expect(Promise.all([s.api.get('/api/a'), s.api.get('/api/b')])).resolves.toEqual(['a', 'b']);

      expect(s.state.status).toBe('signed-in');
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(pair(2).refreshToken);
    });
  });

  describe('restore', () => {
    it('without a stored token: signed out, no requests', async () => {
      const s = session();
      expect(s.state.status).toBe('restoring');

      await s.restore();

      expect(s.state).toEqual({ status: 'signed-out', user: null, notice: null });
      expect(api.seen).toEqual([]);
    });

    it('with a stored token: refreshes, loads the user, and schedules the next refresh', async () => {
      storage.setItem(REFRESH_TOKEN_KEY, pair(1).refreshToken);
      api.on('POST /api/auth/refresh', { status: 200, body: pair(2) }).on('GET /api/auth/me', { status: 200, body: alex });
      const s = session();

      await s.restore();

      expect(s.state).toEqual({ status: 'signed-in', user: alex, notice: null });
      expect(api.seen.map((r) => [r.path, r.authorization, r.body])).toEqual([
        ['/api/auth/refresh', null, { refreshToken: pair(1).refreshToken }],
        ['/api/auth/me', 'Bearer access-2', undefined],
      ]);
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(pair(2).refreshToken);
      expect(timers.delays).toEqual([840_000]);
    });

    it('with a revoked token: signed out with a notice, token forgotten', async () => {
      storage.setItem(REFRESH_TOKEN_KEY, pair(1).refreshToken);
      api.on('POST /api/auth/refresh', { status: 401, body: errorBody(401, 'INVALID_REFRESH_TOKEN', 'sign in again') });
      const s = session();

      await s.restore();

      expect(s.state).toEqual({ status: 'signed-out', user: null, notice: SESSION_ENDED });
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    });

    it('with the server unreachable: signed out with the reason, token kept for the next try', async () => {
      storage.setItem(REFRESH_TOKEN_KEY, pair(1).refreshToken);
      api.on('POST /api/auth/refresh', 'network-error');
      const s = session();

      await s.restore();

      expect(s.state).toEqual({ status: 'signed-out', user: null, notice: 'Cannot reach the server; check your connection and try again' });
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe(pair(1).refreshToken);
      expect(timers.delays).toEqual([]);
    });
  });

  describe('logout', () => {
    it('revokes the refresh token on the server and forgets everything here', async () => {
      api.on('POST /api/auth/login', loginOk(1)).on('POST /api/auth/logout', { status: 204 });
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await s.logout();

      expect(api.seen.at(-1)).toEqual({ method: 'POST', path: '/api/auth/logout', authorization: null, body: { refreshToken: pair(1).refreshToken } });
      expect(s.state).toEqual({ status: 'signed-out', user: null, notice: null });
      expect(s.accessToken).toBeNull();
      expect(storage.items.size).toBe(0);
      expect(timers.delays).toEqual([]);
    });

    it('signs out here even when the server cannot be reached', async () => {
      api.on('POST /api/auth/login', loginOk(1)).on('POST /api/auth/logout', 'network-error');
      const s = session();
      await s.login('agent@switchboard.local', 'switchboard-demo');

      await expect(s.logout()).resolves.toBeUndefined();

      expect(s.state.status).toBe('signed-out');
      expect(storage.items.size).toBe(0);
    });

    it('drops a refresh that was in flight when the user signed out', async () => {
      let answer!: (r: Response) => void;
      const slow: FetchLike = (input, init) =>
        input === '/api/auth/refresh' ? new Promise<Response>((resolve) => (answer = resolve)) : api.fetch(input, init);
      api.on('POST /api/auth/login', loginOk(1)).on('POST /api/auth/logout', { status: 204 });
      const s = new SessionCore({ fetch: slow, storage, timers });
      await s.login('agent@switchboard.local', 'switchboard-demo');

      const refreshed = s.refresh();
      await s.logout();
      answer(new Response(JSON.stringify(pair(2)), { status: 200 }));

      await expect(refreshed).resolves.toBe(false);
      expect(s.state.status).toBe('signed-out');
      expect(s.accessToken).toBeNull();
      expect(storage.items.size).toBe(0);
      expect(timers.delays).toEqual([]);
    });
  });
});
