import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, ReplyView } from '#shared';
import { UuidParamPipe } from '../common/param-pipes.js';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { ListRepliesQuery } from './dto/replies.dto.js';
import { RepliesService } from './replies.service.js';

@ApiTags('replies')
@ApiBearerAuth()
@Controller('replies')
export class RepliesController {
  constructor(private readonly replies: RepliesService) {}

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOperation({ summary: 'Open replies (a lead wrote and nobody answered), oldest first; `overdue=true` for those older than REPLY_OVERDUE_MINUTES' })
  list(@Query() q: ListRepliesQuery): Promise<ReplyView[]> {
    return this.replies.list(q);
  }

  @AnyRole()
  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a reply without answering it: it leaves every screen' })
  dismiss(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<ReplyView> {
    return this.replies.dismiss(id, actor);
  }
}
