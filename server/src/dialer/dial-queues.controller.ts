import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, DialItemView, DialQueueView, ImportPenetrationView, ListPenetrationView, QueueResetView } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DialQueuesService } from './dial-queues.service.js';
import { DialCalls } from './dial-calls.service.js';
import { DialItemMoves } from './dial-item-moves.service.js';
import { AddQueueLeadsDto, CreateDialQueueDto, ListItemsQuery, PenetrationFormatQuery, PenetrationQuery, ResetQueueDto, UpdateDialQueueDto } from './dto/dial-queue.dto.js';
import { ListPenetration } from './list-penetration.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('dial queues')
@ApiBearerAuth()
@Controller('dial-queues')
export class DialQueuesController {
  constructor(
    private readonly queues: DialQueuesService,
    private readonly penetrations: ListPenetration,
  ) {}

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
  @Get(':id/penetration')
  @ApiOperation({ summary: "How much of the list (or, with `importId`, of that CSV import's leads in it) has been worked: leads never dialed, waiting again, contacted, finished by disposition or outcome, and no longer eligible by reason; format=csv downloads it" })
  async penetration(@Param('id', UuidParamPipe) id: string, @Query() query: PenetrationQuery, @Res({ passthrough: true }) res: Response): Promise<ListPenetrationView | StreamableFile> {
    if (query.format !== 'csv') return this.penetrations.ofQueue(id, query.importId ?? null);
    return csvDownload(res, `penetration-${id}${query.importId ? `-import-${query.importId}` : ''}.csv`, await this.penetrations.csvOfQueue(id, query.importId ?? null));
  }

  @Roles('admin', 'supervisor')
  @Post(':id/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reset the list: finished leads back for another pass (not those the gate will never let through); `preview: true` only counts them' })
  reset(@Param('id', UuidParamPipe) id: string, @Body() body: ResetQueueDto): Promise<QueueResetView> {
    return this.queues.reset(id, body);
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
}

@ApiTags('dial queues')
@ApiBearerAuth()
@Controller('dialer/items')
export class DialerItemsController {
  constructor(
    private readonly calls: DialCalls,
    private readonly moves: DialItemMoves,
  ) {}

  @AnyRole()
  @Post(':id/dial')
  @HttpCode(204)
  @ApiOperation({ summary: 'Dial the lead on my card (preview, or progressive before its countdown ends)' })
  dial(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.calls.dialCard(id, actor.sub);
  }

  @AnyRole()
  @Post(':id/skip')
  @HttpCode(204)
  @ApiOperation({ summary: 'Pass on the lead on my card: it returns to the queue for later, and I get the next' })
  skip(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.moves.skipCard(id, actor.sub);
  }
}

@ApiTags('lead imports')
@ApiBearerAuth()
@Controller('lead-imports')
export class ImportPenetrationController {
  constructor(private readonly penetrations: ListPenetration) {}

  @Roles('admin', 'supervisor')
  @Get(':id/penetration')
  @ApiOperation({ summary: "How much of the import's leads has been worked: per queue they were added to, in all (each lead once), and those never queued; format=csv downloads it" })
  async penetration(@Param('id', UuidParamPipe) id: string, @Query() query: PenetrationFormatQuery, @Res({ passthrough: true }) res: Response): Promise<ImportPenetrationView | StreamableFile> {
    if (query.format !== 'csv') return this.penetrations.ofImport(id);
    return csvDownload(res, `import-${id}-penetration.csv`, await this.penetrations.csvOfImport(id));
  }
}

/** Lines as a CSV download (built before the header is sent, so a refusal is still a 4xx). */
function csvDownload(res: Response, fileName: string, lines: string[]): StreamableFile {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  return new StreamableFile(Readable.from(lines));
}
