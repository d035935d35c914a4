import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainEvents } from '../../common/domain-events.js';
import { DomainError } from '../../common/domain-error.js';
import { orderedId } from '../../common/ids.js';
import { JsonLogger } from '../../common/json-logger.js';
import { AppConfig } from '../../config/app-config.js';
import { CarrierGateway } from '../gateway/carrier-gateway.js';
import type { CarrierParams } from '../webhooks/carrier-params.js';
import { WebhookUrls } from '../webhooks/webhook-urls.js';
import type { CallRecordingEntity } from './call-recording.entity.js';
import { CallRecordingsRepository } from './call-recordings.repository.js';
import { CallLegsRepository } from './call-legs.repository.js';

/** How the person's consent to a recording was had. */
export type RecordingConsentBasis = 'one-party' | 'announced' | 'agent-confirmed';

/** A recording as the API shows it. */
export type CallRecording = CallRecordingEntity;

/**
 * Recordings of calls, kept with their conversation: started on the person's call (a
 * conference participant's recording holds the whole room), paused (the paused part is
 * left out, for card numbers), resumed and stopped; completed when the carrier says so;
 * deleted at the carrier and marked deleted here when their queue's retention runs out
 * (a sweep every few minutes; safe on several instances: each deletion is idempotent).
 */
@Injectable()
export class CallRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly carrier: CarrierGateway,
    private readonly recordings: CallRecordingsRepository,
    private readonly legs: CallLegsRepository,
    private readonly urls: WebhookUrls,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    private readonly events: DomainEvents,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env === 'test') return; // tests sweep by hand on their fixed clock
    const pass = () => {
      this.running = this.sweep().catch((e: unknown) => this.logger.warn(`recordings: ${(e as Error).message}`));
    };
    this.timer = setInterval(pass, 5 * 60_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Starts recording the person's call of `conversationId`, noting how consent was had and when it is to be deleted. */
  async start(conversationId: string, o: { consent: RecordingConsentBasis; startedBy: string | null; retentionDays: number | null }): Promise<CallRecording> {
    const customer = (await this.legs.openLegsOf(conversationId)).find((l) => l.role === 'customer' && l.callSid);
    if (!customer?.callSid) throw new DomainError(ErrorCode.Conflict, 'The person is not on the call: there is nothing to record');
    const open = (await this.recordings.ofConversation(conversationId)).find((r) => r.status === 'recording' || r.status === 'paused');
    if (open) throw new DomainError(ErrorCode.Conflict, 'The call is being recorded already');
    let sid: string;
    try {
      sid = (await this.carrier.startRecording(customer.callSid, this.urls.callRecording(conversationId))).sid;
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not start recording: ${(e as Error).message}`);
    }
    const now = this.clock.now();
    const row: CallRecordingEntity = {
      id: orderedId(),
      conversationId,
      recordingSid: sid,
      callSid: customer.callSid,
      status: 'recording',
      url: null,
      durationSeconds: null,
      startedBy: o.startedBy,
      consent: o.consent,
      deleteAfter: o.retentionDays ? new Date(now.getTime() + o.retentionDays * 86_400_000) : null,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.recordings.insert(row);
    await this.events.emit('call.changed', { conversationId });
    await this.legs.addEvent({ id: orderedId(), conversationId, legId: customer.id, kind: 'recording-started', detail: o.consent, actorId: o.startedBy, at: now });
    return row;
  }

  /** Pauses, resumes or stops the call's recording. */
  async set(conversationId: string, action: 'pause' | 'resume' | 'stop', actorId: string): Promise<CallRecording> {
    const open = (await this.recordings.ofConversation(conversationId)).find((r) => r.status === 'recording' || r.status === 'paused');
    if (!open) throw new DomainError(ErrorCode.Conflict, 'The call is not being recorded');
    const to = action === 'pause' ? 'paused' : action === 'resume' ? 'in-progress' : 'stopped';
    if ((action === 'pause' && open.status === 'paused') || (action === 'resume' && open.status === 'recording')) return open;
    try {
      await this.carrier.setRecording(open.callSid, open.recordingSid, to);
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not ${action} the recording: ${(e as Error).message}`);
    }
    const now = this.clock.now();
    const status = action === 'pause' ? 'paused' : action === 'resume' ? 'recording' : 'stopping';
    await this.recordings.update(open.id, { status, updatedAt: now });
    await this.events.emit('call.changed', { conversationId });
    await this.legs.addEvent({ id: orderedId(), conversationId, legId: null, kind: `recording-${action === 'stop' ? 'stopped' : action === 'pause' ? 'paused' : 'resumed'}`, detail: null, actorId, at: now });
    return { ...open, status };
  }

  /** The carrier's word on a recording: complete, with its length and where it is. */
  async callback(conversationId: string | undefined, p: CarrierParams): Promise<void> {
    if (!conversationId || !p.RecordingSid) return;
    const row = await this.recordings.findBySid(p.RecordingSid);
    if (!row || row.conversationId !== conversationId || row.status === 'deleted') return;
    if (p.RecordingStatus !== 'completed') return;
    await this.recordings.update(row.id, { status: 'completed', url: p.RecordingUrl?.slice(0, 500) ?? null, durationSeconds: Number(p.RecordingDuration ?? 0) || 0, updatedAt: this.clock.now() });
    await this.events.emit('call.changed', { conversationId });
  }

  /** One recording, by its id. */
  find(id: string): Promise<CallRecording | null> {
    return this.recordings.findById(id);
  }

  /** A completed recording's audio from the carrier; null when it is not there (not complete yet, or deleted). */
  async audio(r: CallRecording): Promise<{ contentType: string; bytes: Buffer } | null> {
    if (r.status !== 'completed') return null;
    try {
      return await this.carrier.recordingAudio(r.recordingSid);
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not send the recording: ${(e as Error).message}`);
    }
  }

  /** A call's recordings, oldest first. */
  of(conversationId: string): Promise<CallRecording[]> {
    return this.recordings.ofConversation(conversationId);
  }

  /** The recordings of several calls, oldest first. */
  ofMany(conversationIds: string[]): Promise<CallRecording[]> {
    return this.recordings.ofConversations(conversationIds);
  }

  /** Deletes the recordings whose retention ran out: at the carrier, then here. Returns how many. */
  async sweep(limit = 200): Promise<number> {
    let n = 0;
    for (const r of await this.recordings.due(this.clock.now(), limit)) {
      try {
        await this.carrier.deleteRecording(r.recordingSid);
        await this.recordings.update(r.id, { status: 'deleted', url: null, deletedAt: this.clock.now(), updatedAt: this.clock.now() });
        n++;
      } catch (e) {
        this.logger.warn(`recordings: ${r.recordingSid} could not be deleted: ${(e as Error).message}`);
      }
    }
    return n;
  }
}
