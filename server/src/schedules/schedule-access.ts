import { Injectable } from '@nestjs/common';
import { type AccessClaims, ErrorCode, type Permission, type ScheduleAccessLevel, type ScheduleSharingView, type ShareLevel } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { Permissions } from '../users/permissions.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import type { ScheduleEntity } from './schedule.entity.js';

/** Who is asking, with the permissions their row gives them now. */
export interface Viewer {
  userId: string;
  permissions: Set<Permission>;
}

const RANK: Record<ScheduleAccessLevel | 'none', number> = { none: 0, view: 1, edit: 2, manage: 3 };

/**
 * What a viewer may do with one schedule. Owning it or holding schedules.manage gives
 * everything; otherwise the better of the share to everyone and the share to them.
 * Without schedules.edit nothing goes beyond viewing, and without schedules.view nothing
 * is visible at all.
 */
export function accessLevel(schedule: Pick<ScheduleEntity, 'ownerId' | 'sharedWith'>, userShare: ShareLevel | null, viewer: Viewer): ScheduleAccessLevel | 'none' {
  if (!viewer.permissions.has('schedules.view')) return 'none';
  const shared = [schedule.sharedWith as ShareLevel, userShare ?? 'none'].reduce<ShareLevel>((best, l) => (RANK[l] > RANK[best] ? l : best), 'none');
  const granted: ScheduleAccessLevel | 'none' = viewer.permissions.has('schedules.manage') || schedule.ownerId === viewer.userId ? 'manage' : shared;
  if (granted === 'none') return 'none';
  return viewer.permissions.has('schedules.edit') ? granted : 'view';
}

/**
 * Schedule permissions: viewing and creating/editing are separate permissions, and a user
 * sees and edits the schedules they own unless another is shared with them. A schedule
 * the caller may not see answers 404, as if it did not exist; one they may see but not
 * change answers 403 saying why.
 */
@Injectable()
export class ScheduleAccess {
  constructor(
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly permissions: Permissions,
  ) {}

  async viewer(actor: Pick<AccessClaims, 'sub'>): Promise<Viewer> {
    return { userId: actor.sub, permissions: await this.permissions.of(actor) };
  }

  /** 403 naming the permission unless the caller holds it. */
  async demand(actor: Pick<AccessClaims, 'sub'>, permission: Permission): Promise<Viewer> {
    return { userId: actor.sub, permissions: await this.permissions.demand(actor, permission) };
  }

  /** The schedule if the caller may do `need` with it; 404 if they may not see it, 403 if they may see but not do it. */
  async require(scheduleId: string, actor: Pick<AccessClaims, 'sub'>, need: ScheduleAccessLevel): Promise<{ schedule: ScheduleEntity; viewer: Viewer; level: ScheduleAccessLevel }> {
    const viewer = await this.demand(actor, need === 'view' ? 'schedules.view' : 'schedules.edit');
    const found = await this.find(scheduleId, viewer);
    if (!found || found.level === 'none') throw DomainError.notFound('Schedule');
    const { schedule, level } = found;
    if (RANK[level] < RANK[need]) {
      throw new DomainError(
        ErrorCode.Forbidden,
        need === 'manage'
          ? "Only the schedule's owner, or a user with the permission schedules.manage, may delete it, hand it over or change its sharing"
          : 'This schedule is shared with you to view only: its owner can share it with you for editing',
      );
    }
    return { schedule, viewer, level };
  }

  /** Each schedule's level for the viewer (absent: not visible). */
  async levels(schedules: ScheduleEntity[], viewer: Viewer): Promise<Map<string, ScheduleAccessLevel>> {
    const mine = schedules.length ? await this.definitions.sharesOfUser(viewer.userId, schedules.map((s) => s.id)) : [];
    const shareOf = new Map(mine.map((s) => [s.scheduleId, s.access as ShareLevel]));
    const out = new Map<string, ScheduleAccessLevel>();
    for (const s of schedules) {
      const level = accessLevel(s, shareOf.get(s.id) ?? null, viewer);
      if (level !== 'none') out.set(s.id, level);
    }
    return out;
  }

  /** Whether the viewer may edit (and so add leads to) the schedule: false when it is absent too. */
  async canEdit(scheduleId: string, viewer: Viewer): Promise<boolean> {
    const found = await this.find(scheduleId, viewer);
    return !!found && RANK[found.level] >= RANK.edit;
  }

  /** A live schedule with the viewer's level on it (their own share read); null when there is none. */
  private async find(scheduleId: string, viewer: Viewer): Promise<{ schedule: ScheduleEntity; level: ScheduleAccessLevel | 'none' } | null> {
    const [schedule, share] = await Promise.all([
      this.definitions.findLive(scheduleId),
      this.definitions.shareOf(scheduleId, viewer.userId),
    ]);
    return schedule ? { schedule, level: accessLevel(schedule, (share?.access as ShareLevel | undefined) ?? null, viewer) } : null;
  }

  /** Which of these schedules the viewer may see. */
  async visibleIds(ids: string[], viewer: Viewer): Promise<Set<string>> {
    const schedules = ids.length ? await this.definitions.findByIds(ids) : [];
    return new Set((await this.levels(schedules, viewer)).keys());
  }

  /** Each schedule's sharing as the API shows it. */
  async sharing(schedules: Pick<ScheduleEntity, 'id' | 'sharedWith'>[]): Promise<Map<string, ScheduleSharingView>> {
    const shares = schedules.length ? await this.definitions.sharesOf(schedules.map((s) => s.id)) : [];
    return new Map(
      schedules.map((s) => [
        s.id,
        { everyone: s.sharedWith as ShareLevel, users: shares.filter((x) => x.scheduleId === s.id).map((x) => ({ userId: x.userId, access: x.access as 'view' | 'edit' })) },
      ]),
    );
  }
}
