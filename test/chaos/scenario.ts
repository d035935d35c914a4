import type { LeadView, RingPoolView, ScheduleView, UserView } from '#shared';
import { HttpPeer } from '../support/http-peer.js';
import { ChaosAgent } from './agent.js';
import { ADMIN_EMAIL, type ChaosDatabase, Cluster, type Instance, PASSWORD } from './cluster.js';

export interface ScenarioOptions {
  leads: number;
  /** Tasks for the socket-connected agent, falling due in waves while instances die. */
  agentTasks: number;
  /** Faults stop after this long even if the drain is not over. */
  maxChaosMs: number;
  /** After the faults stop: how long the cluster has to finish everything. */
  settleMs: number;
  leaseMs: number;
  /** Take-over may lag the lease by this much (the sweep, a claim round, a busy machine). */
  takeoverMarginMs: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Report {
  kind: ChaosDatabase;
  seconds: { setup: number; drain: number; settle: number };
  figures: Record<string, string | number>;
  checks: Check[];
  /** What a failed check found, row by row (a few of each). */
  details: string[];
}

const FINAL = ['completed', 'failed', 'skipped'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** A zone where it is early afternoon now, so the calling window never holds a text back whenever CI runs. */
function afternoonZone(now = new Date()): string {
  let offset = 13 - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  // Etc/GMT signs are inverted: Etc/GMT-5 is five hours ahead of UTC.
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

async function inParallel<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

async function expectStatus<T>(p: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  return res.body;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

/**
 * The chaos scenario: a ring pool, `leads` leads in a schedule "webhook to a counting
 * listener → SMS", all enrolled at once, drained by three instances while the harness
 * kills them (-9, restarted a second later), cuts their database connections in their
 * proxies and has the database end their sessions; meanwhile a socket-connected agent
 * gets tasks, and its instance is killed while they are offered. Then it checks that
 * nothing was lost, nothing was done twice under different keys, everything finished,
 * nobody crashed and dead instances' work was taken over within the lease.
 */
export async function runScenario(kind: ChaosDatabase, o: ScenarioOptions, log: (line: string) => void): Promise<Report> {
  const t0 = Date.now();
  const cluster = new Cluster(kind, 3, { SCHEDULER_LEASE_MS: String(o.leaseMs) });
  const listener = new HttpPeer();
  const deliveries: Array<{ leadId: string; key: string; at: number }> = [];
  listener.on('POST /hook', (req) => {
    const leadId = String((req.json as { leadId?: unknown } | null)?.leadId ?? '');
    deliveries.push({ leadId, key: String(req.headers['idempotency-key'] ?? ''), at: Date.now() });
    // Mostly quick; now and then slow enough to be in flight when an instance dies.
    return { status: 200, body: { ok: true }, delayMs: Math.random() < 0.03 ? 1_500 : Math.floor(between(5, 60)) };
  });
  let agent: ChaosAgent | null = null;
  const faults = { kills: 0, cuts: 0, connectionsCut: 0, terminations: 0, sessionsEnded: 0 };
  const takeovers: Array<{ fromKill: number; afterLease: number }> = [];
  let unreleased = 0;
  const watchers: Promise<void>[] = [];
  try {
    await listener.start();
    await cluster.start();
    log(`  cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${cluster.instances.map((i) => `${i.name}:${i.port}`).join(', ')})`);
    const admin = await cluster.login(ADMIN_EMAIL);
    const agentUser = await expectStatus(cluster.api<UserView>('POST', '/api/users', admin, { email: 'chaos-agent@example.test', name: 'Chaos Agent', role: 'agent', password: PASSWORD }), 201, 'create the agent');
    const agentToken = await cluster.login(agentUser.email);

    const pool = await expectStatus(
      cluster.api<RingPoolView>('POST', '/api/ring-pools', admin, { name: 'Chaos numbers', strategy: 'round-robin', dailySmsCap: 10_000, dailyCallCap: 10_000, numbers: Array.from({ length: 10 }, (_, i) => ({ e164: `+1212555${String(100 + i).padStart(4, '0')}` })) }),
      201,
      'create the ring pool',
    );
    const zone = afternoonZone();
    // The drip's leads arrive as a floor's do, in one CSV import; the agent's few are made one by one.
    const csv = ['first_name,phone,timezone', ...Array.from({ length: o.leads }, (_, i) => `Lead${i},+1${305 + Math.floor(i / 10_000)}555${String(i % 10_000).padStart(4, '0')},${zone}`)].join('\n');
    const upload = await expectStatus(cluster.api<{ id: string }>('POST', '/api/lead-imports?filename=chaos.csv', admin, csv), 201, 'upload the leads');
    await expectStatus(cluster.api('POST', `/api/lead-imports/${upload.id}/start`, admin, { columns: { first_name: 'firstName', phone: 'phone', timezone: 'timezone' }, dedupe: 'allow' }), 202, 'start the import');
    for (const until = Date.now() + 120_000; ; ) {
      const job = await expectStatus(cluster.api<{ status: string; counts: { created: number } }>('GET', `/api/lead-imports/${upload.id}`, admin), 200, 'the import');
      if (job.status === 'completed' && job.counts.created === o.leads) break;
      if (job.status === 'failed' || job.status === 'completed' || Date.now() > until) throw new Error(`the import ended ${job.status} with ${JSON.stringify(job.counts)}`);
      await sleep(500);
    }
    const leadIds = (await cluster.query<{ id: string }>('SELECT id FROM leads WHERE owner_id IS NULL')).map((r) => r.id);
    const taskLeadIds: string[] = new Array(o.agentTasks);
    await inParallel([...Array(o.agentTasks).keys()], 4, async (i) => {
      const lead = await expectStatus(cluster.api<LeadView>('POST', '/api/leads', admin, { firstName: `Task${i}`, phones: [{ number: `+1415555${String(i).padStart(4, '0')}` }], timezone: zone, ownerId: agentUser.id }), 201, `task lead ${i}`);
      taskLeadIds[i] = lead.id;
    });
    const drip = await expectStatus(
      cluster.api<ScheduleView>('POST', '/api/schedules', admin, {
        name: 'Chaos drip',
        timezone: 'UTC',
        smsPoolId: pool.id,
        steps: [
          { type: 'webhook', timing: { kind: 'delay', amount: 0, unit: 'seconds' }, config: { url: `${listener.url}/hook`, body: { leadId: '{{lead.id}}' } } },
          { type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'seconds' }, config: { body: 'Hi {{lead.firstName}}, thanks for your interest.' } },
        ],
      }),
      201,
      'create the schedule',
    );
    const tasks = await expectStatus(
      cluster.api<ScheduleView>('POST', '/api/schedules', admin, {
        name: 'Chaos agent tasks',
        timezone: 'UTC',
        steps: [{ type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 4, unit: 'seconds' }, config: { title: 'Call back' } }],
      }),
      201,
      'create the task schedule',
    );
    const setupSeconds = (Date.now() - t0) / 1000;
    log(`  ${o.leads} leads, ${o.agentTasks} agent tasks and two schedules made in ${setupSeconds.toFixed(1)} s; enrolling and starting the faults`);

    // The agent sits on the instance that will be killed first, while its tasks are offered.
    const agentHome = cluster.instances[0];
    agent = new ChaosAgent(cluster, agentToken);
    await agent.connect(agentHome);

    const tDrain = Date.now();

    const open = async () => {
      const [a] = await cluster.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM participant_actions WHERE status NOT IN ('completed', 'failed', 'skipped')`);
      const [e] = await cluster.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM schedule_enrollments WHERE status = 'active'`);
      return Number(a.n) + Number(e.n);
    };

    let chaos = true;
    const chaosUntil = Date.now() + o.maxChaosMs;
    const restarts: Promise<void>[] = [];
    const restart = async (i: Instance) => {
      await sleep(1_000);
      await cluster.boot(i).catch((e: unknown) => log(`  ! ${i.name} did not come back: ${(e as Error).message.split('\n')[0]}`));
    };
    const killOne = async (target: Instance, why: string) => {
      const pid = await cluster.kill(target);
      faults.kills++;
      const at = Date.now();
      const held = await cluster.jobsHeldBy(pid);
      log(`  kill -9 ${target.name} (${why}) holding ${held.length} job(s)`);
      watchers.push(
        (async () => {
          const left = new Map(held.map((h) => [h.id, h.leaseUntil.getTime()]));
          const until = Date.now() + o.leaseMs * 4 + 30_000;
          while (left.size && Date.now() < until) {
            await sleep(200);
            const released = await cluster.releasedFrom(pid, [...left.keys()]).catch(() => new Set<string>());
            for (const id of released) {
              const now = Date.now();
              takeovers.push({ fromKill: now - at, afterLease: now - left.get(id)! });
              left.delete(id);
            }
          }
          unreleased += left.size;
        })(),
      );
      restarts.push(restart(target));
    };

    // The agent's tasks fall due in waves; the first kill takes the agent's instance just as the first wave is offered.
    const waves = 4;
    const perWave = Math.ceil(taskLeadIds.length / waves);
    let wavesDone = false;
    const enrollWaves = (async () => {
      for (let w = 0; w < waves && chaos; w++) {
        await expectStatus(cluster.api('POST', `/api/schedules/${tasks.id}/enrollments`, admin, { leadIds: taskLeadIds.slice(w * perWave, (w + 1) * perWave) }), 201, 'enroll the agent tasks');
        if (w === 0) {
          const until = Date.now() + 60_000;
          while (agent.seen.size === 0 && Date.now() < until) await sleep(50);
          if (agentHome.state === 'up') await killOne(agentHome, 'the agent\'s instance, while its tasks are offered');
        }
        await sleep(between(3_000, 5_000));
      }
      wavesDone = true;
    })();

    const killer = (async () => {
      await sleep(6_000);
      while (chaos) {
        // One instance down at a time: the floor keeps serving while each dies and comes back.
        const live = cluster.up();
        if (live.length === cluster.instances.length) await killOne(pick(live), 'random');
        await sleep(between(3_000, 6_000));
      }
    })();
    const cutter = (async () => {
      while (chaos) {
        await sleep(between(6_000, 9_000));
        const live = cluster.up();
        if (!live.length || !chaos) continue;
        const target = pick(live);
        const n = target.proxy.cut();
        faults.cuts++;
        faults.connectionsCut += n;
      }
    })();
    const terminator = (async () => {
      while (chaos) {
        await sleep(between(8_000, 14_000));
        if (!chaos) break;
        faults.terminations++;
        faults.sessionsEnded += await cluster.terminateSessions().catch(() => 0);
      }
    })();

    // Enrolling is part of the drain: batches, two at a time, while the faults run (a batch cut off by a kill is asked again; leads already in are refused as such).
    const chunks: string[][] = [];
    for (let i = 0; i < leadIds.length; i += 200) chunks.push(leadIds.slice(i, i + 200));
    let enrolled = false;
    const enrolling = inParallel(chunks, 2, async (chunk) => {
      await expectStatus(cluster.api('POST', `/api/schedules/${drip.id}/enrollments`, admin, { leadIds: chunk }), 201, 'enroll');
    }).then(() => {
      enrolled = true;
      log(`  ${leadIds.length} leads enrolled in ${((Date.now() - tDrain) / 1000).toFixed(1)} s`);
    });

    let lastLog = 0;
    for (;;) {
      await sleep(1_000);
      const left = await open().catch(() => -1);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`  ${((Date.now() - tDrain) / 1000).toFixed(0)} s: ${left} open, ${deliveries.length} webhook deliveries, up: ${cluster.up().map((i) => i.name).join(' ')}`);
      }
      if ((left === 0 && wavesDone && enrolled) || Date.now() > chaosUntil) break;
    }
    chaos = false;
    await Promise.all([killer, cutter, terminator, enrollWaves, enrolling]);
    const drainSeconds = (Date.now() - tDrain) / 1000;
    log(`  faults stopped after ${drainSeconds.toFixed(0)} s; settling`);

