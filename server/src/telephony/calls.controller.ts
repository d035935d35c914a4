import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type AccessClaims, type ConversationView, type ManualDialCheckView, type OptOutEntryView, type Page, type RecentWorkView, type VoiceTokenView } from '#shared';
import { AnyRole, CurrentUser } from '../web/access.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { ConversationNotesDto, HoldCallDto, ListConversationsQuery, ManualDialDto, PlaceCallDto, SendSmsDto, SpokenRevocationDto } from './dto/telephony.dto.js';
import { RecentWorkService } from './conversations/recent-work.service.js';
import { ManualDialService } from './outbound/manual-dial.service.js';
import { ComplianceService } from '../compliance/compliance.service.js';
import { OutboundService } from './outbound/outbound.service.js';
import { ContactWork } from './outbound/contact-work.js';
import { VoiceTokens } from './voice-tokens.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('calls and messages')
@ApiBearerAuth()
@AnyRole()
@Controller()
export class CallsController {
  constructor(
    private readonly outbound: OutboundService,
    private readonly conversations: ConversationsService,
    private readonly leads: LeadsRepository,
    private readonly tokens: VoiceTokens,
    private readonly compliance: ComplianceService,
    private readonly manual: ManualDialService,
    private readonly recent: RecentWorkService,
    private readonly work: ContactWork,
  ) {}

  @Post('calls')
  @ApiOperation({ summary: "Call a lead: the compliance gate, a caller ID from the ring pool, then the carrier; the answered call is bridged to the caller's softphone; with participantActionId, for that manual call step (completed once the call has ended and has a disposition)" })
  async call(@Body() body: PlaceCallDto, @CurrentUser() actor: AccessClaims): Promise<ConversationView> {
    const { participantActionId, ...request } = body;
    // A step's owner may contact its lead (work delegated to them on another's lead); else only the lead's owner.
    if (!participantActionId) {
      await this.mayContact(body.leadId, actor);
      return this.outbound.placeCall({ ...request, agentId: actor.sub, cause: { type: 'manual' } });
    }
    const step = this.work.source('participant-action', 'participantActionId');
    const terms = await step.check(participantActionId, { channel: 'call', leadId: body.leadId, actor });
    const call = await this.outbound.placeCall({ ...request, poolId: request.poolId ?? terms.poolId, gate: { scope: terms.scope }, agentId: actor.sub, cause: { type: 'participant-action', id: participantActionId } });
    await step.placed(participantActionId, call);
    return call;
  }

  @Get('calls/manual/check')
  @ApiOperation({ summary: 'The dial pad asks before dialing a typed number: the lead it belongs to (if the caller may work it) and every reason the gate gives' })
  checkManual(@Query() query: ManualDialDto, @CurrentUser() actor: AccessClaims): Promise<ManualDialCheckView> {
    return this.manual.check(query.number, actor);
  }

  @Post('calls/manual')
  @ApiOperation({ summary: "Dial a typed number from the caller's softphone: its lead's call, or a new \"Manual: +1…\" lead once the gate allows it; a refusal is 409 CONTACT_REFUSED with every reason and dials nothing" })
  dialManual(@Body() body: ManualDialDto, @CurrentUser() actor: AccessClaims): Promise<ConversationView> {
    return this.manual.dial(body.number, actor);
  }

  @Post('calls/:id/hangup')
  @HttpCode(204)
  async hangUp(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    await this.conversations.get(id, actor); // 404 for someone else's call
    await this.outbound.hangUp(id);
  }

  @Post('calls/:id/hold')
  @HttpCode(204)
  @ApiOperation({ summary: 'Hold (the person hears the hold message and music; the agent is released) or bring them back to the agent' })
  async hold(@Param('id', UuidParamPipe) id: string, @Body() body: HoldCallDto, @CurrentUser() actor: AccessClaims): Promise<void> {
    await this.conversations.get(id, actor); // 404 for someone else's call
    await this.outbound.hold(id, body.held, actor.sub);
  }

  @Post('sms')
  @ApiOperation({ summary: 'Text a lead through the compliance gate and the SMS ring pool; with participantActionId, for that manual SMS step (completed once sent, or delivered if the step says)' })
  async sms(@Body() body: SendSmsDto, @CurrentUser() actor: AccessClaims): Promise<ConversationView> {
    const { participantActionId, ...request } = body;
    // A step's owner may contact its lead (work delegated to them on another's lead); else only the lead's owner.
    if (!participantActionId) {
      await this.mayContact(body.leadId, actor);
      return this.outbound.sendSms({ ...request, agentId: actor.sub, sentBy: actor.sub, cause: { type: 'manual' } });
    }
    const step = this.work.source('participant-action', 'participantActionId');
    const terms = await step.check(participantActionId, { channel: 'sms', leadId: body.leadId, actor });
    const text = await this.outbound.sendSms({ ...request, poolId: request.poolId ?? terms.poolId, gate: { scope: terms.scope }, agentId: actor.sub, sentBy: actor.sub, cause: { type: 'participant-action', id: participantActionId } });
    await step.placed(participantActionId, text);
    return text;
  }

  @Get('conversations')
  @ApiOperation({ summary: 'Calls and texts, newest first, by lead, agent, date range, status and disposition' })
  list(@Query() query: ListConversationsQuery, @CurrentUser() actor: AccessClaims): Promise<Page<ConversationView>> {
    return this.conversations.list(query, actor);
  }

  @Get('conversations/recent-work')
  @ApiOperation({ summary: "The caller's latest calls and the leads of their latest conversations (the search box before typing)" })
  recentWork(@CurrentUser() actor: AccessClaims): Promise<RecentWorkView> {
    return this.recent.of(actor);
  }

  @Get('conversations/:id')
  get(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims) {
    return this.conversations.get(id, actor);
  }

  @Patch('conversations/:id')
  notes(@Param('id', UuidParamPipe) id: string, @Body() body: ConversationNotesDto, @CurrentUser() actor: AccessClaims): Promise<ConversationView> {
    return this.conversations.setNotes(id, body.notes, actor);
  }

  @Post('conversations/:id/revocation')
  @ApiOperation({ summary: "Record that the person asked not to be contacted, in their words: the ledger keeps the agent, the call and the words" })
  async revocation(@Param('id', UuidParamPipe) id: string, @Body() body: SpokenRevocationDto, @CurrentUser() actor: AccessClaims): Promise<OptOutEntryView[]> {
    const c = await this.conversations.get(id, actor); // 404 for someone else's call
    const address = c.direction === 'outbound' ? c.to : c.from;
    return this.compliance.recordSpoken({ leadId: c.leadId, address, conversationId: c.id, origin: c.channel === 'call' ? 'call' : 'sms', words: body.words, channel: body.channel ?? 'all' }, actor);
  }

  @Get('telephony/token')
  @ApiOperation({ summary: "The softphone's phone: a Voice access token for this user (refetch before expiresAt), or the simulated mode" })
  token(@CurrentUser() actor: AccessClaims): VoiceTokenView {
    return this.tokens.issue(actor.sub);
  }

  private async mayContact(leadId: string, actor: AccessClaims): Promise<void> {
    if (actor.role !== 'agent') return;
    const lead = await this.leads.findById(leadId);
    if (!lead || lead.lead.ownerId !== actor.sub) throw new DomainError(ErrorCode.NotFound, 'Lead not found');
  }
}
