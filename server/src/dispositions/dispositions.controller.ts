import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, DispositionChangeView, DispositionView } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { DispositionsService } from './dispositions.service.js';
import { CatalogueQuery, CreateDispositionDto, EffectiveQuery, SetDispositionDto, UpdateDispositionDto } from './dto/disposition.dto.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('dispositions')
@ApiBearerAuth()
@Controller()
export class DispositionsController {
  constructor(private readonly dispositions: DispositionsService) {}

  @Roles('admin', 'supervisor')
  @Get('dispositions')
  @ApiOperation({ summary: 'One catalogue as stored: account-wide, or a queue\'s or schedule\'s own' })
  catalogue(@Query() q: CatalogueQuery): Promise<DispositionView[]> {
    const type = q.scopeType ?? 'account';
    if (type === 'account') return this.dispositions.catalogue({ type });
    if (!q.scopeId) throw DomainError.validation('scopeId', `is required for a ${type} catalogue`);
    return this.dispositions.catalogue({ type, id: q.scopeId });
  }

  @AnyRole()
  @Get('dispositions/effective')
  @ApiOperation({ summary: 'What agents pick from for a queue and/or schedule: shipped, account-wide, schedule, then queue, by code' })
  effective(@Query() q: EffectiveQuery): Promise<DispositionView[]> {
    return this.dispositions.effective(q);
  }

  @Roles('admin')
  @Post('dispositions')
  create(@Body() body: CreateDispositionDto): Promise<DispositionView> {
    return this.dispositions.create(body);
  }

  @Roles('admin')
  @Patch('dispositions/:id')
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateDispositionDto): Promise<DispositionView> {
    return this.dispositions.update(id, body);
  }

  @AnyRole()
  @Get('conversations/:id/dispositions')
  @ApiOperation({ summary: 'The dispositions this conversation may take (its queue\'s and schedule\'s catalogue)' })
  forConversation(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<DispositionView[]> {
    return this.dispositions.forConversation(id, actor);
  }

  @AnyRole()
  @Post('conversations/:id/disposition')
  @ApiOperation({ summary: 'Set the disposition with all its effects in one transaction (201); the same again answers the same (200); a different one is a 409 unless it names the code it replaces' })
  async set(@Param('id', UuidParamPipe) id: string, @Body() body: SetDispositionDto, @CurrentUser() actor: AccessClaims, @Res({ passthrough: true }) res: Response) {
    const { created, ...result } = await this.dispositions.set(id, body, actor);
    if (!created) res.status(200);
    return result;
  }

  @AnyRole()
  @Get('conversations/:id/disposition-history')
  history(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<DispositionChangeView[]> {
    return this.dispositions.history(id, actor);
  }
}
