import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { Response } from 'express';
import { type AccessClaims, AUTOMATION_RUN_STATUSES, type AutomationRunView, type InterestOutcome } from '#shared';
import { AnyRole, CurrentUser, Public } from '../../web/access.decorators.js';
import { ScheduleAccess } from '../schedule-access.js';
import { AutomationsService } from './automations.service.js';
import { InterestLinks } from './interest-links.js';
import { Clock } from '../../common/clock.js';
import { UuidParamPipe } from '../../common/param-pipes.js';
import { Accepts } from '../../web/media-types.js';

export class ListAutomationRunsQuery {
  @IsOptional() @IsUUID('all', { message: 'must be an enrollment id' }) enrollmentId?: string;
  @IsOptional() @IsUUID('all', { message: 'must be a lead id' }) leadId?: string;
  @IsOptional() @Type(() => String) @IsIn(AUTOMATION_RUN_STATUSES as unknown as string[], { message: `must be one of ${AUTOMATION_RUN_STATUSES.join(', ')}` }) status?: string;
}

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class AutomationRunsController {
  constructor(
    private readonly automations: AutomationsService,
    private readonly access: ScheduleAccess,
  ) {}

  @AnyRole()
  @Get(':id/automation-runs')
  @ApiOperation({ summary: "The schedule's step automations' firings: planned, fired (with what each action did), canceled (whoever may see the schedule)" })
  async runs(@Param('id', UuidParamPipe) id: string, @Query() q: ListAutomationRunsQuery, @CurrentUser() actor: AccessClaims): Promise<AutomationRunView[]> {
    await this.access.require(id, actor, 'view');
    return this.automations.runs({ scheduleId: id, ...q });
  }
}

const escape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><meta name="viewport" content="width=device-width"></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>${escape(title)}</h1>${body}</body></html>`;
const STATUS_CODES: Record<InterestOutcome['status'], number> = { recorded: 200, already_answered: 200, already_advanced: 409, expired: 410, invalid: 403 };

/**
 * "Still interested?" links in notification emails. GET shows the answer with a button
 * (mail scanners follow links, so a GET alone records nothing); POST records it.
 */
@Controller('interest')
export class InterestController {
  constructor(
    private readonly automations: AutomationsService,
    private readonly links: InterestLinks,
    private readonly clock: Clock,
  ) {}

  @Public()
  @ApiExcludeEndpoint()
  @Get(':token')
  confirm(@Param('token') token: string, @Res() res: Response): void {
    const checked = this.links.check(token, this.clock.now());
    if (!checked.ok) {
      const expired = checked.reason === 'expired';
      res.status(expired ? 410 : 403).type('html').send(page(expired ? 'Link expired' : 'Link not recognised', `<p>${expired ? 'This link has expired.' : 'This link is not valid.'}</p>`));
      return;
    }
    const yes = checked.claim.answer === 'yes';
    res.type('html').send(page('Still interested?', `<p>Your answer: <b>${yes ? 'Yes' : 'No'}</b></p><form method="post"><button type="submit">Confirm ${yes ? 'yes' : 'no'}</button></form>`));
  }

  @Public()
  @ApiExcludeEndpoint()
  @Post(':token')
  @Accepts('application/x-www-form-urlencoded', 'multipart/form-data') // the page's form
  @HttpCode(200)
  async answer(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const outcome = await this.automations.answer(token);
    const title = outcome.status === 'recorded' || outcome.status === 'already_answered' ? 'Thank you' : outcome.status === 'expired' ? 'Link expired' : outcome.status === 'invalid' ? 'Link not recognised' : 'Already moved on';
    res
      .status(STATUS_CODES[outcome.status])
      .type('html')
      .set('X-Interest-Status', outcome.status)
      .send(page(title, `<p>${escape(outcome.message)}</p>`));
  }
}
