import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AccessClaims, type CallbackView, ErrorCode } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { BookCallbackDto, CompleteCallbackDto, ListCallbacksQuery, ReassignCallbackDto, RescheduleCallbackDto } from './dto/callback.dto.js';
import { CallbacksService } from './callbacks.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('callbacks')
@ApiBearerAuth()
@Controller('callbacks')
export class CallbacksController {
  constructor(private readonly callbacks: CallbacksService) {}

  @AnyRole()
  @Post()
  @ApiOperation({ summary: 'Book a callback; a due time without an offset is read in the lead\'s local time' })
  book(@Body() body: BookCallbackDto, @CurrentUser() actor: AccessClaims): Promise<CallbackView> {
    const ownerId = body.ownerId === undefined ? actor.sub : body.ownerId;
    if (actor.role === 'agent' && ownerId && ownerId !== actor.sub) throw new DomainError(ErrorCode.Forbidden, 'Agents book callbacks for themselves or for anyone');
    return this.callbacks.book({ ...body, ownerId, origin: 'agent', createdBy: actor.sub });
  }

  @AnyRole()
  @Get()
  @ApiOperation({ summary: 'Callbacks, soonest first; `overdue=true` for those due and not taken' })
  list(@Query() q: ListCallbacksQuery, @CurrentUser() actor: AccessClaims): Promise<CallbackView[]> {
    return this.callbacks.list(q, actor);
  }

  @AnyRole()
  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<CallbackView> {
    return this.callbacks.get(id);
  }

  @AnyRole()
  @Post(':id/take')
  @HttpCode(200)
  take(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<CallbackView> {
    return this.callbacks.take(id, actor);
  }

  @AnyRole()
  @Post(':id/complete')
  @HttpCode(200)
  complete(@Param('id', UuidParamPipe) id: string, @Body() body: CompleteCallbackDto, @CurrentUser() actor: AccessClaims): Promise<CallbackView> {
    return this.callbacks.complete(id, actor, body.outcome, body.conversationId);
  }

  @AnyRole()
  @Post(':id/reschedule')
  @HttpCode(200)
  reschedule(@Param('id', UuidParamPipe) id: string, @Body() body: RescheduleCallbackDto, @CurrentUser() actor: AccessClaims): Promise<CallbackView> {
    return this.callbacks.reschedule(id, body.dueAt, body.note, actor);
  }

  @AnyRole()
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<CallbackView> {
    return this.callbacks.cancel(id, actor);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/reassign')
  @HttpCode(200)
  reassign(@Param('id', UuidParamPipe) id: string, @Body() body: ReassignCallbackDto): Promise<CallbackView> {
    return this.callbacks.reassign(id, body.ownerId);
  }
}
