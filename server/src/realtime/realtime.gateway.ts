import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io';
import { type AckResult, ErrorCode, type HandshakeRefusal, type AgentStatusView, CHOSEN_AGENT_STATES, type ChosenAgentState, type ClientToServerEvents, type ServerToClientEvents, type SocketData, type QueueStats, type SoftphoneHealth, type WorkItem } from '#shared';
import { TokenService } from '../auth/token.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { BatchedByKey } from '../common/batched-by-key.js';
import { AppConfig } from '../config/app-config.js';
import { DEPLOYMENT_ID } from '../database/deployment-id.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { type User, UsersRepository } from '../users/users.repository.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { Admission } from './admission.js';
import { ConnectBatches } from './connect-batches.js';
import { queueRoom, type RealtimeServer, RealtimeHub, SUPERVISORS_ROOM, sessionRoom, userRoom, WorkPush } from './work-push.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Redis channel prefix of a deployment's fan-out: its stored id, so two deployments on one Redis never mix. */
export function fanOutChannel(deploymentId: string): string {
  return `switchboard:${deploymentId}`;
}

type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const PHONE = ['registered', 'unregistered', 'error', 'simulated'];
const MIC = ['granted', 'denied', 'prompt', 'unknown'];
const MAX_TIMER_MS = 2 ** 31 - 1;
const SERVED_WITHIN_MS = 10_000;

const unauthorized = (message: string) => new DomainError(ErrorCode.Unauthenticated, message);

/** A refused handshake: the message for people, `data` for the softphone to act on. */
const refusal = (message: string, data: HandshakeRefusal): Error => Object.assign(new Error(message), { data });

const failure = (e: unknown): AckResult => {
  if (e instanceof DomainError) {
    const first = e.fields?.[0];
    return { ok: false, error: first ? { field: first.field, message: `${first.field} ${first.message}` } : { message: e.message } };
  }
  return { ok: false, error: { message: 'The server could not do that; try again' } };
};

/**
 * The Socket.IO endpoint of the softphone (`/socket.io`). The handshake carries the
 * access token (`auth.token`); a socket lives no longer than its token unless renewed,
 * and closes when its session is revoked or its user deactivated. Agents join their own
 * room, supervisors also the supervisors' room. With REDIS_URL, rooms span instances.
 */
