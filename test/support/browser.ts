import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { DialItemView, DialQueueView, LeadView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';

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

/** The API as a demo user, for set-up and checks beside the browser: throws on a non-2xx answer, naming it. */
export function demoApi(server: RunningServer, token: () => string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
}

/** A new browser context signed in as a demo user; its console errors and page errors are kept in `errors`. */
export async function signInAs(browser: Browser, server: RunningServer, email: string, errors: string[], viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: server.url });
  const page = await context.newPage();
  page.on('console', (msg) => msg.type() === 'error' && errors.push(`${email}: ${msg.text()}`));
  page.on('pageerror', (e) => errors.push(`${email}: ${e.message}`));
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('switchboard-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/**
 * The demo product set up for a browser test of the floor: dialing allowed at any hour (the
 * real clock decides when CI runs), every lead of the demo campaign scripted to answer with
 * `answer`, and with `dueNow` each of its items due at once (the demo checked them against
 * the shipped hours when it was seeded).
 */
export async function startDemoFloor(o: { answer: { ringSeconds: number; talkSeconds: number }; env?: Record<string, string>; dueNow?: boolean }) {
  const server = await startDemoServer({ NODE_ENV: 'development', DIALER_TICK_MS: '500', ...o.env });
  const adminToken = await demoToken(server, 'admin@switchboard.local');
  const api = demoApi(server, () => adminToken);
  await api('PUT', '/api/compliance/calling-rules', { defaultWindow: { start: '00:00', end: '23:59' }, regions: {}, holidays: [] });
  const { SIMULATED_CARRIER } = await import('../../server/src/telephony/carrier/carrier.providers.js');
  const { DialItemsRepository } = await import('../../server/src/dialer/dial-items.repository.js');
  const queue = (await api<DialQueueView[]>('GET', '/api/dial-queues')).find((q) => q.name === 'Demo campaign')!;
  const sim = server.app.get<SimulatedCarrier>(SIMULATED_CARRIER);
  for (const item of await api<DialItemView[]>('GET', `/api/dial-queues/${queue.id}/items?limit=100`)) {
    const lead = await api<LeadView>('GET', `/api/leads/${item.leadId}`);
    for (const p of lead.phones) sim.script(p.number, { outcome: 'answer', ...o.answer });
    if (o.dueNow) await server.app.get(DialItemsRepository).move(item.id, ['pending'], { dueAt: new Date(), checkedAt: null, detail: null, updatedAt: new Date() });
  }
  return { server, adminToken, queue, sim };
}
