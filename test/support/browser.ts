import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import type { RunningServer } from '../../server/src/server.js';

/** What the browser tests share: the built softphone, where screenshots go, and Debian's Chromium. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const softphoneDir = join(root, 'dist/softphone');
export const artifacts = join(root, 'test/artifacts');

/** Newest modification time under a folder (the softphone's sources). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the softphone when there is no build, or when its sources changed since the last one; makes the artifacts folder. */
export function ensureSoftphoneBuilt(): void {
  mkdirSync(artifacts, { recursive: true });
  const index = join(softphoneDir, 'index.html');
  const sources = Math.max(newestMtime(join(root, 'softphone')), newestMtime(join(root, 'shared/src')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'softphone/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The whole product in this process on an in-memory embedded database with the demo data, serving the built softphone. */
export async function startDemoServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const { startServer } = await import('../../server/src/server.js');
  return startServer({ PORT: '0', HOST: '127.0.0.1', PGLITE_DATA_DIR: 'memory', LOG_LEVEL: 'silent', SEED_DEMO: 'true', SOFTPHONE_DIR: softphoneDir, NODE_ENV: 'test', ...env });
}

/** An access token for a demo user, for checks through the API beside the browser. */
export async function demoToken(server: RunningServer, email: string): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: 'switchboard-demo' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}
