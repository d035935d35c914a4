import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AudienceRunResult, type LeadViewView, type AccessClaims, type EmailDraftView, type EmailMessageView, type EnrollmentView, type EnrollResult, ErrorCode, type ParticipantActionView, type ScheduleSharingResult, type ScheduleView } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { LeadViewDto, BulkReassignDto, CompleteActionDto, DeferActionDto, EnrollDto, ListActionsQuery, ListEnrollmentsQuery, NewScheduleDto, ReassignActionDto, ScheduleDto, SendEmailDto, ScheduleSharingDto } from './dto/schedule.dto.js';
import { ScheduleAccess } from './schedule-access.js';
import { DomainError } from '../common/domain-error.js';
import { EnrollmentsService } from './enrollments.service.js';
import { AudiencesService } from './audiences.service.js';
import { ParticipantActionsService } from './participant-actions.service.js';
import { ManualEmailService } from './manual-email.service.js';
import { SchedulesService } from './schedules.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

/**
 * Schedules answer every role; what a caller may do is their permissions (schedules.view,
 * schedules.edit, schedules.manage) and whether the schedule is theirs or shared with them.
 */
@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly enrollments: EnrollmentsService,
    private readonly audiences: AudiencesService,
    private readonly access: ScheduleAccess,
  ) {}

  @AnyRole()
  @Get()
  @ApiOperation({ summary: 'The schedules you own or that are shared with you (all of them with schedules.manage)' })
  async list(@CurrentUser() actor: AccessClaims): Promise<ScheduleView[]> {
    return this.schedules.list(await this.access.demand(actor, 'schedules.view'));
  }

  @AnyRole()
  @Post()
  @ApiOperation({ summary: 'Create a schedule with its steps (needs schedules.edit); you own it, private unless shared; every problem is named and nothing is saved' })
  async create(@Body() body: NewScheduleDto, @CurrentUser() actor: AccessClaims): Promise<ScheduleView> {
    return this.schedules.create(body, actor, await this.access.demand(actor, 'schedules.edit'));
  }

  @AnyRole()
  @Get(':id')
  async get(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<ScheduleView> {
    const { schedule, level } = await this.access.require(id, actor, 'view');
    return this.schedules.view(schedule, level);
  }

  @AnyRole()
  @Put(':id')
  @ApiOperation({ summary: 'Replace settings and steps (send kept steps with their id); applies to work not yet done' })
  async update(@Param('id', UuidParamPipe) id: string, @Body() body: ScheduleDto, @CurrentUser() actor: AccessClaims): Promise<ScheduleView> {
    const { level, viewer } = await this.access.require(id, actor, 'edit');
    await this.schedules.update(id, body, viewer);
    return this.schedules.get(id, level);
  }

  @AnyRole()
  @Put(':id/sharing')
  @ApiOperation({ summary: "Replace who the schedule is shared with (everyone and particular users, to view or edit), or hand it to another owner: its owner or schedules.manage" })
  async share(@Param('id', UuidParamPipe) id: string, @Body() body: ScheduleSharingDto, @CurrentUser() actor: AccessClaims): Promise<ScheduleSharingResult> {
    const { schedule } = await this.access.require(id, actor, 'manage');
    return this.schedules.share(schedule, body);
  }

  @AnyRole()
  @Post(':id/activate')
  @HttpCode(200)
  async activate(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<ScheduleView> {
    const { level } = await this.access.require(id, actor, 'edit');
    await this.schedules.setActive(id, true);
    return this.schedules.get(id, level);
  }

  @AnyRole()
  @Post(':id/deactivate')
  @HttpCode(200)
  async deactivate(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<ScheduleView> {
    const { level } = await this.access.require(id, actor, 'edit');
    await this.schedules.setActive(id, false);
    return this.schedules.get(id, level);
  }

  @AnyRole()
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a schedule (its owner or schedules.manage); its open enrollments end' })
  async remove(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<void> {
    await this.access.require(id, actor, 'manage');
    await this.schedules.remove(id);
  }

  @AnyRole()
  @Post(':id/enrollments')
  @ApiOperation({ summary: 'Enroll leads by id (up to 1000), every lead of some accounts (companies), or every lead matching a filter' })
  async enroll(@Param('id', UuidParamPipe) id: string, @Body() body: EnrollDto, @CurrentUser() actor: AccessClaims): Promise<EnrollResult> {
    await this.access.require(id, actor, 'edit');
    return this.enrollments.enroll(id, body, body.filter || body.accounts ? 'bulk' : 'api', actor.sub);
  }

  @AnyRole()
  @Post(':id/audience/run')
  @HttpCode(200)
  @ApiOperation({ summary: "Look at the schedule's audience now: enroll the leads that match and are not in it" })
  async runAudience(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<AudienceRunResult> {
    await this.access.require(id, actor, 'edit');
    return this.audiences.run(id);
  }

  @AnyRole()
  @Get(':id/enrollments')
  async listEnrollments(@Param('id', UuidParamPipe) id: string, @Query() q: ListEnrollmentsQuery, @CurrentUser() actor: AccessClaims): Promise<EnrollmentView[]> {
    await this.access.require(id, actor, 'view');
    return this.enrollments.list(id, q);
  }
}

/** An enrollment answers whoever may see its schedule; pausing, resuming and ending it need edit access. */
@ApiTags('schedules')
@ApiBearerAuth()
@Controller('enrollments')
export class EnrollmentsController {
  constructor(
    private readonly enrollments: EnrollmentsService,
    private readonly access: ScheduleAccess,
  ) {}

  @AnyRole()
  @Get('lead/:leadId')
  @ApiOperation({ summary: "A lead's enrollments in the schedules you may see" })
  async forLead(@Param('leadId', UuidParamPipe) leadId: string, @CurrentUser() actor: AccessClaims): Promise<EnrollmentView[]> {
    const viewer = await this.access.demand(actor, 'schedules.view');
    const all = await this.enrollments.forLead(leadId);
    const visible = await this.access.visibleIds([...new Set(all.map((e) => e.scheduleId))], viewer);
    return all.filter((e) => visible.has(e.scheduleId));
  }

  @AnyRole()
  @Get(':id')
  async get(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<EnrollmentView> {
    return this.allowed(id, actor, 'view');
  }

  @AnyRole()
  @Post(':id/pause')
  @HttpCode(200)
  async pause(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<EnrollmentView> {
    await this.allowed(id, actor, 'edit');
    return this.enrollments.pause(id);
  }

  @AnyRole()
  @Post(':id/resume')
  @HttpCode(200)
  async resume(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<EnrollmentView> {
    await this.allowed(id, actor, 'edit');
    return this.enrollments.resume(id);
  }

  @AnyRole()
  @Post(':id/exit')
  @HttpCode(200)
  async exit(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<EnrollmentView> {
    await this.allowed(id, actor, 'edit');
    return this.enrollments.exit(id, 'removed');
  }

  /** The enrollment if the caller may do `need` with its schedule; 404 as if absent when they may not see it. */
  private async allowed(id: string, actor: AccessClaims, need: 'view' | 'edit'): Promise<EnrollmentView> {
    const enrollment = await this.enrollments.get(id);
    try {
      await this.access.require(enrollment.scheduleId, actor, need);
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.NotFound) throw DomainError.notFound('Enrollment');
      throw e;
    }
    return enrollment;
  }
}

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('participant-actions')
export class ParticipantActionsController {
  constructor(
    private readonly actions: ParticipantActionsService,
    private readonly manualEmail: ManualEmailService,
  ) {}

  @AnyRole()
  @Get()
  @ApiOperation({ summary: 'Participant actions, soonest due first (agents see their own)' })
  list(@Query() q: ListActionsQuery, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView[]> {
    return this.actions.list(q, actor);
  }

  @Roles('admin', 'supervisor')
  @Post('reassign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move one owner\'s open actions (in a due-date range) to another user' })
  bulkReassign(@Body() body: BulkReassignDto): Promise<{ reassigned: number }> {
    return this.actions.bulkReassign(body);
  }

  @AnyRole()
  @Get(':id')
  @ApiOperation({ summary: 'One action, with what the agent would send (an SMS or email rendered for the lead)' })
  get(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.get(id, actor);
  }

  @AnyRole()
  @Get(':id/email')
  @ApiOperation({ summary: "A manual email step's draft: its template rendered for the lead, its addresses, and the From addresses allowed" })
  emailDraft(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<EmailDraftView> {
    return this.manualEmail.draft(id, actor);
  }

  @AnyRole()
  @Post(':id/email')
  @HttpCode(201)
  @ApiOperation({ summary: 'Send a manual email step (its owner, or an admin or supervisor): through the compliance gate, once; completes the step' })
  sendEmail(@Param('id', UuidParamPipe) id: string, @Body() body: SendEmailDto, @CurrentUser() actor: AccessClaims): Promise<EmailMessageView> {
    return this.manualEmail.send(id, body, actor);
  }

  @AnyRole()
  @Post(':id/complete')
  @HttpCode(200)
  complete(@Param('id', UuidParamPipe) id: string, @Body() body: CompleteActionDto, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.complete(id, body, actor);
  }

  @AnyRole()
  @Post(':id/skip')
  @HttpCode(200)
  skip(@Param('id', UuidParamPipe) id: string, @Body() body: CompleteActionDto, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.skip(id, body.notes, actor);
  }

  @AnyRole()
  @Post(':id/defer')
  @HttpCode(200)
  defer(@Param('id', UuidParamPipe) id: string, @Body() body: DeferActionDto, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.defer(id, body, actor);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/reassign')
  @HttpCode(200)
  reassign(@Param('id', UuidParamPipe) id: string, @Body() body: ReassignActionDto): Promise<ParticipantActionView> {
    return this.actions.reassign(id, body.ownerId);
  }
}

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('lead-views')
export class LeadViewsController {
  constructor(private readonly audiences: AudiencesService) {}

  @AnyRole()
  @Get()
  list(): Promise<LeadViewView[]> {
    return this.audiences.listViews();
  }

  @Roles('admin', 'supervisor')
  @Post()
  @ApiOperation({ summary: "Save a lead view (a named filter of the leads list), e.g. for a schedule's audience" })
  create(@Body() body: LeadViewDto, @CurrentUser() actor: AccessClaims): Promise<LeadViewView> {
    return this.audiences.createView(body, actor.sub);
  }

  @Roles('admin', 'supervisor')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a saved lead view (refused while a schedule uses it as its audience)' })
  remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.audiences.deleteView(id);
  }
}