    // Settle: everyone back up, then everything final (and a quiet moment for late repeats).
    const tSettle = Date.now();
    await Promise.all(restarts);
    for (const i of cluster.instances) if (i.state === 'down' && !i.crashes.length) await cluster.boot(i).catch(() => undefined);
    while (Date.now() - tSettle < o.settleMs && (await open().catch(() => -1)) !== 0) await sleep(1_000);
    await Promise.all(watchers);
    await sleep(3_000);
    const settleSeconds = (Date.now() - tSettle) / 1000;

    // ── the figures ────────────────────────────────────────────────────────────────
    const checks: Check[] = [];
    const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

    const keysByLead = new Map<string, Set<string>>();
    for (const d of deliveries) {
      const keys = keysByLead.get(d.leadId) ?? new Set<string>();
      keys.add(d.key);
      keysByLead.set(d.leadId, keys);
    }
    const never = leadIds.filter((id) => !keysByLead.has(id));
    const twiceUnderTwoKeys = [...keysByLead.entries()].filter(([, keys]) => keys.size > 1);
    const sameKeyRepeats = deliveries.length - [...keysByLead.values()].reduce((a, k) => a + k.size, 0);
    check('every lead\'s webhook delivered', never.length === 0, `${never.length} of ${leadIds.length} never delivered`);
    check('no lead delivered twice under different keys', twiceUnderTwoKeys.length === 0, `${twiceUnderTwoKeys.length} lead(s) with more than one Idempotency-Key`);

