import { Injectable } from '@nestjs/common';

export interface EnrollOne {
  enrollOne(scheduleId: string, leadId: string, source: string, actorId: string | null): Promise<{ enrolled: boolean; reason: string | null }>;
}

/**
 * Adds a lead to a schedule, for the actions that do (add to schedule). The enrollment
 * service fills it when built: it depends on the engine, which depends on the actions, so
 * an action cannot take it in its constructor.
 */
@Injectable()
export class Enroller implements EnrollOne {
  private target: EnrollOne | null = null;

  provide(target: EnrollOne): void {
    this.target = target;
  }

  enrollOne(scheduleId: string, leadId: string, source: string, actorId: string | null): Promise<{ enrolled: boolean; reason: string | null }> {
    if (!this.target) throw new Error('enrollments are not ready yet');
    return this.target.enrollOne(scheduleId, leadId, source, actorId);
  }
}
