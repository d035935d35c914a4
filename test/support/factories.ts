import { randomUUID } from 'node:crypto';
import type { LoginResponse, Role, UserView } from '#shared';
import { UsersService } from '../../server/src/users/users.service.js';
import type { TestApp } from './app.js';

export const TEST_PASSWORD = 'correct horse battery';

/** Creates a user through the real service and repository. */
export async function createUser(t: TestApp, role: Role, overrides: { email?: string; name?: string; password?: string } = {}): Promise<UserView> {
  return t.get(UsersService).create({
    email: overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`,
    name: overrides.name ?? `Test ${role}`,
    role,
    password: overrides.password ?? TEST_PASSWORD,
  });
}

/** Creates a user and signs in over HTTP, returning the login response. */
export async function signIn(t: TestApp, role: Role): Promise<LoginResponse & { auth: { Authorization: string } }> {
  const user = await createUser(t, role);
  const res = await t.http.post('/api/auth/login').send({ email: user.email, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as LoginResponse;
  return { ...body, auth: { Authorization: `Bearer ${body.accessToken}` } };
}
