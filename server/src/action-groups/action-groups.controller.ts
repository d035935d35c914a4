import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, ActionGroupView, GroupPlanView, GroupRunView, KeywordEventResult } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { ActionGroupsService } from './action-groups.service.js';
import { ActionGroupDto, DryRunDto, KeywordEventDto, RunGroupDto } from './dto/action-group.dto.js';
import { GroupRunner } from './group-runner.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('action groups')
@ApiBearerAuth()
@Controller()
export class ActionGroupsController {
  constructor(
    private readonly groups: ActionGroupsService,
    private readonly runner: GroupRunner,
  ) {}

  @Roles('admin', 'supervisor')
  @Get('action-groups')
  list(): Promise<ActionGroupView[]> {
    return this.groups.list();
  }

  @Roles('admin', 'supervisor')
  @Get('action-groups/:id')
  get(@Param('id', UuidParamPipe) id: string): Promise<ActionGroupView> {
    return this.groups.get(id);
  }

  @Roles('admin')
  @Post('action-groups')
  @ApiOperation({ summary: 'Create a group: every action checked by its type, included groups checked for cycles and depth' })
  create(@Body() body: ActionGroupDto): Promise<ActionGroupView> {
    return this.groups.create(body);
  }

  @Roles('admin')
  @Put('action-groups/:id')
  update(@Param('id', UuidParamPipe) id: string, @Body() body: ActionGroupDto): Promise<ActionGroupView> {
    return this.groups.update(id, body);
  }

  @Roles('admin')
  @Delete('action-groups/:id')
  @HttpCode(204)
  async remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.groups.remove(id);
  }

  @Roles('admin', 'supervisor')
  @Post('action-groups/:id/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the group for a lead now; with the same key (and subject) again, the run already made is returned' })
  run(@Param('id', UuidParamPipe) id: string, @Body() body: RunGroupDto, @CurrentUser() actor: AccessClaims): Promise<GroupRunView> {
    return this.runner.execute({ groupId: id, trigger: 'manual', triggerRef: body.key ?? randomUUID(), leadId: body.leadId, conversationId: body.conversationId ?? null, enrollmentId: body.enrollmentId ?? null, actorId: actor.sub });
  }

  @Roles('admin', 'supervisor')
  @Post('action-groups/:id/dry-run')
  @HttpCode(200)
  @ApiOperation({ summary: 'What the group would do for a lead now, done by none of its actions' })
  dryRun(@Param('id', UuidParamPipe) id: string, @Body() body: DryRunDto): Promise<GroupPlanView> {
    return this.runner.plan(id, body.leadId, body.conversationId ?? null);
  }

  @Roles('admin', 'supervisor')
  @Get('action-groups/:id/runs')
  runs(@Param('id', UuidParamPipe) id: string, @Query('limit') limit?: string): Promise<GroupRunView[]> {
    return this.runner.runs(id, Math.min(500, Math.max(1, Number(limit) || 50)));
  }

  @Roles('admin', 'supervisor')
  @Get('action-group-runs/:id')
  runById(@Param('id', UuidParamPipe) id: string): Promise<GroupRunView> {
    return this.runner.run(id);
  }

  @AnyRole()
  @Post('keyword-events')
  @HttpCode(202)
  @ApiOperation({ summary: 'Text from a conversation (e.g. a voice agent\'s transcript): groups with a matching phrase run once for it' })
  keyword(@Body() body: KeywordEventDto, @CurrentUser() actor: AccessClaims): Promise<KeywordEventResult> {
    return this.groups.keywordEvent(body, actor.sub);
  }
}
