import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { QueueActivity, QueueStats } from '#shared';
import { Roles } from '../web/access.decorators.js';
import { UuidParamPipe } from '../common/param-pipes.js';
import { AbandonRateQuery } from '../dialer/dto/dial-queue.dto.js';
import { QueueFiguresService } from './queue-figures.service.js';

/** A dial queue's figures for supervisors, beside the queue's own routes. */
@ApiTags('dial queues')
@ApiBearerAuth()
@Controller('dial-queues')
export class QueueFiguresController {
  constructor(private readonly figures: QueueFiguresService) {}

  @Roles('admin', 'supervisor')
  @Get(':id/abandon-rate')
  @ApiOperation({ summary: 'Abandoned over answered calls day by day and over the rolling window (30 days by default), against the cap' })
  abandonRate(@Param('id', UuidParamPipe) id: string, @Query() query: AbandonRateQuery) {
    return this.figures.abandonByDay(id, query.days ?? 30);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/activity')
  @ApiOperation({ summary: 'The last hour minute by minute (dials, connects) and today\'s calls by disposition, for the charts' })
  activity(@Param('id', UuidParamPipe) id: string): Promise<QueueActivity> {
    return this.figures.activity(id);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/stats')
  @ApiOperation({ summary: 'The live figures supervisors receive over the socket' })
  stats(@Param('id', UuidParamPipe) id: string): Promise<QueueStats> {
    return this.figures.stats(id);
  }
}
