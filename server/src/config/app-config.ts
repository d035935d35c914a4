import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { envSchema, type Env } from './config.schema.js';
import { secretWeakness, type SecretKind } from './secret-strength.js';

export type DatabaseKind = 'pglite' | 'postgres' | 'mysql';

/** Raised when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The validated, typed configuration. Also the DI token: inject `AppConfig`. */
export class AppConfig {
  readonly env!: 'development' | 'production' | 'test';
  readonly host!: string;
  readonly port!: number;
  /** Connections queued by the kernel before they are accepted (see LISTEN_BACKLOG). */
  readonly listenBacklog!: number;
  readonly publicUrl!: string | undefined;
  readonly logLevel!: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly database!: {
    kind: DatabaseKind;
    /** Connection URL; for pglite it is filled in once the embedded server listens. */
    url: string | undefined;
    poolSize: number;
    migrate: boolean;
    /** PGlite data directory, or `memory` for an in-memory database. */
    pgliteDataDir: string;
  };
  readonly auth!: {
    jwtSecret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** Sign-in throttling (`auth/login-throttle.ts`); never a lockout of the account itself. */
    throttle: {
      /** Failures of one account from one client network before delays begin (1 s, doubling). */
      accountAddressFailures: number;
      /** Failures from one client network across every account before delays begin. */
      addressFailures: number;
      /** The longest delay. */
      maxDelaySeconds: number;
      /** A counter quiet this long after its delay ended starts again from zero. */
      forgetAfterSeconds: number;
    };
  };
  readonly seedDemo!: boolean;
  /**
   * The first admin, created at start when no admin exists (production, or ADMIN_EMAIL set;
   * never beside the demo users). No password: one is generated and shown once.
   */
  readonly firstAdmin!: { email: string; password: string | undefined } | null;
  readonly softphoneDir: string | undefined;
  readonly corsOrigins!: string[];
  readonly shutdownTimeoutMs!: number;
  /** How long a start waits, trying again, for a database that drops or refuses its connections (START_DATABASE_WAIT_MS). */
  readonly startDatabaseWaitMs!: number;
  /** How long a claimed job is held by its instance without a heartbeat; a dead instance's work is taken over after it. */
  readonly schedulerLeaseMs!: number;
  readonly redisUrl: string | undefined;
  readonly telephony!: {
    /** twilio when credentials are set; otherwise the simulated carrier runs in-process. */
    mode: 'twilio' | 'simulated';
    accountSid: string | undefined;
    authToken: string | undefined;
    apiKeySid: string | undefined;
    apiKeySecret: string | undefined;
    twimlAppSid: string | undefined;
    /** Sends REST requests here instead of the carrier's cloud. */
    apiBaseUrl: string | undefined;
    simSeed: number;
    simSpeed: number;
    /** manual: the simulated carrier moves only when a test advances it. */
    simClock: 'real' | 'manual';
    callsPerSecond: number;
    smsPerSecond: number;
    /** A call without a final status for this long is looked up at the carrier. */
    reconcileAfterSeconds: number;
    /** Played in a loop to a caller on hold; without it they hear a short message, then silence. */
    holdMusicUrl: string | undefined;
  };
  readonly imports!: {
    /** Where uploads are staged while their job runs. */
    dir: string;
    maxBytes: number;
  };
  readonly email!: {
    /** The SMTP server; without one, messages are written as .eml files to `outboxDir`. */
    smtpUrl: string | undefined;
    from: string;
    /** The From addresses an agent may send a manual email as: EMAIL_FROM first, then EMAIL_SENDERS. */
    senders: string[];
    outboxDir: string;
    /** Inbound mail: the key its relay signs posts with (no key: the route refuses every post), the largest message taken, and the mailbox polled. */
    inbound: { secret: string | undefined; maxBytes: number; imapUrl: string | undefined; pollSeconds: number; pageSize: number };
  };
  readonly realtime!: {
    /** How often the softphone says it is alive. */
    heartbeatSeconds: number;
    /** No heartbeat for this long: the agent is stale and gets no new work. */
    staleSeconds: number;
    /** An offer not acknowledged within this is sent again. */
    resendSeconds: number;
    /**
     * Admission: with more connecting softphones than this still being served (handshakes,
     * first resyncs), or the event loop behind by more than `maxLagMs`, a handshake is
     * refused as `unavailable`, to be retried after about `retryAfterMs`.
     */
    maxPendingConnects: number;
    maxLagMs: number;
    retryAfterMs: number;
  };
  readonly dialer!: {
    /** How often every active queue is paced (besides agents going ready and calls ending). */
    tickMs: number;
    /** How often supervisors watching a queue get its figures (at least 500 ms: twice a second at most). */
    statsIntervalMs: number;
  };
  readonly callbacks!: {
    /** A due callback its owner has not taken within this long goes to anyone on the queue. */
    escalateAfterMinutes: number;
  };
  readonly replies!: {
    /** An open reply (a lead wrote and nobody has answered) older than this is listed as overdue for supervisors. */
    overdueMinutes: number;
  };
  readonly automations!: {
    /** How often due step automations (pending on a step, delayed after entering) are looked for. */
    scanSeconds: number;
    /** A "Still interested?" link answers for this many days unless the automation says otherwise. */
    interestLinkDays: number;
  };
  readonly integrations!: {
    /** AES-256-GCM key for integration secrets at rest. */
    secretsKey: Buffer;
    /** Each outbound integration request gives up after this long. */
    timeoutMs: number;
    /** Tries after the first on a timeout, a network error, 429 or 5xx… */
    retries: number;
    /** …waiting this long, doubled each time (with jitter). */
    retryBaseMs: number;
  };
  readonly egress!: {
    /** `EGRESS_ALLOW` entries: hosts, `*.domain`, addresses and CIDRs the egress guard lets through. */
    allow: string[];
  };

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

function databaseKind(url: string | undefined): DatabaseKind {
  if (!url) return 'pglite';
  const protocol = new URL(url).protocol;
  return protocol === 'mysql:' || protocol === 'mariadb:' ? 'mysql' : 'postgres';
}

/**
 * A development secret kept beside the embedded data so tokens survive restarts.
 * Production must set JWT_SECRET explicitly.
 */
function developmentSecret(dataDir: string, name = 'jwt-secret'): string {
  if (dataDir === 'memory') return randomBytes(32).toString('hex');
  const file = resolve(dirname(resolve(dataDir)), name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Variables whose values must never be echoed back (they hold or may hold secrets). */
const SECRET_VARIABLES = new Set(['JWT_SECRET', 'SECRETS_KEY', 'ADMIN_PASSWORD', 'DATABASE_URL', 'REDIS_URL', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY_SECRET', 'SMTP_URL', 'EMAIL_INBOUND_SECRET', 'IMAP_URL']);

/** The secrets production checks, how each is judged, and what to do about a weak one. */
const PRODUCTION_SECRETS: Array<{ name: keyof Env & string; kind: SecretKind; remedy: string }> = [
  { name: 'JWT_SECRET', kind: 'text', remedy: 'generate one with `openssl rand -hex 32`' },
  { name: 'SECRETS_KEY', kind: 'hex-key', remedy: 'generate one with `openssl rand -hex 32`' },
  { name: 'TWILIO_AUTH_TOKEN', kind: 'text', remedy: 'use the token the carrier issued' },
  { name: 'TWILIO_API_KEY_SECRET', kind: 'text', remedy: 'use the secret the carrier issued' },
  { name: 'EMAIL_INBOUND_SECRET', kind: 'text', remedy: 'generate one with `openssl rand -hex 32` and give the same to the mail relay' },
  { name: 'ADMIN_PASSWORD', kind: 'password', remedy: 'choose a long passphrase of your own, or leave it unset and the server generates one' },
];

/** The email the first admin signs in with when ADMIN_EMAIL is not set. */
export const DEFAULT_ADMIN_EMAIL = 'admin@switchboard.local';

/**
 * A production server signs tokens and links and seals stored credentials with these, so
 * one anybody can know or guess is refused outright: published values (the compose file's
 * old defaults, every example and test value in this repository), short ones, and ones a
 * person made up rather than generated. Development and test keep their defaults.
 */
function productionSecretProblems(e: Env): string[] {
  const problems: string[] = [];
  for (const { name, kind, remedy } of PRODUCTION_SECRETS) {
    const value = e[name];
    if (typeof value !== 'string') continue;
    const weakness = secretWeakness(value, kind);
    if (weakness) problems.push(`${name}: ${weakness}; ${remedy}`);
  }
  if (e.JWT_SECRET && e.SECRETS_KEY && e.JWT_SECRET.toLowerCase() === e.SECRETS_KEY.toLowerCase()) {
    problems.push('JWT_SECRET: must differ from SECRETS_KEY (one key for two purposes); generate each with `openssl rand -hex 32`');
  }
  return problems;
}

/** EMAIL_FROM and the EMAIL_SENDERS list, each address once (the first spelling kept). */
function sendersOf(from: string, extra: string | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of [from, ...(extra ?? '').split(',')].map((x) => x.trim()).filter(Boolean)) {
    const address = s.replace(/^[^<>]*<([^<>]+)>$/, '$1').trim().toLowerCase();
    if (seen.has(address)) continue;
    seen.add(address);
    out.push(s);
  }
  return out;
}

/** Parses and validates the environment; throws ConfigError naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const got = raw[name] !== undefined && !SECRET_VARIABLES.has(name) ? ` (got "${raw[name]}")` : '';
      return `${name}: ${issue.message}${got}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production');
  if (e.NODE_ENV === 'production' && !e.SECRETS_KEY) problems.push('SECRETS_KEY: required when NODE_ENV=production (it encrypts integration secrets)');
  if (e.NODE_ENV === 'production') problems.push(...productionSecretProblems(e));
  // The demo users share a password printed in this project's files: anyone could sign in as admin.
  if (e.NODE_ENV === 'production' && e.SEED_DEMO) {
    problems.push('SEED_DEMO: the demo users share a published password, so production refuses them; unset it, and the first admin comes from ADMIN_EMAIL and ADMIN_PASSWORD (or a generated password shown once)');
  }
  if (e.SEED_DEMO && (e.ADMIN_EMAIL || e.ADMIN_PASSWORD)) problems.push('ADMIN_EMAIL: the first admin is not created beside the demo users; unset SEED_DEMO or ADMIN_EMAIL and ADMIN_PASSWORD');
  if (e.ADMIN_PASSWORD && !e.ADMIN_EMAIL && e.NODE_ENV !== 'production') problems.push('ADMIN_EMAIL: required with ADMIN_PASSWORD outside production');
  if (!!e.TWILIO_ACCOUNT_SID !== !!e.TWILIO_AUTH_TOKEN) problems.push('TWILIO_AUTH_TOKEN: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN together');
  if (problems.length) throw new ConfigError(problems);

  const kind = databaseKind(e.DATABASE_URL);
  // The embedded database seeds the demo in development, unless a first admin of one's own is named.
  const seedDemo = e.SEED_DEMO ?? (kind === 'pglite' && e.NODE_ENV !== 'production' && !e.ADMIN_EMAIL);
  return new AppConfig({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    listenBacklog: e.LISTEN_BACKLOG,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    database: {
      kind,
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      migrate: e.DATABASE_MIGRATE,
      pgliteDataDir: e.PGLITE_DATA_DIR,
    },
    auth: {
      jwtSecret: e.JWT_SECRET ?? developmentSecret(e.PGLITE_DATA_DIR),
      accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: e.JWT_REFRESH_TTL_SECONDS,
      throttle: {
        accountAddressFailures: e.LOGIN_MAX_FAILURES,
        addressFailures: e.LOGIN_ADDRESS_MAX_FAILURES,
        maxDelaySeconds: e.LOGIN_MAX_DELAY_SECONDS,
        forgetAfterSeconds: e.LOGIN_WINDOW_SECONDS,
      },
    },
    seedDemo,
    firstAdmin: !seedDemo && (e.NODE_ENV === 'production' || e.ADMIN_EMAIL) ? { email: (e.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL).toLowerCase(), password: e.ADMIN_PASSWORD } : null,
    softphoneDir: e.SOFTPHONE_DIR,
    corsOrigins: (e.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    startDatabaseWaitMs: e.START_DATABASE_WAIT_MS,
    schedulerLeaseMs: e.SCHEDULER_LEASE_MS,
    redisUrl: e.REDIS_URL,
    telephony: {
      mode: e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN ? 'twilio' : 'simulated',
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      apiKeySid: e.TWILIO_API_KEY_SID,
      apiKeySecret: e.TWILIO_API_KEY_SECRET,
      twimlAppSid: e.TWILIO_TWIML_APP_SID,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      simSeed: e.CARRIER_SIM_SEED,
      simSpeed: e.CARRIER_SIM_SPEED,
      simClock: e.CARRIER_SIM_CLOCK,
      callsPerSecond: e.OUTBOUND_CALLS_PER_SECOND,
      smsPerSecond: e.OUTBOUND_SMS_PER_SECOND,
      reconcileAfterSeconds: e.CALL_RECONCILE_SECONDS,
      holdMusicUrl: e.HOLD_MUSIC_URL,
    },
    imports: {
      dir: resolve(e.IMPORT_DIR ?? join(tmpdir(), 'switchboard-imports')),
      maxBytes: e.IMPORT_MAX_BYTES,
    },
    email: {
      smtpUrl: e.SMTP_URL,
      from: e.EMAIL_FROM,
      senders: sendersOf(e.EMAIL_FROM, e.EMAIL_SENDERS),
      outboxDir: resolve(e.EMAIL_OUTBOX_DIR),
      inbound: { secret: e.EMAIL_INBOUND_SECRET, maxBytes: e.EMAIL_INBOUND_MAX_BYTES, imapUrl: e.IMAP_URL, pollSeconds: e.IMAP_POLL_SECONDS, pageSize: e.IMAP_PAGE_SIZE },
    },
    callbacks: { escalateAfterMinutes: e.CALLBACK_ESCALATE_MINUTES },
    replies: { overdueMinutes: e.REPLY_OVERDUE_MINUTES },
    automations: { scanSeconds: e.AUTOMATION_SCAN_SECONDS, interestLinkDays: e.INTEREST_LINK_DAYS },
    realtime: { heartbeatSeconds: e.AGENT_HEARTBEAT_SECONDS, staleSeconds: e.AGENT_STALE_SECONDS, resendSeconds: e.REALTIME_RESEND_SECONDS, maxPendingConnects: e.REALTIME_MAX_PENDING_CONNECTS, maxLagMs: e.REALTIME_MAX_LAG_MS, retryAfterMs: e.REALTIME_RETRY_AFTER_MS },
    dialer: { tickMs: e.DIALER_TICK_MS, statsIntervalMs: e.QUEUE_STATS_INTERVAL_MS },
    integrations: {
      secretsKey: Buffer.from(e.SECRETS_KEY ?? developmentSecret(e.PGLITE_DATA_DIR, 'secrets-key'), 'hex'),
      timeoutMs: e.INTEGRATION_TIMEOUT_MS,
      retries: e.INTEGRATION_RETRIES,
      retryBaseMs: e.INTEGRATION_RETRY_BASE_MS,
    },
    egress: { allow: (e.EGRESS_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean) },
  });
}
