/** Roles a Switchboard user can hold. Guards deny by default; routes name the roles they admit. */
export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * What a user may do beyond their role's routes. Each role has defaults; an admin can
 * give a user their own list. Editing implies viewing and `schedules.manage` implies
 * editing (see `withImplied`).
 * - schedules.view: see the schedules they own or that are shared with them;
 * - schedules.edit: create schedules, and edit their own and those shared with them for editing;
 * - schedules.manage: see and edit every schedule, whoever owns it, and change its sharing.
 */
export const PERMISSIONS = ['schedules.view', 'schedules.edit', 'schedules.manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['schedules.view', 'schedules.edit', 'schedules.manage'],
  supervisor: ['schedules.view', 'schedules.edit'],
  agent: ['schedules.view'],
};

const IMPLIES: Record<Permission, Permission[]> = { 'schedules.view': [], 'schedules.edit': ['schedules.view'], 'schedules.manage': ['schedules.edit', 'schedules.view'] };

/** The permissions with those they imply, in the order of PERMISSIONS. */
export function withImplied(permissions: readonly Permission[]): Permission[] {
  const all = new Set(permissions.flatMap((p) => [p, ...IMPLIES[p]]));
  return PERMISSIONS.filter((p) => all.has(p));
}
