import { describe, expect, it } from '@jest/globals';
import { type Permission, ROLE_PERMISSIONS, type ShareLevel, withImplied } from '#shared';
import { permissionsOf } from '../users/permissions.js';
import { accessLevel, type Viewer } from './schedule-access.js';

const ME = 'u-me';
const viewer = (...permissions: Permission[]): Viewer => ({ userId: ME, permissions: new Set(withImplied(permissions)) });
const schedule = (ownerId: string | null, sharedWith: ShareLevel) => ({ ownerId, sharedWith });

describe('schedule access', () => {
  // [who owns it, shared with everyone, shared with me, my permissions, what I may do]
  const table: [string | null, ShareLevel, ShareLevel | null, Permission[], string][] = [
    [ME, 'none', null, ['schedules.edit'], 'manage'],
    [ME, 'none', null, ['schedules.view'], 'view'], // an owner without edit may only look
    [ME, 'none', null, [], 'none'], // no view permission: nothing at all, even their own
    ['other', 'none', null, ['schedules.edit'], 'none'],
    ['other', 'none', null, ['schedules.manage'], 'manage'],
    [null, 'none', null, ['schedules.manage'], 'manage'],
    [null, 'none', null, ['schedules.edit'], 'none'],
    ['other', 'view', null, ['schedules.edit'], 'view'],
    ['other', 'edit', null, ['schedules.edit'], 'edit'],
    ['other', 'edit', null, ['schedules.view'], 'view'], // shared to edit, but no edit permission
    ['other', 'none', 'view', ['schedules.edit'], 'view'],
    ['other', 'none', 'edit', ['schedules.edit'], 'edit'],
    ['other', 'view', 'edit', ['schedules.edit'], 'edit'], // the better of the two shares
    ['other', 'edit', 'view', ['schedules.edit'], 'edit'],
    ['other', 'edit', 'edit', [], 'none'],
  ];
  it.each(table)('owner %s, everyone %s, me %s, permissions %j → %s', (owner, everyone, mine, permissions, expected) => {
    expect(accessLevel(schedule(owner, everyone), mine, viewer(...permissions))).toBe(expected);
  });

  it('permissions come from the role unless the user has their own list, with what each implies', () => {
    expect(permissionsOf({ role: 'admin', permissions: null })).toEqual(['schedules.view', 'schedules.edit', 'schedules.manage']);
    expect(permissionsOf({ role: 'supervisor', permissions: null })).toEqual([...ROLE_PERMISSIONS.supervisor]);
    expect(permissionsOf({ role: 'agent', permissions: null })).toEqual(['schedules.view']);
    expect(permissionsOf({ role: 'agent', permissions: JSON.stringify(['schedules.edit']) })).toEqual(['schedules.view', 'schedules.edit']);
    expect(permissionsOf({ role: 'admin', permissions: '[]' })).toEqual([]);
  });
});
