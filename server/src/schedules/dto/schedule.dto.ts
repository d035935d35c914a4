import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ACTIVATIONS, type Activation, SCHEDULE_TYPES, type ScheduleType, SHARE_LEVELS, type ShareLevel, ENROLLMENT_STATUSES, LEAD_STATUSES, PARTICIPANT_ACTION_STATUSES } from '#shared';
import type { AutomationInput } from '../automations/step-automations.js';
import { IsCalendarDate, IsInstant } from '../../common/validation.js';
import { TIMING_WINDOWS, type TimingWindow } from '../timing.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const csv = () => Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value));

export class BusinessHoursDto {
  @ApiProperty({ example: '09:00' }) @Matches(HHMM, { message: 'must be HH:mm' }) start: string;
  @ApiProperty({ example: '17:00' }) @Matches(HHMM, { message: 'must be HH:mm' }) end: string;
}

/** A step as sent by the client; its settings are checked in depth by its action type's handler. */
export class StepDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An existing step to keep (its waiting leads stay with it); omit for a new step' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a step id' })
  id?: string;

  @ApiProperty({ example: 'sms' }) @IsString() @MaxLength(32) type: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(120) name?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  config?: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { kind: 'delay', amount: 2, unit: 'days' } })
  @IsObject({ message: 'must be an object' })
  timing: Record<string, unknown>;

  @ApiPropertyOptional({ enum: TIMING_WINDOWS, default: 'immediate' })
  @IsOptional()
  @IsIn(TIMING_WINDOWS as unknown as string[], { message: `must be one of ${TIMING_WINDOWS.join(', ')}` })
  window?: TimingWindow;

  @ApiPropertyOptional({ enum: ACTIVATIONS })
  @IsOptional()
  @IsIn(ACTIVATIONS as unknown as string[], { message: `must be one of ${ACTIVATIONS.join(', ')}` })
  activation?: Activation;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  criteria?: Record<string, unknown> | null;

  @ApiPropertyOptional({ enum: ['hold', 'skip'], default: 'skip' })
  @IsOptional()
  @IsIn(['hold', 'skip'], { message: 'must be hold or skip' })
  criteriaMode?: 'hold' | 'skip';

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } })
  @IsOptional()
  @IsArray()
  fieldUpdates?: unknown[] | null;

  @ApiPropertyOptional({ description: 'A custom field naming this step\'s owner (overrides the schedule\'s delegation field)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  ownerField?: string | null;

  @ApiPropertyOptional({ enum: ['hold', 'skip'], default: 'hold' })
  @IsOptional()
  @IsIn(['hold', 'skip'], { message: 'must be hold or skip' })
  onRefusal?: 'hold' | 'skip';

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Automations on this step ({ id?, name?, active?, trigger, actions: [{ type, config }] }); sent with their id they are kept, left out they are deleted; omit the list to leave them as they are',
  })
  @IsOptional()
  @IsArray({ message: 'must be a list' })
  automations?: AutomationInput[];
}

export class ScheduleDto {
  @ApiProperty() @trimmed() @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ enum: SCHEDULE_TYPES, default: 'classic', description: 'classic: the steps in order; smart: at each turn the most relevant step whose conditions the lead meets (each step once)' })
  @IsOptional()
  @IsIn(SCHEDULE_TYPES as unknown as string[], { message: `must be one of ${SCHEDULE_TYPES.join(', ')}` })
  type?: ScheduleType;
  @ApiPropertyOptional({ example: 'America/New_York' }) @IsOptional() @IsString() @MaxLength(64) timezone?: string | null;

  @ApiPropertyOptional({ type: BusinessHoursDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BusinessHoursDto)
  businessHours?: BusinessHoursDto;

  @ApiPropertyOptional({ type: [Number], example: [1, 2, 3, 4, 5] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true, message: 'each day must be 1 (Monday) to 7 (Sunday)' })
  @Min(1, { each: true, message: 'each day must be 1 (Monday) to 7 (Sunday)' })
  @Max(7, { each: true, message: 'each day must be 1 (Monday) to 7 (Sunday)' })
  businessDays?: number[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() excludeWeekends?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['2026-12-25'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @IsCalendarDate({ each: true, message: 'each holiday must be a real date yyyy-MM-dd' })
  holidays?: string[];

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(100_000) dripPerHour?: number | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(1_000_000) dripPerDay?: number | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a ring pool id' }) dialPoolId?: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a ring pool id' }) smsPoolId?: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'A custom field holding the user (id or email) who owns the work; blank → the lead\'s owner' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  delegationField?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  exitCriteria?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Who runs the schedule (automation summaries)' }) @IsOptional() @IsUUID('all', { message: 'must be a user id' }) coordinatorId?: string | null;
  @ApiPropertyOptional({ type: [String], description: 'Users who follow the schedule (automation summaries)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'each watcher must be a user id' })
  watcherIds?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'Who joins by themselves: { criteria (conditions on lead and custom fields), viewId (a saved lead view) }; null: only leads added by hand' })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  audience?: { criteria?: Record<string, unknown> | null; viewId?: string | null } | null;

  @ApiPropertyOptional({ enum: ['hourly', 'daily'], default: 'hourly' })
  @IsOptional()
  @IsIn(['hourly', 'daily'], { message: 'must be hourly or daily' })
  audienceEvery?: 'hourly' | 'daily';

  @ApiPropertyOptional({ example: '09:00', description: 'For a daily audience: the local time in the schedule\'s zone' })
  @IsOptional()
  @Matches(HHMM, { message: 'must be HH:mm' })
  audienceAt?: string;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() allowReenrollment?: boolean;
  @ApiPropertyOptional({ default: false, description: 'A lead in this schedule may be in no other' }) @IsOptional() @IsBoolean() exclusive?: boolean;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt({ message: 'must be a whole number' }) @Min(-1000) @Max(1000) priority?: number;

  @ApiProperty({ type: [StepDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => StepDto)
  steps: StepDto[];
}

export class ShareDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'must be a user id' }) userId: string;
  @ApiProperty({ enum: ['view', 'edit'] }) @IsIn(['view', 'edit'], { message: 'must be view or edit' }) access: 'view' | 'edit';
}

