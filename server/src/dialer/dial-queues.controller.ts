import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, DialItemView, DialQueueView, QueueActivity, QueueStats } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DialQueuesService } from './dial-queues.service.js';
import { Dialer } from './dialer.service.js';
import { AbandonRateQuery, AddQueueLeadsDto, CreateDialQueueDto, ListItemsQuery, UpdateDialQueueDto } from './dto/dial-queue.dto.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('dial queues')
@ApiBearerAuth()
@Controller('dial-queues')
export class DialQueuesController {
  constructor(private readonly queues: DialQueuesService) {}

  @AnyRole()
  @Get()
  @ApiOperation({ summary: 'Dial queues (agents: the ones they work)' })
  async list(@CurrentUser() actor: AccessClaims): Promise<DialQueueView[]> {
    const all = await this.queues.list();
    return actor.role === 'agent' ? all.filter((q) => q.agentIds.includes(actor.sub)) : all;
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a queue: mode, ring pool, calling window, retry rules, machine handling, agents' })
  create(@Body() body: CreateDialQueueDto): Promise<DialQueueView> {
    return this.queues.create(body);
  }

  @AnyRole()
  @Get(':id')
  async get(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<DialQueueView> {
    await this.queues.visibleTo(actor, id);
    return this.queues.get(id);
  }

  @Roles('admin')
  @Patch(':id')
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateDialQueueDto): Promise<DialQueueView> {
    return this.queues.update(id, body);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/leads')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add leads to the queue (a list); leads already waiting in it stay where they are' })
  addLeads(@Param('id', UuidParamPipe) id: string, @Body() body: AddQueueLeadsDto): Promise<{ added: number; alreadyQueued: number }> {
    return this.queues.addLeads(id, body);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/items')
  @ApiOperation({ summary: 'Leads in the queue, in dialing order' })
  items(@Param('id', UuidParamPipe) id: string, @Query() query: ListItemsQuery): Promise<DialItemView[]> {
    return this.queues.items(id, query);
  }

  @Roles('admin', 'supervisor')
  @Delete(':id/items/:itemId')
  removeItem(@Param('id', UuidParamPipe) id: string, @Param('itemId', UuidParamPipe) itemId: string): Promise<DialItemView> {
    return this.queues.removeItem(id, itemId);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/abandon-rate')
  @ApiOperation({ summary: 'Abandoned over answered calls day by day and over the rolling window (30 days by default), against the cap' })
  abandonRate(@Param('id', UuidParamPipe) id: string, @Query() query: AbandonRateQuery) {
    return this.queues.abandonByDay(id, query.days ?? 30);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/activity')
  @ApiOperation({ summary: 'The last hour minute by minute (dials, connects) and today\'s calls by disposition, for the charts' })
  activity(@Param('id', UuidParamPipe) id: string): Promise<QueueActivity> {
    return this.queues.activity(id);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/stats')
  @ApiOperation({ summary: 'The live figures supervisors receive over the socket' })
  stats(@Param('id', UuidParamPipe) id: string): Promise<QueueStats> {
    return this.queues.stats(id);
  }
}

@ApiTags('dial queues')
@ApiBearerAuth()
@Controller('dialer/items')
export class DialerItemsController {
  constructor(private readonly dialer: Dialer) {}

  @AnyRole()
  @Post(':id/dial')
  @HttpCode(204)
  @ApiOperation({ summary: 'Dial the lead on my card (preview, or progressive before its countdown ends)' })
  dial(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.dialer.dialCard(id, actor.sub);
  }

  @AnyRole()
  @Post(':id/skip')
  @HttpCode(204)
  @ApiOperation({ summary: 'Pass on the lead on my card: it returns to the queue for later, and I get the next' })
  skip(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.dialer.skipCard(id, actor.sub);
  }
}
