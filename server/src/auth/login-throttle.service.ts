import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { clientNetwork } from './client-network.js';
import { afterFailure, closedFor, EMPTY, forgetsAt, retryAfterSeconds, withoutOneFailure, type ThrottlePolicy, type ThrottleState } from './login-throttle.js';
import { LoginThrottleRepository, type ThrottleKey, type ThrottleWrite } from './login-throttle.repository.js';

/** The first delay, doubled with each further failure. */
const BASE_DELAY_MS = 1000;
/** Expired counters are deleted at most this often by one instance. */
const PRUNE_EVERY_MS = 60_000;

/** The key of an account in the throttle's table: the SHA-256 (hex) of its lower-cased email. */
export function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** An attempt `admit` let through, for `succeeded` to take back. */
export interface AdmittedAttempt {
  address: string;
  email: string;
  /** The network's counter as the attempt found it… */
  networkBefore: ThrottleState;
  /** …and as it left it. */
  networkCounted: ThrottleState;
}

const sameInstant = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
const sameState = (a: ThrottleState, b: ThrottleState) => a.failures === b.failures && sameInstant(a.lastFailureAt, b.lastFailureAt) && sameInstant(a.blockedUntil, b.blockedUntil);

/** Which limit closed a sign-in: the account from this network, or this network altogether. */
export type ThrottleLimit = 'account-and-address' | 'address';

type Decision = { closed: { ms: number; limit: ThrottleLimit } } | { admitted: AdmittedAttempt };

/**
 * Throttles sign-ins per (account, client network) and per client network, never per
 * account alone: a flood of wrong passwords from one network slows that network down
 * with growing delays, while the account's owner signing in from anywhere else gets in at
 * once. The counters live in the database, so every instance sees them and a restart
 * keeps them.
 */
@Injectable()
export class LoginThrottle {
  private readonly pair: ThrottlePolicy;
  private readonly network: ThrottlePolicy;
  private lastPruneAt = 0;

  constructor(
    private readonly repo: LoginThrottleRepository,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    config: AppConfig,
  ) {
    const t = config.auth.throttle;
    const common = { baseDelayMs: BASE_DELAY_MS, maxDelayMs: t.maxDelaySeconds * 1000, forgetAfterMs: t.forgetAfterSeconds * 1000 };
    this.pair = { ...common, freeFailures: t.accountAddressFailures };
    this.network = { ...common, freeFailures: t.addressFailures };
  }

  /**
   * Lets a sign-in attempt through, or answers 429 with Retry-After while either of its
   * keys is closed. An admitted attempt is counted as a failure at once — a burst of
   * parallel guesses cannot all pass an open key — and `succeeded` takes it back.
   */
  async admit(email: string, ip: string | undefined): Promise<AdmittedAttempt> {
    const now = this.clock.now();
    const address = clientNetwork(ip);
    const decision = await this.repo.update<Decision>(this.keys(address, email), now, ([network, pair]) => {
      const pairWait = closedFor(pair, now);
      const networkWait = closedFor(network, now);
      if (pairWait || networkWait) return { next: null, result: { closed: { ms: Math.max(pairWait, networkWait), limit: pairWait >= networkWait ? 'account-and-address' : 'address' } } };
      const counted = afterFailure(network, now, this.network);
      return { next: [this.write(counted, this.network), this.write(afterFailure(pair, now, this.pair), this.pair)], result: { admitted: { address, email, networkBefore: network, networkCounted: counted } } };
    });
    await this.pruneNowAndThen(now);
    if ('admitted' in decision) return decision.admitted;
    const { ms, limit } = decision.closed;
    const retryAfter = retryAfterSeconds(ms);
    this.logger.event('warn', 'auth.login.throttled', { email, address, limit, retryAfter });
    const from = limit === 'address' ? 'from this address' : 'for this account from this address';
    throw new DomainError(ErrorCode.TooManyAttempts, `Too many failed sign-ins ${from}; try again in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) }, { limit, retryAfterSeconds: retryAfter });
  }

  /**
   * The password was right: the account's counter from this network is cleared, and the
   * network's gets the attempt back — exactly as it was before, unless another attempt
   * changed it meanwhile (then one failure is taken off what is there).
   */
  async succeeded(attempt: AdmittedAttempt): Promise<void> {
    const now = this.clock.now();
    await this.repo.update(this.keys(attempt.address, attempt.email), now, ([network]) => {
      const untouched = sameState(network, attempt.networkCounted);
      const restored = untouched ? attempt.networkBefore : withoutOneFailure(network, this.network);
      return { next: [this.write(restored, this.network), { ...EMPTY, forgetAt: now }], result: undefined };
    });
  }

  /** The network's counter first, then the pair's (the order `update` hands them back in). */
  private keys(address: string, email: string): ThrottleKey[] {
    return [
      { address, account: '' },
      { address, account: accountKey(email) },
    ];
  }

  private write(state: ThrottleState, policy: ThrottlePolicy): ThrottleWrite {
    return { ...state, forgetAt: forgetsAt(state, policy) };
  }

  /** Deletes expired counters now and then; a failure here only leaves rows for the next round. */
  private async pruneNowAndThen(now: Date): Promise<void> {
    if (Math.abs(now.getTime() - this.lastPruneAt) < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now.getTime();
    try {
      await this.repo.prune(now);
    } catch (e) {
      this.logger.event('warn', 'auth.throttle.prune-failed', { err: (e as Error).message });
    }
  }
}
