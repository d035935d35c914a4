import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AgentState, AgentStatusView, WorkItem, WorkKind } from '#shared';
import { afterCommit } from './after-commit.js';
import { JsonLogger } from './json-logger.js';

/** Facts one module announces and others act on, without importing each other. */
export interface DomainEventMap {
  /** A call or message reached its final status. */
  'conversation.settled': { conversationId: string; leadId: string | null; channel: string; direction: string; status: string; causeType: string | null; causeId: string | null; at: Date };
  /** The lead wrote to us (an inbound SMS or email). */
  /**
   * A lead wrote to us (not a keyword): `ref` is what they wrote — the inbound text's
   * conversation, or the inbound email's message row — when it is stored.
   */
  'lead.replied': { leadId: string; channel: 'sms' | 'email'; at: Date; ref?: { kind: 'sms' | 'email'; id: string } | null };
  /** A user changed a lead (its fields, owner, tags): work delegated by the lead's fields may change hands. */
  'lead.updated': { leadId: string; actorId: string | null; at: Date };
  /**
   * An outbound text moved on at the carrier (sent, delivered, undelivered, failed): the
   * work that asked for it (a manual schedule step) may be done, or shows the failure.
   */
  'text.status': { conversationId: string; status: string; causeType: string | null; causeId: string | null };
  /** A text to the lead was handed to the carrier (`sentBy`: the person who sent it; null for a schedule's or the system's). */
  'lead.texted': { leadId: string; conversationId: string; sentBy: string | null; at: Date };
  /**
   * An address opted out (keyword, link, agent, API, disposition, a schedule's own step…).
   * `channel` is what the entry reaches now (`all` for a revocation under the revoke-all rule); `leadIds`: the person's leads it reaches beyond the address.
   */
  'address.opted-out': { address: string; channel: string; source: string; leadIds: string[]; at: Date };
  /**
   * A delivery report said an email cannot be delivered to `address` (permanently): the
   * email is marked bounced, and enrollments whose exit rules say `onBounce` end.
   * `leadIds`: every lead holding the address.
   */
  'email.bounced': { emailId: string; address: string; leadIds: string[]; at: Date };
  /** A sign-in session ended (sign-out, or a stolen refresh token presented again). */
  'session.revoked': { userId: string; sessionId: string };
  /** A user was deactivated: every session of theirs ends. */
  'user.deactivated': { userId: string };
  /**
   * A piece of agents' work (a manual participant action, a callback) may have changed
   * hands or state: whoever shows it re-reads it, offers it to whom it is open for and
   * withdraws it from the rest. Emit after the change commits.
   */
  'work.changed': {
    kind: WorkKind;
    ids: string[];
    /** Items as just written, with whom they are open for, so the push need not read them back. */
    known?: Array<{ item: WorkItem; recipients: string[] | 'anyone' }>;
  };
  /** A dial-queue item ended (answered, out of attempts, canceled): the schedule action or callback it came from completes. */
  'dial.item-finished': { itemId: string; source: string; sourceId: string | null; outcome: string; conversationId: string | null };
  /** The dialer reserved a lead for an agent (preview, progressive, power), before it is shown or dialed. */
  'dial.reserved': { queueId: string; itemId: string; agentId: string };
  /** Something a queue's live figures show changed. */
  'dial.queue-changed': { queueId: string };
  /**
   * A disposition was set on a conversation (or changed to another): the schedule and
   * the dial queue it came from act on its flags.
   */
  'conversation.disposed': {
    conversationId: string;
    leadId: string | null;
    code: string;
    flags: { humanAnswered: boolean; exitSchedule: boolean; final: boolean; success: boolean; contacted: boolean; callback?: boolean };
    queueId: string | null;
    enrollmentId: string | null;
    actorId: string | null;
    /** The disposition's action group, run once per conversation. */
    actionGroupId: string | null;
    /** When it was set: enrollments begun after it are not its to end. */
    disposedAt: string;
  };
  /** An agent's state, liveness or softphone health changed. */
  'agent.status-changed': { status: AgentStatusView; from: AgentState };
  /** An agent's heartbeats stopped (the stale sweep marked them): work waiting on them goes to others. */
  'agent.went-stale': { userId: string };
  /** Something about a call changed (its status from the carrier, a leg joined, left, was held, a monitor's mode): those on it are told. */
  'call.changed': { conversationId: string };
  /** A leg dialed into a call's conference room (an agent, a transfer, a third party) entered it. */
  'call.leg-joined': { conversationId: string; legId: string; role: string; userId: string | null };
  /** A leg dialed into a call's room never got there (no answer, busy, failed). */
  'call.leg-missed': { conversationId: string; legId: string; role: string; userId: string | null };
}

type Listener<K extends keyof DomainEventMap> = (payload: DomainEventMap[K]) => Promise<void> | void;

/**
 * An in-process event bus. `emit` awaits every listener in turn, so a webhook's reply
 * is sent after its consequences are written; a listener that throws is logged and
 * does not stop the others or the emitter. Durable follow-up work belongs in the
 * scheduler, enqueued by the listener.
 */
@Injectable()
export class DomainEvents {
  private readonly listeners = new Map<keyof DomainEventMap, Array<Listener<never>>>();

  constructor(private readonly logger: JsonLogger) {}

  on<K extends keyof DomainEventMap>(name: K, listener: Listener<K>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(name, list);
  }

  /** Emits once `em`'s transaction has committed (at once outside one); the listeners are not awaited. */
  emitAfterCommit<K extends keyof DomainEventMap>(em: EntityManager | undefined, name: K, payload: DomainEventMap[K]): void {
    afterCommit(em, () => void this.emit(name, payload));
  }

  async emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): Promise<void> {
    await this.run(name, payload);
  }

  /**
   * `emit` for a caller that keeps the event durably until it is handled (a scheduler
   * job written with the change): every listener runs, and it throws when any failed,
   * so the caller keeps the event to be delivered again. Listeners must be idempotent.
   */
  async deliver<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): Promise<void> {
    const failed = await this.run(name, payload);
    if (failed.length) throw new AggregateError(failed, `event ${name}: ${failed.length} listener(s) failed: ${failed.map((e) => (e as Error).message).join('; ')}`);
  }

  private async run<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): Promise<unknown[]> {
    const failed: unknown[] = [];
    for (const l of this.listeners.get(name) ?? []) {
      try {
        await (l as Listener<K>)(payload);
      } catch (e) {
        failed.push(e);
        this.logger.warn(`event ${name}: a listener failed: ${(e as Error).message}`);
      }
    }
    return failed;
  }
}
