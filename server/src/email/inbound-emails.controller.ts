import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, EmailThreadEntry, InboundEmailPage } from '#shared';
import { UuidParamPipe } from '../common/param-pipes.js';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { InboundEmailsQuery, LeadEmailThreadQuery } from './dto/email.dto.js';
import { InboundEmailsService } from './inbound-emails.service.js';

@ApiTags('email')
@ApiBearerAuth()
@Controller()
export class InboundEmailsController {
  constructor(private readonly inbound: InboundEmailsService) {}

  @Roles('admin', 'supervisor')
  @Get('email/inbound')
  @ApiOperation({ summary: 'Received email, newest first: replies, delivery reports and the rest, matched to a lead or not (kind, matched, leadId; limit/offset)' })
  list(@Query() q: InboundEmailsQuery): Promise<InboundEmailPage> {
    return this.inbound.list({ kind: q.kind, matched: q.matched, leadId: q.leadId }, q.limit ?? 50, q.offset ?? 0);
  }

  @AnyRole()
  @Get('leads/:id/email-thread')
  @ApiOperation({ summary: "The lead's email thread, oldest first: what went out and what came back, in the order it happened (agents: their own leads)" })
  thread(@Param('id', UuidParamPipe) id: string, @Query() q: LeadEmailThreadQuery, @CurrentUser() actor: AccessClaims): Promise<EmailThreadEntry[]> {
    return this.inbound.thread(id, q.limit ?? 50, actor);
  }
}
