import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PoolNumberView, PoolPickView, RingPoolHealth, RingPoolView } from '#shared';
import { Roles } from '../../web/access.decorators.js';
import { AddNumbersDto, PickQueryDto, RingPoolDto, UpdatePoolNumberDto, UpdateRingPoolDto } from './dto/ring-pools.dto.js';
import { RingPoolsService } from './ring-pools.service.js';
import { UuidParamPipe } from '../../common/param-pipes.js';

/** Ring pools of caller-ID numbers: admins change them; admins and supervisors read them. */
@ApiTags('ring pools')
@ApiBearerAuth()
@Controller('ring-pools')
export class RingPoolsController {
  constructor(private readonly pools: RingPoolsService) {}

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOperation({ summary: 'Every ring pool with its numbers, oldest first' })
  list(): Promise<RingPoolView[]> {
    return this.pools.list();
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a ring pool, optionally with numbers (defaults: round robin, 100 calls and 200 texts per number per day, quarantine on)' })
  create(@Body() body: RingPoolDto): Promise<RingPoolView> {
    return this.pools.create(body);
  }

  @Roles('admin', 'supervisor')
  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<RingPoolView> {
    return this.pools.get(id);
  }

  @Roles('admin')
  @Patch(':id')
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateRingPoolDto): Promise<RingPoolView> {
    return this.pools.update(id, body);
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a ring pool that has no numbers (409 while it has some)' })
  remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.pools.remove(id);
  }

  @Roles('admin')
  @Post(':id/numbers')
  @ApiOperation({ summary: 'Add one or more numbers; a number already in any pool is a 409 naming it' })
  addNumbers(@Param('id', UuidParamPipe) id: string, @Body() body: AddNumbersDto): Promise<RingPoolView> {
    return this.pools.addNumbers(id, body.numbers);
  }

  @Roles('admin')
  @Patch(':id/numbers/:numberId')
  @ApiOperation({ summary: 'Disable or re-activate a number (re-activating lifts a quarantine), or change its capabilities or region' })
  updateNumber(@Param('id', UuidParamPipe) id: string, @Param('numberId', UuidParamPipe) numberId: string, @Body() body: UpdatePoolNumberDto): Promise<PoolNumberView> {
    return this.pools.updateNumber(id, numberId, body);
  }

  @Roles('admin')
  @Delete(':id/numbers/:numberId')
  @HttpCode(204)
  removeNumber(@Param('id', UuidParamPipe) id: string, @Param('numberId', UuidParamPipe) numberId: string): Promise<void> {
    return this.pools.removeNumber(id, numberId);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/health')
  @ApiOperation({ summary: "Each number's use today against the caps, recent and baseline answer rates and quarantine; what the pool can still send today" })
  health(@Param('id', UuidParamPipe) id: string): Promise<RingPoolHealth> {
    return this.pools.health(id);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/pick')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dry run: which number would be the caller ID for `to` now, and why, or why none could be (nothing is counted)' })
  pick(@Param('id', UuidParamPipe) id: string, @Body() body: PickQueryDto): Promise<PoolPickView> {
    return this.pools.dryRun(id, body.channel, body.to, body.region ?? null);
  }
}
