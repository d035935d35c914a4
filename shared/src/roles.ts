/** Roles a Switchboard user can hold. Guards deny by default; routes name the roles they admit. */
export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
