import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * The opt-out ledger. Entries are never deleted: a newer entry for the same address,
 * channel and scope supersedes the older one, so the history shows who changed what when.
 * Each entry keeps its evidence: how the request came (origin), the person's own words,
 * the conversation it came in, and the scope rule in force when it was written.
 */
@Entity('opt_outs')
@Index('ix_opt_outs_address_active', ['address', 'supersededAt'])
@Index('ix_opt_outs_created', ['createdAt'])
@Index('ux_opt_outs_source_ref', ['sourceRef'], { unique: true })
export class OptOutEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 254 })
  address: string;

  @Column({ name: 'address_type', type: 'varchar', length: 8 })
  addressType: string;

  @Column({ type: 'varchar', length: 8 })
  action: string;

  /** revocation (the person's request), internal (the floor's decision) or consent (an opt-in). */
  @Column({ type: 'varchar', length: 12, default: 'internal' })
  kind: string;

  @Column({ type: 'varchar', length: 8 })
  channel: string;

  @Column({ name: 'scope_type', type: 'varchar', length: 12 })
  scopeType: string;

  @Column({ name: 'scope_id', type: 'varchar', length: 36 })
  scopeId: string;

  @Column({ type: 'varchar', length: 16 })
  source: string;

  /** How the request reached us: sms, call, email, web, api; null when not the person's. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  origin: string | null;

  /** The person's words (the text they sent, what the agent heard), as evidence. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  words: string | null;

  @RefColumn({ name: 'conversation_id', nullable: true })
  conversationId: string | null;

  /** What the scope rule was when the entry was written ("all: revoke-all rule in force since …"). */
  @Column({ name: 'scope_rule', type: 'varchar', length: 160, nullable: true })
  scopeRule: string | null;

  /** What wrote it, once: e.g. the carrier's message id and a digest of the message; a retried webhook finds it taken. */
  @Column({ name: 'source_ref', type: 'varchar', length: 120, nullable: true })
  sourceRef: string | null;

  @RefColumn({ name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'superseded_at', nullable: true })
  supersededAt: Date | null;

  @RefColumn({ name: 'superseded_by', nullable: true })
  supersededBy: string | null;
}

/** The leads an address belonged to when its entry was written: a revocation reaches the whole person. */
@Entity('opt_out_leads')
@Index('ix_opt_out_leads_lead', ['leadId'])
export class OptOutLeadEntity {
  @PrimaryColumn({ name: 'entry_id', type: 'varchar', length: 36 })
  entryId: string;

  @PrimaryColumn({ name: 'lead_id', type: 'varchar', length: 36 })
  leadId: string;
}
