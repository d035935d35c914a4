import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns.js';

/** Organisation-wide settings: one row (id 1). */
@Entity('account_settings')
export class AccountSettingsEntity {
  @PrimaryColumn({ type: 'int' })
  id: number;

  /** IANA zone for leads whose zone is neither set nor derivable from their number. */
  @Column({ name: 'default_timezone', type: 'varchar', length: 64 })
  defaultTimezone: string;

  /** ISO country for numbers written without a country code. */
  @Column({ name: 'default_country', type: 'varchar', length: 2 })
  defaultCountry: string;

  /** Attempt caps per channel as JSON text ({ call: { perDay, per24h, lifetime }, … }). */
  @Column({ name: 'attempt_caps', type: 'text', nullable: true })
  attemptCaps: string | null;

  /** Calling-hours rules as JSON text; null means the shipped defaults. */
  @Column({ name: 'calling_rules', type: 'text', nullable: true })
  callingRules: string | null;

  /** Pause reasons and the wrap-up limit as JSON text (null: the shipped defaults). */
  @Column({ name: 'agent_rules', type: 'text', nullable: true })
  agentRules: string | null;

  /** How revocations are scoped and handled (JSON text; null: the shipped defaults). */
  @Column({ name: 'consent_rules', type: 'text', nullable: true })
  consentRules: string | null;

  /** The live floor's rules (monitoring shown to agents, …) as JSON text; null: the shipped defaults. */
  @Column({ name: 'floor_rules', type: 'text', nullable: true })
  floorRules: string | null;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
