import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ROLES, type AccessClaims, type Role } from '#shared';

export const PUBLIC_KEY = 'access:public';
export const ROLES_KEY = 'access:roles';

/** The route needs no token (login, health, webhooks that authenticate otherwise). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The roles admitted to a route. A route that declares neither this nor @Public is refused to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Any signed-in user, whatever the role. */
export const AnyRole = () => Roles(...ROLES);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AccessClaims => {
  return ctx.switchToHttp().getRequest<{ user: AccessClaims }>().user;
});