// No compression: deflating every frame and upgrade costs CPU per connection that ten
// thousand sockets on one event loop cannot spare; the messages are small.
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 10_000, pingTimeout: 10_000, perMessageDeflate: false, httpCompression: false })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly expiry = new Map<string, NodeJS.Timeout>();
  /** Connects admitted and not yet served (until the first resync answered, or the socket gone). */
  private readonly admitted = new Map<string, () => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private redis: Redis[] = [];
  /**
   * Handshakes read their user in batches: when every softphone reconnects at once, a
   * statement per batch instead of one pooled query per socket (which queued hundreds deep
   * behind the pool and left nothing for the work being offered). Each handshake still
   * reads the row after it arrived, so a deactivated user is refused at once.
   */
  private readonly handshakeUsers = new BatchedByKey<User>(async (ids) => new Map((await this.users.findByIds([...ids.keys()])).map((u) => [u.id, u])));

  constructor(
    private readonly hub: RealtimeHub,
    private readonly push: WorkPush,
    private readonly batches: ConnectBatches,
    private readonly admission: Admission,
    private readonly states: AgentStatesService,
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
    private readonly scheduler: SchedulerService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    @Inject(DEPLOYMENT_ID) private readonly deploymentId: string,
  ) {}

  onModuleInit(): void {
    this.events.on('agent.status-changed', ({ status }) => this.announce(status));
    this.events.on('session.revoked', ({ sessionId }) => this.end(sessionRoom(sessionId), 'revoked'));
    this.events.on('user.deactivated', ({ userId }) => this.end(userRoom(userId), 'deactivated'));
  }

  afterInit(server: RealtimeServer): void {
    this.hub.server = server;
    if (this.config.redisUrl) {
      const pub = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      for (const c of [pub, sub]) c.on('error', (e: Error) => this.logger.warn(`realtime redis: ${e.message}`));
      this.redis = [pub, sub];
      // Instances of one deployment share the id stored in their database, however they
      // reach it; deployments (or test runs) on one Redis never hear each other.
      server.adapter(createAdapter(pub, sub, { key: fanOutChannel(this.deploymentId) }));
    }
    server.use((socket, next) => {
      const admitted = this.admission.enter();
      if ('retryAfterMs' in admitted) return next(refusal('unavailable: the server is busy; retry shortly', { code: 'unavailable', retryAfterMs: admitted.retryAfterMs }));
      void this.authenticate(socket as AgentSocket)
        .then(() => {
          this.admitted.set(socket.id, admitted.leave);
          next();
        })
        .catch((e: unknown) => {
          admitted.leave();
          next(refusal(e instanceof DomainError ? e.message : 'unauthorized', { code: 'unauthorized' }));
        });
    });
  }

  /** Liveness and re-sends run on their own outside tests; tests call them on their fixed clock. */
  onApplicationBootstrap(): void {
    if (this.config.env === 'test') return;
    const resend = setInterval(() => void this.push.resendDue().catch((e: Error) => this.logger.warn(`realtime resend: ${e.message}`)), this.config.realtime.resendSeconds * 1000);
    const sweep = setInterval(() => void this.sweep().catch((e: Error) => this.logger.warn(`realtime sweep: ${e.message}`)), this.config.realtime.heartbeatSeconds * 1000);
    for (const t of [resend, sweep]) {
      t.unref();
      this.timers.push(t);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const t of this.expiry.values()) clearTimeout(t);
    this.expiry.clear();
    await Promise.all(this.redis.map((c) => c.quit().catch(() => undefined)));
  }

  /** Once per cluster: agents whose heartbeats stopped are marked stale, and each is announced (callbacks hands their due ones to anyone). */
  async sweep(): Promise<string[]> {
    const stale = await this.scheduler.once('realtime.stale-sweep', this.config.realtime.heartbeatSeconds * 1000, () => this.states.sweepStale());
    for (const userId of stale ?? []) await this.events.emit('agent.went-stale', { userId });
    return stale ?? [];
  }

  private async authenticate(socket: AgentSocket): Promise<void> {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) throw unauthorized('unauthorized: send the access token as auth.token');
    const verified = this.tokens.verifyWithExpiry(token);
    if (!verified) throw unauthorized('unauthorized: the access token is invalid or has expired');
    // `sub` is ours (the token is signed), but one malformed id must not fail the batch it shares.
    if (!UUID.test(verified.claims.sub)) throw unauthorized('unauthorized: the user is not active');
    const user = await this.handshakeUsers.get(verified.claims.sub);
    if (!user || !user.active) throw unauthorized('unauthorized: the user is not active');
    socket.data = { userId: user.id, role: user.role, name: user.name, sessionId: verified.claims.sid ?? null, expiresAt: verified.expiresAt };
  }

  async handleConnection(socket: AgentSocket): Promise<void> {
    const { userId, role, sessionId } = socket.data;
    await socket.join([userRoom(userId), ...(sessionId ? [sessionRoom(sessionId)] : []), ...(role === 'supervisor' || role === 'admin' ? [SUPERVISORS_ROOM] : [])]);
    this.armExpiry(socket);
    // A client that never resyncs counts against admission for a while only.
    setTimeout(() => this.served(socket), SERVED_WITHIN_MS).unref();
    this.logger.event('debug', 'realtime.connected', { userId, socket: socket.id });
  }

  handleDisconnect(socket: AgentSocket): void {
    this.served(socket);
    clearTimeout(this.expiry.get(socket.id));
    this.expiry.delete(socket.id);
  }

  @SubscribeMessage('work:ack')
  async onAck(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown): Promise<AckResult> {
    const ids = (body as { deliveryIds?: unknown } | null)?.deliveryIds;
    if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string')) return { ok: false, error: { field: 'deliveryIds', message: 'must be a list of delivery ids' } };
    await this.batches.ack(socket.data.userId, ids as string[]);
    return { ok: true };
  }

  @SubscribeMessage('inbox:sync')
  async onSync(@ConnectedSocket() socket: AgentSocket): Promise<{ items: Array<WorkItem & { deliveryId: string | null }>; status: AgentStatusView }> {
    try {
      const [items, status] = await Promise.all([this.batches.sync(socket.data.userId), this.batches.status(socket.data.userId)]);
      return { items, status };
    } finally {
      this.served(socket);
    }
  }

  @SubscribeMessage('agent:heartbeat')
  async onHeartbeat(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown): Promise<AckResult> {
    if (this.expired(socket)) return { ok: false, error: { message: 'the session has expired' } };
    const h = (body as { health?: Partial<SoftphoneHealth> } | null)?.health;
    let health: SoftphoneHealth | undefined;
    if (h !== undefined) {
      if (!h || !PHONE.includes(String(h.phone))) return { ok: false, error: { field: 'health.phone', message: `must be one of ${PHONE.join(', ')}` } };
      if (!MIC.includes(String(h.microphone))) return { ok: false, error: { field: 'health.microphone', message: `must be one of ${MIC.join(', ')}` } };
      health = { phone: h.phone as SoftphoneHealth['phone'], microphone: h.microphone as SoftphoneHealth['microphone'] };
    }
    await this.batches.heartbeat(socket.data.userId, health);
    return { ok: true };
  }

  @SubscribeMessage('agent:set-state')
  async onSetState(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown): Promise<AckResult & { status?: AgentStatusView }> {
    const b = (body ?? {}) as { state?: unknown; reason?: unknown };
    if (!CHOSEN_AGENT_STATES.includes(b.state as ChosenAgentState)) return { ok: false, error: { field: 'state', message: `must be one of ${CHOSEN_AGENT_STATES.join(', ')}` } };
    if (b.reason !== undefined && b.reason !== null && typeof b.reason !== 'string') return { ok: false, error: { field: 'reason', message: 'must be a pause reason code' } };
    try {
      const status = await this.states.change(socket.data.userId, b.state as ChosenAgentState, { kind: 'agent', userId: socket.data.userId }, (b.reason as string | undefined) ?? null);
      return { ok: true, status };
    } catch (e) {
      return failure(e);
    }
  }

  @SubscribeMessage('session:renew')
  onRenew(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown): AckResult & { expiresAt?: string } {
    const token = (body as { token?: unknown } | null)?.token;
    const verified = typeof token === 'string' ? this.tokens.verifyWithExpiry(token) : null;
    if (!verified) return { ok: false, error: { field: 'token', message: 'is invalid or has expired' } };
    if (verified.claims.sub !== socket.data.userId) return { ok: false, error: { field: 'token', message: 'belongs to another user' } };
    socket.data.expiresAt = verified.expiresAt;
    this.armExpiry(socket);
    return { ok: true, expiresAt: new Date(verified.expiresAt).toISOString() };
  }

  @SubscribeMessage('supervisor:agents')
  async onBoard(@ConnectedSocket() socket: AgentSocket): Promise<AgentStatusView[]> {
    if (socket.data.role !== 'supervisor' && socket.data.role !== 'admin') return [];
    return this.states.board();
  }

  @SubscribeMessage('supervisor:watch-queues')
  async onWatchQueues(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown): Promise<AckResult & { stats?: QueueStats[] }> {
    if (socket.data.role !== 'supervisor' && socket.data.role !== 'admin') return { ok: false, error: { message: 'only supervisors watch queues' } };
    const ids = (body as { queueIds?: unknown } | null)?.queueIds;
    if (!Array.isArray(ids) || ids.length > 100 || ids.some((i) => typeof i !== 'string' || !UUID.test(i))) return { ok: false, error: { field: 'queueIds', message: 'must be a list of up to 100 queue ids' } };
    for (const room of socket.rooms) if (room.startsWith('queue:')) await socket.leave(room);
    await socket.join((ids as string[]).map(queueRoom));
    const stats = this.hub.queueStats ? await this.hub.queueStats(ids as string[]) : [];
    return { ok: true, stats };
  }

  /** The socket's connect is served (its first resync answered, or it went away): it no longer counts against admission. */
  private served(socket: AgentSocket): void {
    this.admitted.get(socket.id)?.();
    this.admitted.delete(socket.id);
  }

  private expired(socket: AgentSocket): boolean {
    if (this.clock.now().getTime() < socket.data.expiresAt) return false;
    socket.emit('session:ended', { reason: 'expired' });
    socket.disconnect(true);
    return true;
  }

  private armExpiry(socket: AgentSocket): void {
    clearTimeout(this.expiry.get(socket.id));
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, socket.data.expiresAt - this.clock.now().getTime()));
    const timer = setTimeout(() => this.expired(socket), wait);
    timer.unref();
    this.expiry.set(socket.id, timer);
  }

  private announce(status: AgentStatusView): void {
    this.hub.server?.to(userRoom(status.userId)).emit('agent:state', status);
    this.hub.server?.to(SUPERVISORS_ROOM).emit('supervisor:agent', status);
  }

  /** Tells every socket in `room` (on every instance) its session is over, and closes them. */
  private end(room: string, reason: 'revoked' | 'deactivated'): void {
    const server = this.hub.server;
    if (!server) return;
    server.to(room).emit('session:ended', { reason });
    server.in(room).disconnectSockets(true);
  }
}
