import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ErrorCode } from '#shared';
import { DomainError } from '../../common/domain-error.js';
import { Public } from '../../web/access.decorators.js';
import { Accepts, mediaType } from '../../web/media-types.js';
import { formField } from './form-field.js';
import { InboundEmailService, type IntakeResult } from './inbound-email.service.js';
import { InboundSignatureGuard, RAW_BODY, type RequestWithRawBody } from './inbound-signature.guard.js';

/** Raw inbound mail posted by a relay, signed with EMAIL_INBOUND_SECRET. */
@ApiExcludeController()
@Public()
@Controller('webhooks/email')
export class InboundEmailController {
  constructor(private readonly intake: InboundEmailService) {}

  @Post('inbound')
  @HttpCode(200)
  @UseGuards(InboundSignatureGuard)
  @Accepts('message/rfc822', 'multipart/form-data')
  async inbound(@Req() req: RequestWithRawBody): Promise<IntakeResult> {
    const body = req[RAW_BODY] ?? Buffer.alloc(0);
    const type = mediaType(req.headers['content-type']);
    const raw = type === 'multipart/form-data' ? formField(body, req.headers['content-type'] ?? '', 'email') : body;
    if (!raw || !raw.length) throw new DomainError(ErrorCode.ValidationFailed, 'email: is required (the raw message)', [{ field: 'email', message: 'is required (the raw message)' }]);
    return this.intake.take(raw);
  }
}