    const statuses = await cluster.query<{ status: string; n: number | string }>('SELECT status, COUNT(*) AS n FROM participant_actions GROUP BY status');
    const notFinal = statuses.filter((s) => !FINAL.includes(s.status)).reduce((a, s) => a + Number(s.n), 0);
    check('every participant action final', notFinal === 0, statuses.map((s) => `${s.status} ${s.n}`).join(', '));
    const [activeEnrollments] = await cluster.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM schedule_enrollments WHERE status <> 'completed'`);
    check('every enrollment completed', Number(activeEnrollments.n) === 0, `${activeEnrollments.n} not completed`);

    const smsSteps = await cluster.query<{ id: string; lead_id: string; status: string; n: number | string }>(
      `SELECT pa.id, pa.lead_id, pa.status, (SELECT COUNT(*) FROM conversations c WHERE c.cause_id = pa.id AND c.channel = 'sms' AND c.direction = 'outbound') AS n FROM participant_actions pa WHERE pa.schedule_id = $1 AND pa.type = 'sms'`,
      [drip.id],
    );
    const notOne = smsSteps.filter((s) => Number(s.n) !== 1);
    check('every SMS step has exactly one outbound SMS conversation', smsSteps.length === leadIds.length && notOne.length === 0, `${smsSteps.length} SMS steps, ${notOne.length} without exactly one conversation`);
    const leadPhones = await cluster.query<{ id: string; phone: string }>('SELECT id, phone FROM leads WHERE id IN (SELECT lead_id FROM participant_actions WHERE schedule_id = $1)', [drip.id]);
    const texts = new Map<string, number>();
    for (const m of cluster.carrier.listMessages()) texts.set(m.to, (texts.get(m.to) ?? 0) + 1);
    const textedTwice = leadPhones.filter((l) => (texts.get(l.phone) ?? 0) > 1);
    const neverTexted = leadPhones.filter((l) => !texts.get(l.phone));
    check('no lead texted twice at the carrier', textedTwice.length === 0, `${textedTwice.length} lead(s) got more than one text`);
    check('every lead\'s text reached the carrier', neverTexted.length === 0, `${neverTexted.length} lead(s) never texted`);
    const convStatuses = await cluster.query<{ status: string; n: number | string }>(`SELECT status, COUNT(*) AS n FROM conversations WHERE channel = 'sms' GROUP BY status`);

    const crashes = cluster.instances.flatMap((i) => i.crashes.map((c) => ({ name: i.name, ...c })));
    check('no instance ended by itself', crashes.length === 0, crashes.length ? crashes.map((c) => `${c.name} exit ${c.code}: ${c.output.slice(-600)}`).join('\n') : 'none');
    const rejections = cluster.instances.reduce((a, i) => a + cluster.output(i).split('process.unhandled-rejection').length - 1, 0);
    const bad5xx = cluster.carrier.deliveries.filter((d) => d.status >= 500 && d.status !== 502 && d.status !== 503);
    check('no carrier callback answered with a server error', bad5xx.length === 0, `${bad5xx.length} callback(s) got ${[...new Set(bad5xx.map((d) => d.status))].join('/') || 'no'} 5xx`);

    const sortedTakeover = takeovers.map((x) => x.fromKill).sort((a, b) => a - b);
    const worstAfterLease = Math.max(0, ...takeovers.map((x) => x.afterLease));
    check(
      'a killed instance\'s work taken over within the lease',
      unreleased === 0 && pct(sortedTakeover, 100) <= o.leaseMs + o.takeoverMarginMs,
      `${takeovers.length} job(s) taken over, max ${pct(sortedTakeover, 100)} ms after the kill (lease ${o.leaseMs} ms + ${o.takeoverMarginMs} ms), ${unreleased} never`,
    );

    const taskRows = await cluster.query<{ id: string; status: string; completed_by: string | null }>('SELECT id, status, completed_by FROM participant_actions WHERE schedule_id = $1', [tasks.id]);
    const lost = taskRows.filter((r) => !agent!.seen.has(r.id));
    const homeKill = agent.disconnects.find((d) => d.instance === agentHome.name)?.at ?? Infinity;
    const afterReconnect = [...agent.seen.values()].filter((s) => s.at > homeKill && s.on !== agentHome.name);
    const latencies = [...agent.seen.values()].map((s) => s.at - s.dueAt).sort((a, b) => a - b);
    check('0 lost pushes to the agent', taskRows.length === o.agentTasks && lost.length === 0, `${taskRows.length} tasks, ${agent.seen.size} reached the agent (${[...agent.seen.values()].filter((s) => s.via === 'offer').length} offered, ${[...agent.seen.values()].filter((s) => s.via === 'sync').length} by resync), ${lost.length} lost`);
    check('the agent\'s offers arrive after it reconnects to another instance', homeKill < Infinity && afterReconnect.length > 0, `${afterReconnect.length} task(s) reached it on ${[...new Set(afterReconnect.map((s) => s.on))].join(', ') || 'no other instance'} after its instance was killed`);

    const details: string[] = [];
    for (const [leadId] of twiceUnderTwoKeys.slice(0, 3)) {
      const rows = await cluster.query<Record<string, unknown>>('SELECT id, enrollment_id, type, status, outcome, attempts, created_at FROM participant_actions WHERE lead_id = $1 ORDER BY created_at', [leadId]);
      details.push(`lead ${leadId} delivered under ${[...keysByLead.get(leadId)!].join(', ')}; its actions: ${JSON.stringify(rows)}`);
    }
    for (const l of neverTexted.slice(0, 5)) {
      const rows = await cluster.query<Record<string, unknown>>(
        `SELECT pa.status AS action, pa.outcome, pa.detail, c.status, c.provider_sid, c.error_code, c.error_message FROM participant_actions pa LEFT JOIN conversations c ON c.cause_id = pa.id WHERE pa.lead_id = $1 AND pa.type = 'sms'`,
        [l.id],
      );
      details.push(`lead ${l.id} never texted: ${JSON.stringify(rows)}`);
    }
    for (const d of bad5xx.slice(0, 5)) details.push(`carrier ${d.kind} ${d.url} → ${d.status} ${d.response.slice(0, 300)}`);
    for (const i of cluster.instances) {
      for (const line of cluster.output(i).split('\n').filter((x) => /"level":"error"|unhandled/.test(x)).slice(0, 5)) details.push(`${i.name}: ${line.slice(0, 600)}`);
    }

    return {
      kind,
      details,
      seconds: { setup: setupSeconds, drain: drainSeconds, settle: settleSeconds },
      figures: {
        leads: leadIds.length,
        'webhook deliveries': deliveries.length,
        'same key delivered again': sameKeyRepeats,
        'different keys for one lead': twiceUnderTwoKeys.length,
        'texts at the carrier': cluster.carrier.listMessages().length,
        'sms conversations': convStatuses.map((s) => `${s.status} ${s.n}`).join(', '),
        'kill -9 (one down at a time)': faults.kills,
        'proxy cuts (connections)': `${faults.cuts} (${faults.connectionsCut})`,
        [kind === 'postgres' ? 'pg_terminate_backend rounds (sessions)' : 'KILL CONNECTION rounds (sessions)']: `${faults.terminations} (${faults.sessionsEnded})`,
        'restarts': cluster.instances.reduce((a, i) => a + i.starts - 1, 0),
        'take-over after kill p50/max ms': `${pct(sortedTakeover, 50)} / ${pct(sortedTakeover, 100)} (${takeovers.length} jobs)`,
        'take-over after lease expiry max ms': takeovers.length ? worstAfterLease : 0,
        'agent: reconnects': agent.connections.length - 1,
        'agent: offers (on their first send)': `${agent.offers} (${agent.firstSends})`,
        'agent: due → seen p50/max ms': `${pct(latencies, 50)} / ${pct(latencies, 100)}`,
        'unhandled rejections logged': rejections,
      },
      checks,
    };
  } finally {
    agent?.close();
    await Promise.allSettled(watchers);
    await cluster.stop();
    await listener.stop();
  }
}
