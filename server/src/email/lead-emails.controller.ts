import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, EmailMessageView } from '#shared';
import { UuidParamPipe } from '../common/param-pipes.js';
import { AnyRole, CurrentUser } from '../web/access.decorators.js';
import { LeadEmailsQuery } from './dto/email.dto.js';
import { LeadEmailsService } from './lead-emails.service.js';

@ApiTags('email')
@ApiBearerAuth()
@Controller('leads')
export class LeadEmailsController {
  constructor(private readonly emails: LeadEmailsService) {}

  @AnyRole()
  @Get(':id/emails')
  @ApiOperation({ summary: "The lead's email conversation, newest first (agents: their own leads)" })
  list(@Param('id', UuidParamPipe) id: string, @Query() q: LeadEmailsQuery, @CurrentUser() actor: AccessClaims): Promise<EmailMessageView[]> {
    return this.emails.list(id, q.limit ?? 50, q.offset ?? 0, actor);
  }
}
