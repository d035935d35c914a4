import { z } from 'zod';
import { AllowList } from '../common/egress/allow-list.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'expected a whole number' })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }));

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => p + '//').join(' or ')}` },
  );

/**
 * Every environment variable Switchboard reads, validated once at boot.
 * `.env.example` documents each of them; keep the two in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(3000),
  LISTEN_BACKLOG: int(16, 65_535).default(4096),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  DATABASE_URL: url(['postgres:', 'postgresql:', 'mysql:', 'mariadb:']).optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  DATABASE_MIGRATE: bool.default(true),
  PGLITE_DATA_DIR: z.string().min(1).default('./.data/pglite'),
  JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  JWT_ACCESS_TTL_SECONDS: int(30, 86_400).default(900),
  JWT_REFRESH_TTL_SECONDS: int(300, 90 * 86_400).default(14 * 86_400),
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  LOGIN_ADDRESS_MAX_FAILURES: int(1, 100_000).default(20),
  LOGIN_MAX_DELAY_SECONDS: int(1, 86_400).default(900),
  LOGIN_WINDOW_SECONDS: int(1, 86_400).default(900),
  SEED_DEMO: bool.optional(),
  ADMIN_EMAIL: z.string().max(254).regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: 'expected an email address' }).optional(),
  ADMIN_PASSWORD: z.string().min(8, { message: 'must be at least 8 characters' }).max(200, { message: 'must be at most 200 characters' }).optional(),
  SOFTPHONE_DIR: z.string().min(1).optional(),
  CORS_ORIGINS: z.string().optional(),
  SHUTDOWN_TIMEOUT_MS: int(0, 120_000).default(10_000),
  START_DATABASE_WAIT_MS: int(0, 3_600_000).default(300_000),
  SCHEDULER_LEASE_MS: int(3_000, 600_000).default(20_000),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, { message: 'expected AC followed by 32 hex digits' }).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_API_KEY_SID: z.string().regex(/^SK[0-9a-fA-F]{32}$/, { message: 'expected SK followed by 32 hex digits' }).optional(),
  TWILIO_API_KEY_SECRET: z.string().min(16).optional(),
  TWILIO_TWIML_APP_SID: z.string().regex(/^AP[0-9a-fA-F]{32}$/, { message: 'expected AP followed by 32 hex digits' }).optional(),
  TWILIO_API_BASE_URL: url(['http:', 'https:']).optional(),
  CARRIER_SIM_SEED: int(0, 2 ** 31 - 1).default(1),
  CARRIER_SIM_SPEED: int(1, 1000).default(1),
  CARRIER_SIM_CLOCK: z.enum(['real', 'manual']).default('real'),
  OUTBOUND_CALLS_PER_SECOND: int(1, 100).default(1),
  OUTBOUND_SMS_PER_SECOND: int(1, 100).default(1),
  CALL_RECONCILE_SECONDS: int(10, 86_400).default(120),
  IMPORT_DIR: z.string().min(1).optional(),
  IMPORT_MAX_BYTES: int(1024, 2 ** 31 - 1).default(25 * 1024 * 1024),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  EMAIL_FROM: z.string().min(3).max(254).default('Switchboard <no-reply@switchboard.local>'),
  EMAIL_OUTBOX_DIR: z.string().min(1).default('./.data/outbox'),
  /** More From addresses an agent may pick for a manual email, besides EMAIL_FROM: a comma list of `addr` or `Name <addr>`. */
  EMAIL_SENDERS: z
    .string()
    .max(4000)
    .refine((v) => v.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.length <= 254 && /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/.test(s.replace(/^[^<>]*<([^<>]+)>$/, '$1'))), { message: 'expected a comma list of email addresses (addr or Name <addr>)' })
    .optional(),
  EMAIL_INBOUND_SECRET: z.string().min(16).max(500).optional(),
  EMAIL_INBOUND_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  IMAP_URL: url(['imap:', 'imaps:']).optional(),
  IMAP_POLL_SECONDS: int(5, 86_400).default(60),
  IMAP_PAGE_SIZE: int(1, 1000).default(50),
  CALLBACK_ESCALATE_MINUTES: int(1, 1440).default(10),
  REPLY_OVERDUE_MINUTES: int(1, 1440).default(15),
  AUTOMATION_SCAN_SECONDS: int(5, 86_400).default(60),
  INTEREST_LINK_DAYS: int(1, 365).default(14),
  AGENT_HEARTBEAT_SECONDS: int(1, 300).default(5),
  AGENT_STALE_SECONDS: int(3, 3600).default(20),
  REALTIME_RESEND_SECONDS: int(1, 300).default(3),
  REALTIME_MAX_PENDING_CONNECTS: int(1, 1_000_000).default(1000),
  REALTIME_MAX_LAG_MS: int(10, 60_000).default(500),
  REALTIME_RETRY_AFTER_MS: int(100, 60_000).default(1000),
  DIALER_TICK_MS: int(100, 60_000).default(1000),
  QUEUE_STATS_INTERVAL_MS: int(500, 60_000).default(500),
  HOLD_MUSIC_URL: url(['http:', 'https:']).optional(),
  SECRETS_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a 32-byte key)').optional(),
  INTEGRATION_TIMEOUT_MS: int(100, 120_000).default(10_000),
  INTEGRATION_RETRIES: int(0, 10).default(3),
  INTEGRATION_RETRY_BASE_MS: int(1, 60_000).default(500),
  EGRESS_ALLOW: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const { problems } = AllowList.parse(v);
      if (problems.length) ctx.addIssue({ code: 'custom', message: `expected host names, *.domain, addresses or CIDRs separated by commas; cannot read ${problems.map((p) => `"${p}"`).join(', ')}` });
    }),
});

export type Env = z.infer<typeof envSchema>;
