import { Readable } from 'node:stream';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, BlockView, ConsentReviewView, EligibilityView, OptOutEntryView } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { SettingsService } from '../settings/settings.service.js';
import type { AttemptCapsByChannel } from './attempt-caps.js';
import type { CallingRules } from './calling-window.js';
import { CallingRulesService } from './calling-rules.service.js';
import { ComplianceService } from './compliance.service.js';
import { AddressQuery, AttemptCapsDto, BlockDto, ConsentAuditQuery, ConsentRulesDto, EligibilityQuery, LedgerDayQuery, OptOutDto, PageQuery, ReviewDecisionDto, ReviewListQuery } from './dto/compliance.dto.js';
import { ConsentAudit } from './consent-audit.js';
import { ConsentReviewsService } from './consent-reviews.service.js';
import { ConsentRulesService } from './consent-rules.service.js';
import { CONFIRMATION_TEXT, HONOUR_WITHIN, REASONABLE_MEANS, REVOCATION_WORDS, REVOKE_ALL } from './data/consent-law.js';

const CONSENT_LAW = { revokeAll: REVOKE_ALL, revocationWords: REVOCATION_WORDS, reasonableMeans: REASONABLE_MEANS, honourWithin: HONOUR_WITHIN, confirmationText: CONFIRMATION_TEXT };
import { OptOutsService } from './opt-outs.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('compliance')
@ApiBearerAuth()
@Controller('opt-outs')
export class OptOutsController {
  constructor(
    private readonly optOuts: OptOutsService,
    private readonly compliance: ComplianceService,
  ) {}

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOperation({ summary: 'Active opt-outs, newest first' })
  list(@Query() q: PageQuery): Promise<OptOutEntryView[]> {
    return this.optOuts.listActive(q.limit ?? 100, q.offset ?? 0);
  }

  @AnyRole()
  @Get('check')
  @ApiOperation({ summary: 'Is this number or email opted out (of one channel, or of any)? With the entries that say so' })
  check(@Query() q: AddressQuery) {
    return this.compliance.checkAddress(q.address, q.channel);
  }

