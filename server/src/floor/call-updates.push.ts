import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { RealtimeHub, SUPERVISORS_ROOM, userRoom } from '../realtime/work-push.service.js';
import { Monitoring } from './monitoring.service.js';
import { CallRecordings } from './recording.service.js';

/** Changes to one call within this long are sent as one update (a join brings a status, a leg and an event at once). */
const COALESCE_MS = 20;

/**
 * Calls as they change, over the socket: whenever the carrier moves a call's status or the
 * room changes (a leg joins, leaves, is held or muted, a supervisor's mode, the recording), everyone on the
 * call gets `call:update` with the call as they may see it, and the supervisors' board
 * `floor:call-changed` to read its list again. Each instance sends what it learned (the
 * socket adapter reaches the receivers' instances); a burst is coalesced per call.
 */
@Injectable()
export class CallUpdatesPush implements OnModuleInit, OnApplicationShutdown {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly monitoring: Monitoring,
    private readonly recordings: CallRecordings,
    private readonly hub: RealtimeHub,
    private readonly events: DomainEvents,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.events.on('call.changed', (e) => this.changed(e.conversationId));
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.sending;
  }

  /** Sends what is pending now; resolves when every pending call was sent. Tests await it. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending.clear();
    this.sending = this.sending.then(() => this.send(ids));
    return this.sending;
  }

  private changed(conversationId: string): void {
    this.pending.add(conversationId);
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), COALESCE_MS);
    this.timer.unref();
  }

  private async send(ids: string[]): Promise<void> {
    const server = this.hub.server;
    if (!server) return;
    for (const id of ids) {
      try {
        const updates = await this.monitoring.updatesFor(id);
        if (!updates) continue;
        const recording = await this.recordings.stateOfCall(id);
        for (const { userId, update } of updates) server.to(userRoom(userId)).emit('call:update', { ...update, recording });
        server.to(SUPERVISORS_ROOM).emit('floor:call-changed', { conversationId: id, status: updates[0]?.update.conversation.status ?? null });
      } catch (e) {
        // The next change, or the panel's own read on reconnect, brings it up to date.
        this.logger.warn(`call ${id}: the update could not be sent: ${(e as Error).message}`);
      }
    }
  }
}
