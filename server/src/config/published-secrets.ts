/**
 * Secret values that are public: anyone who has read this project's files (its history
 * included) or a well-known tutorial knows them, so a production server must never sign
 * or seal anything with one. Reviewed list: every default, example and test value this
 * project has shipped for a secret variable, and widely copied example secrets.
 * `published-secrets.spec.ts` scans the repository and fails when a secret value appears
 * in it that the production check would accept, so a new example lands here too.
 *
 * Short values are refused anyway (fewer than 32 characters); they are listed so the
 * reason given is the true one.
 */
export const PUBLISHED_SECRETS: ReadonlyArray<{ value: string; where: string }> = [
  // docker-compose.yml, before the operator had to set them.
  { value: 'change-me-change-me-change-me-change-me', where: 'docker-compose.yml (old JWT_SECRET default)' },
  { value: '0000000000000000000000000000000000000000000000000000000000000000', where: 'docker-compose.yml (old SECRETS_KEY default)' },
  // The test and benchmark configurations.
  { value: 'test-secret-test-secret-test-secret-0123456789', where: 'test/support/app.ts' },
  { value: 'bench-secret-bench-secret-bench-secret-0123', where: 'test/bench/scheduler.ts (earlier versions)' },
  { value: 'auth-token-auth-token', where: 'server/src/telephony/voice-tokens.spec.ts' },
  { value: 'api-secret-api-secret', where: 'server/src/telephony/voice-tokens.spec.ts' },
  { value: 'inbound-relay-test-key-0123456789', where: 'test/integration/inbound-email.int-spec.ts' },
  { value: 'another-key-another-key-0123', where: 'test/integration/inbound-email.int-spec.ts (a forged signature)' },
  // Passwords the tests sign in with (any could be tried as a first admin's ADMIN_PASSWORD).
  { value: 'correct horse battery', where: 'test/support/factories.ts (every test user)' },
  { value: 'a long passphrase of my own', where: 'test/integration/first-admin.int-spec.ts' },
  { value: 'agent-password-1', where: 'test/integration/first-admin.int-spec.ts' },
  { value: 'long enough pw', where: 'test/integration/auth.int-spec.ts, validation.int-spec.ts' },
  { value: 'not the password', where: 'test/integration/auth.int-spec.ts (a wrong password)' },
  { value: 'chaos-suite-password', where: 'test/chaos/cluster.ts (the chaos suite’s first admin)' },
  // The demo and the compose databases.
  { value: 'switchboard-demo', where: 'the demo users’ password' },
  { value: 'switchboard', where: 'docker-compose.yml and .ci/run database passwords' },
  { value: 'switchboard-root', where: 'docker-compose.yml MySQL root password' },
  // Widely copied examples.
  { value: 'a-string-secret-at-least-256-bits-long', where: 'the jwt.io debugger’s example key' },
  { value: 'your-256-bit-secret', where: 'the jwt.io debugger’s former example key' },
  { value: 'super-secret-jwt-token-with-at-least-32-characters-long', where: 'a widely used self-hosting default' },
  { value: 'your-super-secret-jwt-token-with-at-least-32-characters-long', where: 'a widely used self-hosting example' },
];

/** Words that mark a value as a placeholder someone meant to replace. */
export const PLACEHOLDER_MARKERS: readonly string[] = ['change-me', 'changeme', 'change_me', 'replace-me', 'replaceme', 'your-secret', 'your_secret', 'insert-secret', 'example-secret'];
