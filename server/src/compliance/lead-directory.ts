import type { AccessClaims } from '#shared';

/** A lead as the gate reads it: status, primary number and email, and where it is. */
export interface GateLead {
  lead: { id: string; status: string; email: string | null; phone: string | null; timezone: string | null; region: string | null };
  phones?: Array<{ e164: string }>;
}

/** A lead with all its numbers, as compliance reads it for a revocation or a consent check. */
export interface DirectoryLead extends GateLead {
  phones: Array<{ e164: string }>;
}

/**
 * What compliance asks of the leads room, which it does not import: a lead by id, the
 * leads an address belongs to, whether a user may read a lead, and the SQL for a lead's
 * numbers (for a statement that must see them in its own snapshot). Bound at the
 * composition root (`server/src/record-ports.module.ts`) to the leads room.
 */
export abstract class LeadDirectory {
  abstract findById(id: string): Promise<DirectoryLead | null>;
  abstract findByIds(ids: string[]): Promise<DirectoryLead[]>;
  abstract findLeadIdsByEmail(email: string): Promise<string[]>;
  abstract findLeadIdsByPhone(e164: string): Promise<string[]>;
  /** A subquery of the numbers of the lead whose id is the named parameter. */
  abstract phonesOfLeadSubquery(leadIdParam: string): string;
  /** Throws (not found) when the actor may not read the lead: agents only their own. */
  abstract assertReadable(leadId: string, actor: AccessClaims): Promise<void>;
}
