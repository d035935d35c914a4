import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, AgentRules, AgentStateChangeView, AgentStatusView } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { DEFAULT_AGENT_RULES } from './agent-rules.js';
import { AgentStatesService } from './agent-states.service.js';
import { AfterCallDto, AgentRulesDto, HistoryQuery, SetAgentStateDto } from './dto/agents.dto.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents')
export class AgentsController {
  constructor(private readonly states: AgentStatesService) {}

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOperation({ summary: 'The agents board: state, time in state, liveness, softphone health' })
  board(): Promise<AgentStatusView[]> {
    return this.states.board();
  }

  @AnyRole()
  @Get('rules')
  rules(): Promise<AgentRules> {
    return this.states.rules();
  }

  @Roles('admin')
  @Put('rules')
  @ApiOperation({ summary: 'Pause reasons (with optional limits) and the wrap-up limit' })
  setRules(@Body() body: AgentRulesDto): Promise<AgentRules> {
    return this.states.setRules({
      pauseReasons: body.pauseReasons.map((r) => ({ code: r.code, label: r.label, maxMinutes: r.maxMinutes ?? null })),
      wrapUpMaxSeconds: body.wrapUpMaxSeconds,
      missedOffersBeforePause: body.missedOffersBeforePause ?? DEFAULT_AGENT_RULES.missedOffersBeforePause,
    });
  }

  @AnyRole()
  @Get('me')
  me(@CurrentUser() actor: AccessClaims): Promise<AgentStatusView> {
    return this.states.status(actor.sub);
  }

  @AnyRole()
  @Post('me/state')
  @HttpCode(200)
  @ApiOperation({ summary: 'Go ready, pause with a reason, or go offline' })
  setMine(@Body() body: SetAgentStateDto, @CurrentUser() actor: AccessClaims): Promise<AgentStatusView> {
    return this.states.change(actor.sub, body.state, { kind: 'agent', userId: actor.sub }, body.reason ?? null);
  }

  @AnyRole()
  @Post('me/after-call')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause or sign off once the current call\'s disposition is saved (null cancels: Ready as usual)' })
  afterCall(@Body() body: AfterCallDto, @CurrentUser() actor: AccessClaims): Promise<AgentStatusView> {
    return this.states.setAfterCall(actor.sub, body.action);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/state')
  @HttpCode(200)
  @ApiOperation({ summary: "A supervisor sets an agent's state" })
  setFor(@Param('id', UuidParamPipe) id: string, @Body() body: SetAgentStateDto, @CurrentUser() actor: AccessClaims): Promise<AgentStatusView> {
    return this.states.change(id, body.state, { kind: 'supervisor', userId: actor.sub }, body.reason ?? null);
  }

  @AnyRole()
  @Get(':id/history')
  @ApiOperation({ summary: 'State changes, newest first (agents see only their own)' })
  history(@Param('id', UuidParamPipe) id: string, @Query() q: HistoryQuery, @CurrentUser() actor: AccessClaims): Promise<AgentStateChangeView[]> {
    if (actor.role === 'agent' && id !== actor.sub) throw DomainError.notFound('Agent');
    return this.states.history(id, q.limit ?? 100);
  }
}
