import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LoginThrottleEntity } from '../../server/src/auth/login-throttle.entity.js';
import { accountKey } from '../../server/src/auth/login-throttle.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { createUser, TEST_PASSWORD } from '../support/factories.js';

/** A sign-in from `address`, as a client behind the trusted proxy on loopback. */
function login(t: TestApp, email: string, password: string, address: string) {
  return t.http.post('/api/auth/login').set('X-Forwarded-For', address).send({ email, password });
}

async function statuses(t: TestApp, times: number, email: string, password: string, address: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push((await login(t, email, password, address)).status);
  return out;
}

/** The stored counter of `email` from `address` ('' for the address's own), or undefined when there is none. */
async function counter(t: TestApp, address: string, email: string): Promise<{ failures: number } | undefined> {
  const row = await t.dataSource.getRepository(LoginThrottleEntity).findOneBy({ address, account: email ? accountKey(email) : '' });
  return row ? { failures: row.failures } : undefined;
}

describe('sign-in throttling per account and address, and per address', () => {
  let db: ScratchDatabase;
  let t: TestApp;
  beforeAll(async () => {
    db = await createScratchDatabase(undefined, undefined, { migrated: true });
    t = await createTestApp({ database: db });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('20 wrong passwords from A: 429 with Retry-After for A, while the owner signs in from B at once; A may try again when the delay passes', async () => {
    const user = await createUser(t, 'agent');
    const A = '203.0.113.10';
    const B = '198.51.100.20';
    expect(await statuses(t, 20, user.email, 'wrong-password', A)).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);

    const refused = await login(t, user.email, TEST_PASSWORD, A).expect(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      code: 'TOO_MANY_ATTEMPTS',
      message: 'Too many failed sign-ins for this account from this address; try again in 1 s',
      details: { limit: 'account-and-address', retryAfterSeconds: 1 },
    });
    expect(JSON.stringify(refused.body)).not.toMatch(/stack|at \w+ \(/);

    // The account itself is never locked: its owner, elsewhere, is let in straight away.
    const owner = await login(t, user.email, TEST_PASSWORD, B).expect(200);
    expect(owner.body.user.id).toBe(user.id);

    // The refused attempts were not counted: once the 1 s delay passes, A may try again.
    t.clock.advance(1000);
    await login(t, user.email, 'wrong-password', A).expect(401);
    const longer = await login(t, user.email, TEST_PASSWORD, A).expect(429);
    expect(longer.headers['retry-after']).toBe('2');
    t.clock.advance(2000);
    await login(t, user.email, TEST_PASSWORD, A).expect(200);
    // A successful sign-in clears the pair's counter: the free attempts are back.
    expect(await counter(t, A, user.email)).toEqual({ failures: 0 });
    expect(await statuses(t, 5, user.email, 'wrong-password', A)).toEqual(Array(5).fill(401));
  });

  it('delays grow with each failure after the free ones: 1 s, 2 s, 4 s, 8 s', async () => {
    const user = await createUser(t, 'agent');
    const A = '203.0.113.11';
    await statuses(t, 5, user.email, 'wrong-password', A);
    const seen: string[] = [];
    for (const wait of [1000, 2000, 4000, 8000]) {
      seen.push((await login(t, user.email, 'wrong-password', A).expect(429)).headers['retry-after']);
      t.clock.advance(wait - 1);
      await login(t, user.email, 'wrong-password', A).expect(429);
      t.clock.advance(1);
      await login(t, user.email, 'wrong-password', A).expect(401);
    }
    expect(seen).toEqual(['1', '2', '4', '8']);
    expect(await counter(t, A, user.email)).toEqual({ failures: 9 });
  });

  it('one address across many accounts: 20 failures close it for everyone, other addresses are not affected, and a success there does not reopen it', async () => {
    const C = '203.0.113.12';
    const D = '198.51.100.21';
    const real = await createUser(t, 'agent');
    for (let i = 0; i < 19; i++) await login(t, `nobody-${i}@example.test`, 'wrong-password', C).expect(401);
    // A right password from C is not a failure, nor does it wipe C's count (an attacker's own account cannot launder it).
    await login(t, real.email, TEST_PASSWORD, C).expect(200);
    await login(t, 'nobody-19@example.test', 'wrong-password', C).expect(401);

    const closed = await login(t, real.email, TEST_PASSWORD, C).expect(429);
    expect(closed.headers['retry-after']).toBe('1');
    expect(closed.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', details: { limit: 'address' }, message: 'Too many failed sign-ins from this address; try again in 1 s' });
    await login(t, 'someone-new@example.test', 'wrong-password', C).expect(429);
    await login(t, real.email, TEST_PASSWORD, D).expect(200);

    t.clock.advance(1000);
    // Once the delay has passed, right passwords from C get in, one after another: each
    // gives its attempt back without re-closing C for the next person.
    await login(t, real.email, TEST_PASSWORD, C).expect(200);
    await login(t, real.email, TEST_PASSWORD, C).expect(200);
    expect(await counter(t, C, '')).toEqual({ failures: 20 });
  });

  it('a burst of parallel guesses cannot all pass an open key: only the free five reach the password check', async () => {
    const user = await createUser(t, 'agent');
    const results = await Promise.all(Array.from({ length: 30 }, () => login(t, user.email, 'wrong-password', '203.0.113.13')));
    const codes = results.map((r) => r.status);
    expect(codes.filter((s) => s === 401)).toHaveLength(5);
    expect(codes.filter((s) => s === 429)).toHaveLength(25);
  });

  it('an IPv6 client is counted by its /64, so hopping between its addresses does not help; an IPv4-mapped address is its IPv4 address', async () => {
    const user = await createUser(t, 'agent');
    for (let i = 1; i <= 5; i++) await login(t, user.email, 'wrong-password', `2001:db8:5:6::${i}`).expect(401);
    await login(t, user.email, 'wrong-password', '2001:db8:5:6:ffff:1:2:3').expect(429);
    await login(t, user.email, TEST_PASSWORD, '2001:db8:5:7::1').expect(200);

    const other = await createUser(t, 'agent');
    for (let i = 0; i < 5; i++) await login(t, other.email, 'wrong-password', '::ffff:203.0.113.14').expect(401);
    await login(t, other.email, TEST_PASSWORD, '203.0.113.14').expect(429);
  });

  it('an account is one email whatever its case, and emails a collation would confuse are kept apart (never a 5xx)', async () => {
    const G = '203.0.113.18';
    expect(await statuses(t, 5, 'strasse@example.test', 'wrong-password', G)).toEqual(Array(5).fill(401));
    await login(t, 'STRASSE@Example.Test', 'wrong-password', G).expect(429);
    await login(t, 'straße@example.test', 'wrong-password', G).expect(401);
    await login(t, 'strasse @example.test', 'wrong-password', G).expect(400);
  });

  it('counters are forgotten after a quiet spell, and deleted', async () => {
    const user = await createUser(t, 'agent');
    const A = '203.0.113.15';
    await statuses(t, 5, user.email, 'wrong-password', A);
    await login(t, user.email, TEST_PASSWORD, A).expect(429);
    t.clock.advance(1000 + 900_000); // the delay, then LOGIN_WINDOW_SECONDS of quiet
    await login(t, user.email, 'wrong-password', '203.0.113.16').expect(401); // any failure prunes now and then
    expect(await counter(t, A, user.email)).toBeUndefined();
    expect(await counter(t, A, '')).toBeUndefined();
    expect(await statuses(t, 5, user.email, 'wrong-password', A)).toEqual(Array(5).fill(401));
  });

  it('the throttle is shared by instances on one database and survives a restart', async () => {
    const user = await createUser(t, 'agent');
    const E = '203.0.113.17';
    const first = await createTestApp({ database: db, now: t.clock.now().toISOString() });
    const second = await createTestApp({ database: db, now: t.clock.now().toISOString() });
    try {
      expect(await statuses(first, 5, user.email, 'wrong-password', E)).toEqual(Array(5).fill(401));
      // Another instance sees the same counters.
      await login(second, user.email, TEST_PASSWORD, E).expect(429);
    } finally {
      await first.close();
      await second.close();
    }
    // A server started afresh on the database still holds A back.
    const restarted = await createTestApp({ database: db, now: t.clock.now().toISOString() });
    try {
      const res = await login(restarted, user.email, TEST_PASSWORD, E).expect(429);
      expect(res.headers['retry-after']).toBe('1');
      restarted.clock.advance(1000);
      await login(restarted, user.email, TEST_PASSWORD, E).expect(200);
    } finally {
      await restarted.close();
    }
  });
});
