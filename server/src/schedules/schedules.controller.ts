import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AudienceRunResult, LeadViewView, AccessClaims, EnrollmentView, EnrollResult, ParticipantActionView, ScheduleView } from '../../../shared/src/index.js';
import { AnyRole, CurrentUser, Roles } from '../auth/access.decorators.js';
import { LeadViewDto, BulkReassignDto, CompleteActionDto, DeferActionDto, EnrollDto, ListActionsQuery, ListEnrollmentsQuery, ReassignActionDto, ScheduleDto } from './dto/schedule.dto.js';
import { EnrollmentsService } from './enrollments.service.js';
import { AudiencesService } from './audiences.service.js';
import { ParticipantActionsService } from './participant-actions.service.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly enrollments: EnrollmentsService,
    private readonly audiences: AudiencesService,
  ) {}

  @AnyRole()
  @Get()
  list(): Promise<ScheduleView[]> {
    return this.schedules.list();
  }

  @Roles('admin', 'supervisor')
  @Post()
  @ApiOperation({ summary: 'Create a schedule with its steps; every problem is named and nothing is saved' })
  create(@Body() body: ScheduleDto, @CurrentUser() actor: AccessClaims): Promise<ScheduleView> {
    return this.schedules.create(body, actor);
  }

  @AnyRole()
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ScheduleView> {
    return this.schedules.get(id);
  }

  @Roles('admin', 'supervisor')
  @Put(':id')
  @ApiOperation({ summary: 'Replace settings and steps (send kept steps with their id); applies to work not yet done' })
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ScheduleDto): Promise<ScheduleView> {
    return this.schedules.update(id, body);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/activate')
  @HttpCode(200)
  activate(@Param('id', new ParseUUIDPipe()) id: string): Promise<ScheduleView> {
    return this.schedules.setActive(id, true);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@Param('id', new ParseUUIDPipe()) id: string): Promise<ScheduleView> {
    return this.schedules.setActive(id, false);
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.schedules.remove(id);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/enrollments')
  @ApiOperation({ summary: 'Enroll leads by id (up to 1000), every lead of some accounts (companies), or every lead matching a filter' })
  enroll(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: EnrollDto, @CurrentUser() actor: AccessClaims): Promise<EnrollResult> {
    return this.enrollments.enroll(id, body, body.filter || body.accounts ? 'bulk' : 'api', actor.sub);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/audience/run')
  @HttpCode(200)
  @ApiOperation({ summary: "Look at the schedule's audience now: enroll the leads that match and are not in it" })
  async runAudience(@Param('id', new ParseUUIDPipe()) id: string): Promise<AudienceRunResult> {
    await this.schedules.find(id);
    return this.audiences.run(id);
  }

  @Roles('admin', 'supervisor')
  @Get(':id/enrollments')
  listEnrollments(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: ListEnrollmentsQuery): Promise<EnrollmentView[]> {
    return this.enrollments.list(id, q);
  }
}

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('enrollments')
export class EnrollmentsController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Roles('admin', 'supervisor')
  @Get('lead/:leadId')
  forLead(@Param('leadId', new ParseUUIDPipe()) leadId: string): Promise<EnrollmentView[]> {
    return this.enrollments.forLead(leadId);
  }

  @Roles('admin', 'supervisor')
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<EnrollmentView> {
    return this.enrollments.get(id);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id', new ParseUUIDPipe()) id: string): Promise<EnrollmentView> {
    return this.enrollments.pause(id);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', new ParseUUIDPipe()) id: string): Promise<EnrollmentView> {
    return this.enrollments.resume(id);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/exit')
  @HttpCode(200)
  exit(@Param('id', new ParseUUIDPipe()) id: string): Promise<EnrollmentView> {
    return this.enrollments.exit(id, 'removed');
  }
}

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('participant-actions')
export class ParticipantActionsController {
  constructor(private readonly actions: ParticipantActionsService) {}

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
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.get(id, actor);
  }

  @AnyRole()
  @Post(':id/complete')
  @HttpCode(200)
  complete(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CompleteActionDto, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.complete(id, body, actor);
  }

  @AnyRole()
  @Post(':id/skip')
  @HttpCode(200)
  skip(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CompleteActionDto, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.skip(id, body.notes, actor);
  }

  @AnyRole()
  @Post(':id/defer')
  @HttpCode(200)
  defer(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: DeferActionDto, @CurrentUser() actor: AccessClaims): Promise<ParticipantActionView> {
    return this.actions.defer(id, body, actor);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/reassign')
  @HttpCode(200)
  reassign(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReassignActionDto): Promise<ParticipantActionView> {
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
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.audiences.deleteView(id);
  }
}
