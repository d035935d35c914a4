import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, CallLegView, CallRecordingState, CallRecordingView, CallMonitor, FloorRules, LiveCallView, MyCall, TransferTarget, TransferTargets } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { UuidParamPipe } from '../common/param-pipes.js';
import { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { FloorRulesDto, MonitorDto, RecordingActionDto, RecordingsOfCallsQuery, TransferDto } from './floor.dto.js';
import { CallRecordings } from './recording.service.js';
import { FloorRulesService } from './floor-rules.service.js';
import { Monitoring } from './monitoring.service.js';
import { Transfers } from './transfers.service.js';

@ApiTags('live floor')
@ApiBearerAuth()
@Controller('floor')
export class FloorController {
  constructor(
    private readonly monitoring: Monitoring,
    private readonly rules: FloorRulesService,
    private readonly conversations: ConversationsRepository,
    private readonly transfers: Transfers,
    private readonly recordings: CallRecordings,
  ) {}

  @Roles('admin', 'supervisor')
  @Get('calls')
  @ApiOperation({ summary: 'Calls live with their agent now that you may join (your queues; admins: all), with who is on each' })
  liveCalls(@CurrentUser() actor: AccessClaims): Promise<LiveCallView[]> {
    return this.monitoring.liveCalls(actor);
  }

  @Roles('admin', 'supervisor')
  @Post('calls/:id/monitor')
  @ApiOperation({ summary: "Join a live call from your softphone: listen, whisper (coach the agent) or barge; it is in the call's events" })
  start(@Param('id', UuidParamPipe) id: string, @Body() body: MonitorDto, @CurrentUser() actor: AccessClaims): Promise<CallLegView> {
    return this.monitoring.start(actor, id, body.mode);
  }

  @Roles('admin', 'supervisor')
  @Patch('calls/:id/monitor')
  @ApiOperation({ summary: 'Switch between listen, whisper and barge without leaving the call' })
  change(@Param('id', UuidParamPipe) id: string, @Body() body: MonitorDto, @CurrentUser() actor: AccessClaims): Promise<CallLegView> {
    return this.monitoring.change(actor, id, body.mode);
  }

  @Roles('admin', 'supervisor')
  @Delete('calls/:id/monitor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave a call you are on; it goes on' })
  stop(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.monitoring.stop(actor, id);
  }

  @AnyRole()
  @Get('calls/:id/legs')
  @ApiOperation({ summary: "Every leg of a call (the person, agents, supervisors, transfers) with when each joined and left; agents: their own calls" })
  legs(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<CallLegView[]> {
    return this.monitoring.legs(actor, id);
  }

  @AnyRole()
  @Get('calls/:id/monitors')
  @ApiOperation({ summary: "Who is on your call: coaches and bargers always, listeners unless the floor hides them" })
  async monitors(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<CallMonitor[]> {
    const c = await this.conversations.findById(id);
    if (!c || c.channel !== 'call' || (actor.role === 'agent' && c.agentId !== actor.sub && !(await this.monitoring.wasOn(id, actor.sub)))) throw DomainError.notFound('Call');
    return this.monitoring.monitorsShownToAgent(id);
  }

  @AnyRole()
  @Get('my-call')
  @ApiOperation({ summary: 'The call your phone is on or being dialed into now (a transfer, a parked call you took up), else the last call you held if it still needs your disposition; 204 when none' })
  async myCall(@CurrentUser() actor: AccessClaims, @Res({ passthrough: true }) res: Response): Promise<MyCall | undefined> {
    const found = await this.monitoring.callOfUser(actor.sub);
    if (!found) res.status(204);
    return found ?? undefined;
  }

  @AnyRole()
  @Get('transfer-targets')
  @ApiOperation({ summary: 'Whom you may pass a call to now: agents with their state, queues with their ready agents' })
  targets(@CurrentUser() actor: AccessClaims): Promise<TransferTargets> {
    return this.transfers.targets(actor);
  }

  @AnyRole()
  @Post('calls/:id/transfer')
  @ApiOperation({ summary: 'Pass the call on: cold, warm (the person on hold while you talk to the target) or three-way, to an agent, a queue or an outside number' })
  transfer(@Param('id', UuidParamPipe) id: string, @Body() body: TransferDto, @CurrentUser() actor: AccessClaims): Promise<CallLegView> {
    const given = (['agentId', 'queueId', 'number'] as const).filter((k) => body.target[k] !== undefined);
    if (given.length !== 1) throw DomainError.validation('target', 'must name exactly one of agentId, queueId, number');
    const k = given[0];
    const target: TransferTarget = k === 'agentId' ? { agentId: body.target.agentId as string } : k === 'queueId' ? { queueId: body.target.queueId as string } : { number: body.target.number as string };
    return this.transfers.start(actor, id, body.type, target).then((leg) => this.monitoring.legView(leg));
  }

  @AnyRole()
  @Post('calls/:id/transfer/complete')
  @HttpCode(204)
  @ApiOperation({ summary: 'Warm or three-way: leave the call to the target' })
  complete(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.transfers.complete(actor, id);
  }

  @AnyRole()
  @Post('calls/:id/transfer/cancel')
  @HttpCode(204)
  @ApiOperation({ summary: 'Warm or three-way: the target leaves; you have the person back' })
  cancel(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.transfers.cancel(actor, id);
  }

  @AnyRole()
  @Post('calls/:id/park')
  @HttpCode(204)
  @ApiOperation({ summary: 'Park the call: the person waits on hold; you are free; an agent of the queue takes it up' })
  park(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.transfers.park(actor, id);
  }

  @AnyRole()
  @Post('calls/:id/unpark')
  @ApiOperation({ summary: 'Take up a parked call: your phone joins it (go Ready first)' })
  unpark(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<CallLegView> {
    return this.transfers.unpark(actor, id).then((leg) => this.monitoring.legView(leg));
  }

  @AnyRole()
  @Post('calls/:id/recording')
  @ApiOperation({ summary: "The call's recording: start, mark the person's consent (where every party must consent), pause, resume, stop" })
  recording(@Param('id', UuidParamPipe) id: string, @Body() body: RecordingActionDto, @CurrentUser() actor: AccessClaims): Promise<CallRecordingView> {
    return this.recordings.act(actor, id, body.action);
  }

  @AnyRole()
  @Get('calls/:id/recording')
  @ApiOperation({ summary: "Where the call's recording stands: never recorded, off, waiting for the person's consent, recording, paused; with the rule and the law that apply" })
  recordingState(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<CallRecordingState> {
    return this.recordings.state(actor, id);
  }

  @AnyRole()
  @Get('calls/:id/recordings')
  @ApiOperation({ summary: "A call's recordings, with how consent was had and when each is deleted" })
  recordingsOf(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<CallRecordingView[]> {
    return this.recordings.list(actor, id);
  }

  @AnyRole()
  @Get('recordings')
  @ApiOperation({ summary: 'The recordings of several calls at once, by call id (the calls this user may read; others are left out)' })
  recordingsOfCalls(@Query() q: RecordingsOfCallsQuery, @CurrentUser() actor: AccessClaims): Promise<Record<string, CallRecordingView[]>> {
    return this.recordings.listMany(actor, q.conversationIds);
  }

  @AnyRole()
  @Get('recordings/:id/audio')
  @ApiOperation({ summary: "A recording's audio (WAV), for those who may see its call" })
  async audio(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const a = await this.recordings.audio(actor, id);
    res.setHeader('Content-Type', a.contentType);
    res.setHeader('Cache-Control', 'private, no-store');
    return new StreamableFile(a.bytes);
  }

  @AnyRole()
  @Get('rules')
  getRules(): Promise<FloorRules> {
    return this.rules.get();
  }

  @Roles('admin')
  @Put('rules')
  @ApiOperation({ summary: "The floor's rules: whether agents are told when a supervisor only listens" })
  setRules(@Body() body: FloorRulesDto): Promise<FloorRules> {
    return this.rules.update({ hideSilentMonitoring: body.hideSilentMonitoring });
  }
}
