import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, WorkItem } from '#shared';
import { AnyRole, CurrentUser } from '../web/access.decorators.js';
import { WorkPush } from './work-push.service.js';

/** The agent's inbox over HTTP, beside the agents' routes (the rest of them live in agents/). */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents')
export class InboxController {
  constructor(private readonly push: WorkPush) {}

  @AnyRole()
  @Get('me/inbox')
  @ApiOperation({ summary: 'Everything open for me now (what the softphone resyncs over its socket)' })
  inbox(@CurrentUser() actor: AccessClaims): Promise<Array<WorkItem & { deliveryId: string | null }>> {
    return this.push.sync(actor.sub);
  }
}
