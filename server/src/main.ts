import { ConfigError } from './config/app-config.js';
import { DataDirLockedError } from './database/embedded-postgres.js';
import { DEMO_PASSWORD, DEMO_USERS } from './demo/demo-seed.service.js';
import { startServer } from './server.js';
import { FirstAdminService } from './users/first-admin.service.js';

try {
  const server = await startServer();
  const lines = [``, `  Switchboard is running at ${server.url}`, `  API docs: ${server.url}/api/docs`];
  if (server.config.database.kind === 'pglite') lines.push(`  Database: embedded (${server.config.database.pgliteDataDir})`);
  if (server.config.seedDemo) {
    lines.push(`  Demo logins (password "${DEMO_PASSWORD}"):`);
    for (const u of DEMO_USERS) lines.push(`    ${u.role.padEnd(10)} ${u.email}`);
  }
  const admin = server.app.get(FirstAdminService).created;
  if (admin) {
    lines.push(`  First admin created: ${admin.email}`);
    if (admin.generatedPassword) lines.push(`  Its password, shown this once: ${admin.generatedPassword}`, `  Sign in and change it under Users.`);
  }
  // Listening before the banner, and for good: a signal repeated while stopping (or re-raised
  // by anything else listening) must not fall back to the default, which ends the process
  // with work half-released. `stop()` is idempotent.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      server.stop().then(
        () => process.exit(0),
        (e) => {
          process.stderr.write(`Shutdown failed: ${(e as Error).message}\n`);
          process.exit(1);
        },
      );
    });
  }
  process.stderr.write(lines.join('\n') + '\n\n');
} catch (e) {
  if (e instanceof ConfigError || e instanceof DataDirLockedError) {
    process.stderr.write(`${e.message}\n`);
  } else {
    process.stderr.write(`Switchboard failed to start: ${(e as Error).stack ?? String(e)}\n`);
  }
  process.exit(1);
}