  @Roles('admin', 'supervisor')
  @Get('day')
  @ApiOperation({ summary: "Every ledger entry (revocations, opt-outs, opt-ins) of one day in the floor's zone, with its evidence; format=csv downloads it" })
  async day(@Query() q: LedgerDayQuery, @Res({ passthrough: true }) res: Response) {
    if (q.format !== 'csv') return this.compliance.ledgerDay(q.date, q.limit ?? 500, q.cursor);
    const lines = this.compliance.ledgerDayCsv(q.date);
    const first = await lines.next(); // a bad date is a 400 before any header is sent
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="consent-ledger-${q.date}.csv"`);
    async function* all() {
      if (!first.done) yield first.value;
      yield* lines;
    }
    return new StreamableFile(Readable.from(all()));
  }

  @Roles('admin', 'supervisor')
  @Get('history')
  @ApiOperation({ summary: 'Every ledger entry for an address, superseded ones included' })
  history(@Query() q: AddressQuery): Promise<OptOutEntryView[]> {
    return this.optOuts.history(q.address);
  }

  @AnyRole()
  @Post()
  @ApiOperation({ summary: 'Record an opt-out (source: agent for agents, api otherwise)' })
  add(@Body() body: OptOutDto, @CurrentUser() actor: AccessClaims): Promise<OptOutEntryView> {
    return this.optOuts.record(body, 'opt-out', actor);
  }

  @Roles('admin', 'supervisor')
  @Post('opt-in')
  @ApiOperation({ summary: 'Record an opt-in that supersedes opt-outs on the same channel and scope' })
  optIn(@Body() body: OptOutDto, @CurrentUser() actor: AccessClaims): Promise<OptOutEntryView> {
    return this.optOuts.record(body, 'opt-in', actor);
  }

  @Roles('admin', 'supervisor')
  @Delete(':id')
  @ApiOperation({ summary: 'Lift an opt-out: appends an opt-in that supersedes it (nothing is deleted)' })
  lift(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<OptOutEntryView> {
    return this.optOuts.lift(id, actor);
  }
}

@ApiTags('compliance')
@ApiBearerAuth()
@Controller('consent-reviews')
export class ConsentReviewsController {
  constructor(private readonly reviews: ConsentReviewsService) {}

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOperation({ summary: 'Messages that may be revocations, newest first; contact with the person is held while one is open' })
  list(@Query() q: ReviewListQuery): Promise<ConsentReviewView[]> {
    return this.reviews.list(q.status, q.limit ?? 100, q.offset ?? 0);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: "Decide a review: revocation writes it to the ledger, not-revocation releases the hold (409 once decided)" })
  decide(@Param('id', UuidParamPipe) id: string, @Body() body: ReviewDecisionDto, @CurrentUser() actor: AccessClaims) {
    return this.reviews.decide(id, body.decision, body.note, actor);
  }
}

@ApiTags('compliance')
@ApiBearerAuth()
@Controller('blocks')
export class BlocksController {
  constructor(
    private readonly optOuts: OptOutsService,
    private readonly compliance: ComplianceService,
  ) {}

  @Roles('admin', 'supervisor')
  @Get()
  list(@Query() q: PageQuery): Promise<BlockView[]> {
    return this.optOuts.listBlocks(q.limit ?? 100, q.offset ?? 0);
  }

  @AnyRole()
  @Get('check')
  check(@Query() q: AddressQuery) {
    return this.compliance.checkBlocked(q.address);
  }

  @Roles('admin', 'supervisor')
  @Post()
  add(@Body() body: BlockDto, @CurrentUser() actor: AccessClaims): Promise<BlockView> {
    return this.optOuts.addBlock(body, actor);
  }

  @Roles('admin', 'supervisor')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.optOuts.removeBlock(id, actor);
  }
}

@ApiTags('compliance')
@ApiBearerAuth()
@Controller('leads')
export class EligibilityController {
  constructor(private readonly compliance: ComplianceService) {}

  @AnyRole()
  @Get(':id/eligibility')
  @ApiOperation({ summary: 'What stops contacting this lead on a channel now (or at `at`), and when it next may be contacted' })
  eligibility(@Param('id', UuidParamPipe) id: string, @Query() q: EligibilityQuery, @CurrentUser() actor: AccessClaims): Promise<EligibilityView> {
    return this.compliance.eligibility(id, q.channel, q.at, actor);
  }
}

@ApiTags('compliance')
@ApiBearerAuth()
@Controller('compliance')
export class ComplianceSettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly rules: CallingRulesService,
    private readonly consent: ConsentRulesService,
    private readonly audit: ConsentAudit,
  ) {}

  @Roles('admin', 'supervisor')
  @Get('audit')
  @ApiOperation({ summary: "The consent audit over the floor's days from..to: every opt-out, opt-in and revocation (kind=consent) or every contact the gate refused (kind=refusals); format=csv downloads it" })
  async auditRange(@Query() q: ConsentAuditQuery, @Res({ passthrough: true }) res: Response) {
    const range = await this.audit.range(q.from, q.to);
    const kind = q.kind ?? 'consent';
    if (q.format !== 'csv') return this.audit.page(kind, range, q.limit ?? 500, q.cursor);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="consent-audit-${kind}-${q.from}-${q.to}.csv"`);
    return new StreamableFile(Readable.from(this.audit.csv(kind, range)));
  }

  @Roles('admin', 'supervisor')
  @Get('consent-rules')
  @ApiOperation({ summary: "The floor's consent rules, the scope of revocations in force now, and the law they follow (dated, with sources)" })
  async consentRules() {
    const rules = await this.consent.current();
    return { rules, scope: await this.consent.scope(undefined, rules), law: CONSENT_LAW };
  }

  @Roles('admin')
  @Put('consent-rules')
  @ApiOperation({ summary: 'Change the consent rules: the scope of revocations before the revoke-all date, unsure messages, the confirmation text' })
  async setConsentRules(@Body() body: ConsentRulesDto) {
    const rules = await this.consent.update(JSON.parse(JSON.stringify(body)) as ConsentRulesDto);
    return { rules, scope: await this.consent.scope(undefined, rules), law: CONSENT_LAW };
  }

  @Roles('admin', 'supervisor')
  @Get('attempt-caps')
  attemptCaps(): Promise<AttemptCapsByChannel> {
    return this.settings.getAttemptCaps();
  }

  @Roles('admin')
  @Put('attempt-caps')
  @ApiOperation({ summary: 'Account attempt caps per channel; state rules may be stricter (the stricter applies)' })
  async setAttemptCaps(@Body() body: AttemptCapsDto): Promise<AttemptCapsByChannel> {
    await this.settings.setAttemptCaps(JSON.parse(JSON.stringify(body)) as AttemptCapsByChannel);
    return this.settings.getAttemptCaps();
  }

  @Roles('admin')
  @Put('calling-rules')
  @ApiOperation({ summary: 'Replace the calling-hours rules (state rules can only narrow the default window)' })
  replaceCallingRules(@Body() body: Record<string, unknown>): Promise<CallingRules> {
    return this.rules.replaceValidated(body);
  }

  @Roles('admin')
  @Delete('calling-rules')
  @ApiOperation({ summary: 'Go back to the shipped calling-hours rules' })
  resetCallingRules(): Promise<CallingRules> {
    return this.rules.replace(null);
  }

  @AnyRole()
  @Get('calling-rules')
  @ApiOperation({ summary: 'The calling-hours rules in force: default window, state rules, holidays' })
  callingRules(): Promise<CallingRules> {
    return this.rules.current();
  }
}
