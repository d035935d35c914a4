import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ErrorCode, type AccessClaims, type Role } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { requestContext } from '../common/request-context.js';
import { PUBLIC_KEY, ROLES_KEY } from '../web/access.decorators.js';
import { TokenService } from './token.service.js';

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1] : null;
}

/**
 * The one global guard. Deny by default: a route passes only if it is @Public,
 * or the caller's token is valid and its role is among the route's @Roles.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // Socket messages come over a connection whose handshake was authenticated (the realtime gateway).
    if (context.getType() === 'ws') return typeof context.switchToWs().getClient<{ data?: { userId?: unknown } }>().data?.userId === 'string';
    if (context.getType() !== 'http') return false;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = context.switchToHttp().getRequest<Request & { user?: AccessClaims }>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new DomainError(ErrorCode.Unauthenticated, 'Authentication required: send Authorization: Bearer <access token>');
    const claims = this.tokens.verifyAccess(token);
    if (!claims) throw new DomainError(ErrorCode.Unauthenticated, 'The access token is invalid or has expired');
    req.user = claims;
    const ctx = requestContext.get();
    if (ctx) ctx.userId = claims.sub;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) throw new DomainError(ErrorCode.Forbidden, 'This route admits no role');
    if (!roles.includes(claims.role)) {
      throw new DomainError(ErrorCode.Forbidden, `This action needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