export class SharingDto {
  @ApiProperty({ enum: SHARE_LEVELS, description: 'What every user may do with it besides its owner: none, view or edit' })
  @IsIn(SHARE_LEVELS as unknown as string[], { message: `must be one of ${SHARE_LEVELS.join(', ')}` })
  everyone: ShareLevel;

  @ApiPropertyOptional({ type: [ShareDto], description: 'Particular users and what each may do' })
  @IsOptional()
  @IsArray({ message: 'must be a list' })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ShareDto)
  users?: ShareDto[];
}

/** A new schedule: its settings and steps, and optionally who it is shared with (private otherwise). */
export class NewScheduleDto extends ScheduleDto {
  @ApiPropertyOptional({ type: SharingDto, description: 'Private to its owner when omitted' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SharingDto)
  sharing?: SharingDto;
}

/** The whole sharing of a schedule (it replaces the old one), and optionally a new owner. */
export class ScheduleSharingDto extends SharingDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Hand the schedule over to this user' }) @IsOptional() @IsUUID('all', { message: 'must be a user id' }) ownerId?: string;
}

export class EnrollFilterDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsIn(LEAD_STATUSES as unknown as string[], { each: true, message: `each status must be one of ${LEAD_STATUSES.join(', ')}` })
  status?: string[];
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a user id' }) ownerId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) tag?: string;
  @ApiPropertyOptional({ description: 'key:value' }) @IsOptional() @Matches(/^[a-z][a-z0-9_]{0,63}:.{0,200}$/, { message: 'must be key:value with a custom field key' }) field?: string;
}

export class LeadViewDto {
  @ApiProperty() @trimmed() @IsString() @MinLength(1) @MaxLength(120) name: string;

  @ApiProperty({ type: EnrollFilterDto })
  @ValidateNested()
  @Type(() => EnrollFilterDto)
  filter: EnrollFilterDto;
}

export class EnrollDto {
  @ApiPropertyOptional({ type: [String], maxItems: 1000 })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each id must be a lead id' })
  leadIds?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 100, description: 'Accounts (companies): every lead of each joins' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true, message: 'each account must be a company name' })
  @MaxLength(200, { each: true, message: 'each account must be at most 200 characters' })
  accounts?: string[];

  @ApiPropertyOptional({ description: 'Enroll every lead matching a filter (the leads list\'s filters)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => EnrollFilterDto)
  filter?: EnrollFilterDto;
}

export class ListEnrollmentsQuery {
  @ApiPropertyOptional({ enum: ENROLLMENT_STATUSES }) @IsOptional() @IsIn(ENROLLMENT_STATUSES as unknown as string[], { message: `must be one of ${ENROLLMENT_STATUSES.join(', ')}` }) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a lead id' }) leadId?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class ListActionsQuery {
  @ApiPropertyOptional({ description: 'A user id, or "me"' }) @IsOptional() @IsString() @MaxLength(36) ownerId?: string;
  @ApiPropertyOptional({ description: 'One status or several, comma-separated' })
  @IsOptional()
  @csv()
  @IsIn(PARTICIPANT_ACTION_STATUSES as unknown as string[], { each: true, message: `each status must be one of ${PARTICIPANT_ACTION_STATUSES.join(', ')}` })
  status?: string[];
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a schedule id' }) scheduleId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a lead id' }) leadId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be an enrollment id' }) enrollmentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstant() dueFrom?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstant() dueTo?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class CompleteActionDto {
  @ApiPropertyOptional({ example: 'talked' }) @IsOptional() @trimmed() @IsString() @MaxLength(64) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) notes?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The call or message this completed with' }) @IsOptional() @IsUUID('all', { message: 'must be a conversation id' }) conversationId?: string;
}

export class DeferActionDto {
  @ApiProperty({ description: 'When to offer it again (ISO date-time, in the future)' }) @IsInstant() until: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) notes?: string;
}

export class ReassignActionDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'must be a user id' }) ownerId: string;
}

export class BulkReassignDto {
  @ApiProperty({ format: 'uuid', description: 'Whose open actions move (e.g. an agent away)' }) @IsUUID('all', { message: 'must be a user id' }) fromOwnerId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'must be a user id' }) toOwnerId: string;
  @ApiPropertyOptional() @IsOptional() @IsInstant() dueFrom?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstant() dueTo?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'must be a schedule id' }) scheduleId?: string;
}
/** A manual email step sent by its agent; each address is checked by the service (naming `cc[2]` and so on). */
export class SendEmailDto {
  @ApiProperty({ example: 'ann@example.com' }) @IsString() @MaxLength(254) to: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(20, { message: 'must be a list of up to 20 email addresses' }) @IsString({ each: true }) @MaxLength(254, { each: true }) cc?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(20, { message: 'must be a list of up to 20 email addresses' }) @IsString({ each: true }) @MaxLength(254, { each: true }) bcc?: string[];
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(254) replyTo?: string | null;
  @ApiPropertyOptional({ description: 'One of the draft\'s senders; default the step\'s From' }) @IsOptional() @IsString() @MaxLength(254) from?: string;
  @ApiProperty() @IsString() @MaxLength(300, { message: 'is longer than 300 characters' }) subject: string;
  @ApiProperty() @IsString() @MaxLength(200_000) body: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() html?: boolean;
}
