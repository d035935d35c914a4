import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import twilio from 'twilio';
import { ErrorCode } from '#shared';
import { DomainError } from '../../common/domain-error.js';
import { AppConfig } from '../../config/app-config.js';
import { CarrierGateway } from '../gateway/carrier-gateway.js';

/**
 * Admits a carrier webhook only when `X-Twilio-Signature` matches the request: an
 * HMAC over the full public URL and the posted parameters with the account's auth
 * token. Missing or wrong → 403, before any handler runs.
 */
@Injectable()
export class CarrierSignatureGuard implements CanActivate {
  constructor(
    private readonly carrier: CarrierGateway,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const signature = req.header('x-twilio-signature');
    const base = this.config.publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`;
    const url = `${base}${req.originalUrl}`;
    const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (!signature || !twilio.validateRequest(this.carrier.authToken, signature, url, params)) {
      throw new DomainError(ErrorCode.Forbidden, signature ? 'The webhook signature does not match' : 'The webhook is not signed');
    }
    return true;
  }
}
