import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PoolNumberView, PoolPickView, RingPoolHealth, RingPoolView } from '../../../../shared/src/index.js';
import { Roles } from '../../auth/access.decorators.js';
import { AddNumbersDto, PickQueryDto, RingPoolDto, UpdatePoolNumberDto, UpdateRingPoolDto } from './ring-pools.dto.js';
import { RingPoolsService } from './ring-pools.service.js';

@ApiTags('ring pools')
@ApiBearerAuth()
@Controller('ring-pools')
export class RingPoolsController {
  constructor(private readonly pools: RingPoolsService) {}

  @Roles('admin', 'supervisor')
  @Get()
  list(): Promise<RingPoolView[]> {
    return this.pools.list();
  }

  @Roles('admin')
  @Post()
  create(@Body() body: RingPoolDto): Promise<RingPoolView> {
    return this.pools.create(body);
  }

  @Roles('admin', 'supervisor')
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<RingPoolView> {
    return this.pools.get(id);
  }

  @Roles('admin')
  @Patch(':id')
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateRingPoolDto): Promise<RingPoolView> {
    return this.pools.update(id, body);
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.pools.remove(id);
  }

  @Roles('admin')
  @Post(':id/numbers')
  addNumbers(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: AddNumbersDto): Promise<RingPoolView> {
    return this.pools.addNumbers(id, body.numbers);
  }

  @Roles('admin')
  @Patch(':id/numbers/:numberId')
  updateNumber(@Param('id', new ParseUUIDPipe()) id: string, @Param('numberId', new ParseUUIDPipe()) numberId: string, @Body() body: UpdatePoolNumberDto): Promise<PoolNumberView> {
    return this.pools.updateNumber(id, numberId, body);
  }

  @Roles('admin')
  @Delete(':id/numbers/:numberId')
  @HttpCode(204)
  removeNumber(@Param('id', new ParseUUIDPipe()) id: string, @Param('numberId', new ParseUUIDPipe()) numberId: string): Promise<void> {
    return this.pools.removeNumber(id, numberId);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/health')
  @ApiOperation({ summary: "Each number's use today against its caps, answer rates, quarantine, and what the pool can still place today" })
  health(@Param('id', new ParseUUIDPipe()) id: string): Promise<RingPoolHealth> {
    return this.pools.health(id);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/pick')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which number would be the caller ID for a contact now, and why (nothing is counted)' })
  pick(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: PickQueryDto): Promise<PoolPickView> {
    return this.pools.explain(id, body.channel, body.to);
  }
}
