import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type AccessClaims } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { SIMULATED_CARRIER } from './carrier/carrier.providers.js';
import type { SimulatedCarrier } from './carrier/simulated/simulated-carrier.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { SimDigitsDto, SimInboundCallDto, SimInboundSmsDto, SimMuteDto } from './dto/telephony.dto.js';
import { WebhookUrls } from './webhooks/webhook-urls.js';
import { UuidParamPipe } from '../common/param-pipes.js';

/**
 * The simulated carrier's controls, for the softphone's simulated phone and for demos:
 * the far end answers or hangs up, mute, and inbound calls and texts. 404 when a real
 * carrier is configured.
 */
@ApiTags('simulated carrier')
@ApiBearerAuth()
@Controller('telephony/sim')
export class SimControlsController {
  constructor(
    @Inject(SIMULATED_CARRIER) private readonly sim: SimulatedCarrier | null,
    private readonly conversations: ConversationsService,
    private readonly urls: WebhookUrls,
  ) {}

  @AnyRole()
  @Post('calls/:id/answer')
  @HttpCode(204)
  @ApiOperation({ summary: 'The lead picks up (simulated)' })
  async answer(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    const sid = await this.callSid(id, actor);
    await this.run(() => this.carrier().answer(sid));
  }

  @AnyRole()
  @Post('calls/:id/hangup')
  @HttpCode(204)
  @ApiOperation({ summary: 'The lead hangs up (simulated)' })
  async hangup(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    const sid = await this.callSid(id, actor);
    await this.run(() => this.carrier().hangup(sid));
  }

  @AnyRole()
  @Post('calls/:id/mute')
  @HttpCode(204)
  async mute(@Param('id', UuidParamPipe) id: string, @Body() body: SimMuteDto, @CurrentUser() actor: AccessClaims): Promise<void> {
    const sid = await this.callSid(id, actor);
    await this.run(async () => this.carrier().mute(sid, body.muted));
  }

  @AnyRole()
  @Post('calls/:id/digits')
  @HttpCode(204)
  @ApiOperation({ summary: 'The agent presses keys on the simulated phone (DTMF to the far end)' })
  async digits(@Param('id', UuidParamPipe) id: string, @Body() body: SimDigitsDto, @CurrentUser() actor: AccessClaims): Promise<void> {
    const sid = await this.callSid(id, actor);
    await this.run(async () => this.carrier().sendDigits(sid, body.digits));
  }

  @Roles('admin', 'supervisor')
  @Post('inbound-sms')
  @ApiOperation({ summary: 'A text arrives at one of our numbers (simulated); answers with our TwiML reply' })
  async inboundSms(@Body() body: SimInboundSmsDto): Promise<{ reply: string }> {
    const carrier = this.carrier();
    carrier.inboundSmsUrl = this.urls.inboundSms();
    return { reply: await carrier.injectInboundSms(body) };
  }

  @Roles('admin', 'supervisor')
  @Post('inbound-call')
  @ApiOperation({ summary: 'A call arrives at one of our numbers (simulated)' })
  async inboundCall(@Body() body: SimInboundCallDto): Promise<{ sid: string; dialed: string[]; status: string }> {
    const carrier = this.carrier();
    carrier.inboundVoiceUrl = this.urls.inboundVoice();
    const call = await carrier.injectInboundCall(body);
    return { sid: call.sid, dialed: call.dialed, status: call.status };
  }

  private carrier(): SimulatedCarrier {
    if (!this.sim) throw new DomainError(ErrorCode.NotFound, 'The simulated carrier is not running (a real carrier is configured)');
    return this.sim;
  }

  private async callSid(conversationId: string, actor: AccessClaims): Promise<string> {
    const c = await this.conversations.get(conversationId, actor);
    if (c.channel !== 'call' || !c.providerSid) throw new DomainError(ErrorCode.Conflict, 'The call has not reached the carrier yet');
    return c.providerSid;
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      throw new DomainError(ErrorCode.Conflict, (e as Error).message);
    }
  }
}
