import { Injectable } from '@nestjs/common';
import { type AccessClaims, type CallRecordingState, type CallRecordingView, ErrorCode, type RecordingAction } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { UNKNOWN_STATE } from '../compliance/recording-consent.js';
import { allPartyConsentRule } from '../compliance/data/recording-consent.js';
import { DialQueuesService } from '../dialer/dial-queues.service.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { zonesForNumber } from '../phone/area-codes.js';
import { ConversationsRepository, type Conversation } from '../telephony/conversations/conversations.repository.js';
import { CallRecorder, type CallRecording } from '../telephony/rooms/call-recorder.service.js';
import { Monitoring } from './monitoring.service.js';

/**
 * Recording from the call panel: the agent starts a recording where the queue records on
 * demand (or a call no queue placed), pauses it for card numbers and resumes it, or stops
 * it. Where every party must consent (or the person's state is unknown) a recording starts
 * only once the agent marks that the person agreed, and the mark is kept with the recording.
 */
@Injectable()
export class CallRecordings {
  constructor(
    private readonly recorder: CallRecorder,
    private readonly conversations: ConversationsRepository,
    private readonly queues: DialQueuesService,
    private readonly leads: LeadsRepository,
    private readonly monitoring: Monitoring,
  ) {}

  async act(actor: AccessClaims, conversationId: string, action: RecordingAction): Promise<CallRecordingView> {
    const conversation = await this.callFor(actor, conversationId);
    if (action === 'pause' || action === 'resume' || action === 'stop') return view(await this.recorder.set(conversationId, action, actor.sub));
    const rule = await this.queues.recordingOfCall(conversationId);
    if (rule?.mode === 'never') throw new DomainError(ErrorCode.Conflict, "This queue's calls are not recorded");
    const region = await this.regionOf(conversation);
    const allParty = region ? allPartyConsentRule(region) : UNKNOWN_STATE;
    if (action === 'start' && allParty) {
      throw new DomainError(ErrorCode.Conflict, `${allParty.name === 'an unknown state' ? "The person's state is not known" : `${allParty.name} requires every party's consent (${allParty.citation})`}: ask the person, then mark their consent to record`, undefined, undefined, { allParty });
    }
    return view(await this.recorder.start(conversationId, { consent: action === 'consent' ? 'agent-confirmed' : 'one-party', startedBy: actor.sub, retentionDays: rule?.retentionDays ?? null }));
  }

  /** Where the call's recording stands, so the call panel offers what the rule and the law allow now. */
  async state(actor: AccessClaims, conversationId: string): Promise<CallRecordingState> {
    return this.stateOf(await this.callFor(actor, conversationId, true));
  }

  /** Where a call's recording stands, for those already allowed to see the call (the socket's updates). */
  async stateOfCall(conversationId: string): Promise<CallRecordingState | null> {
    const c = await this.conversations.findById(conversationId);
    return c && c.channel === 'call' ? this.stateOf(c) : null;
  }

  private async stateOf(conversation: Conversation): Promise<CallRecordingState> {
    const conversationId = conversation.id;
    const [rule, recordings, region] = await Promise.all([this.queues.recordingOfCall(conversationId), this.recorder.of(conversationId), this.regionOf(conversation)]);
    const allParty = region ? allPartyConsentRule(region) : UNKNOWN_STATE;
    const open = recordings.find((r) => r.status === 'recording' || r.status === 'paused' || r.status === 'stopping');
    const latest = open ?? recordings.at(-1) ?? null;
    const state = rule?.mode === 'never' ? 'never' : open ? (open.status as 'recording' | 'paused' | 'stopping') : allParty ? 'waiting-consent' : 'off';
    return { state, mode: rule?.mode ?? null, allParty: allParty ? { name: allParty.name, citation: allParty.citation } : null, current: latest ? view(latest) : null };
  }

  async list(actor: AccessClaims, conversationId: string): Promise<CallRecordingView[]> {
    await this.callFor(actor, conversationId, true);
    return (await this.recorder.of(conversationId)).map(view);
  }

  /**
   * The recordings of several calls at once (a list of recent calls), by call: only the
   * calls this user may read are answered; another's call, or one that is not a call, is
   * simply left out.
   */
  async listMany(actor: AccessClaims, conversationIds: string[]): Promise<Record<string, CallRecordingView[]>> {
    const ids = [...new Set(conversationIds)];
    const readable: string[] = [];
    for (const id of ids) {
      const c = await this.conversations.findById(id);
      if (c && c.channel === 'call' && (await this.mayRead(actor, c))) readable.push(id);
    }
    const out: Record<string, CallRecordingView[]> = Object.fromEntries(readable.map((id) => [id, []]));
    for (const r of await this.recorder.ofMany(readable)) out[r.conversationId].push(view(r));
    return out;
  }

  /** A completed recording's audio, for those who may see its call. */
  async audio(actor: AccessClaims, recordingId: string): Promise<{ contentType: string; bytes: Buffer }> {
    const r = await this.recorder.find(recordingId);
    if (!r) throw DomainError.notFound('Recording');
    // The recording exists; whether this caller may hear it is a refusal, not a secret.
    const c = await this.conversations.findById(r.conversationId);
    if (!c || !(await this.mayRead(actor, c))) throw new DomainError(ErrorCode.Forbidden, 'You may not hear this recording: it is not of your call or of a queue you supervise');
    const audio = await this.recorder.audio(r);
    if (!audio) throw new DomainError(ErrorCode.Conflict, r.status === 'deleted' ? 'The recording was deleted when its retention ran out' : 'The recording is not complete yet');
    return audio;
  }

  private async callFor(actor: AccessClaims, conversationId: string, reading = false): Promise<Conversation> {
    const c = await this.conversations.findById(conversationId);
    if (!c || c.channel !== 'call' || !(await this.mayRead(actor, c, reading))) throw DomainError.notFound('Call');
    return c;
  }

  /** Its agent; for reading, anyone who was on it; supervisors of its queue and admins. */
  private async mayRead(actor: AccessClaims, c: Conversation, reading = true): Promise<boolean> {
    const mine = c.agentId === actor.sub || (reading && (await this.monitoring.wasOn(c.id, actor.sub)));
    return actor.role === 'agent' ? mine : mine || (await this.monitoring.maySupervise(actor, c));
  }

  private async regionOf(c: Conversation): Promise<string | null> {
    const record = c.leadId ? await this.leads.findById(c.leadId) : null;
    const number = c.direction === 'inbound' ? c.fromNumber : c.toNumber;
    return record?.lead.region ?? zonesForNumber(number)?.region ?? null;
  }
}

function view(r: CallRecording): CallRecordingView {
  return {
    id: r.id,
    status: r.status,
    consent: r.consent,
    startedBy: r.startedBy,
    durationSeconds: r.durationSeconds,
    url: r.url,
    createdAt: r.createdAt.toISOString(),
    deleteAfter: r.deleteAfter?.toISOString() ?? null,
    deletedAt: r.deletedAt?.toISOString() ?? null,
  };
}
