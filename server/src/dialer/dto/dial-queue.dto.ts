import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { AFTER_WRAP_UP_LIMITS, type AfterWrapUpLimit, DIAL_MODES, DIAL_OUTCOMES, type DialMode, type DialOutcome, RECORDING_CONSENTS, RECORDING_MODES, type RecordingConsent, type RecordingMode, RECYCLE_OUTCOMES, type RecycleOutcome } from '#shared';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QueueRecordingDto {
  @ApiPropertyOptional({ enum: RECORDING_MODES }) @IsOptional() @IsIn(RECORDING_MODES as unknown as string[], { message: `must be one of ${RECORDING_MODES.join(', ')}` }) mode?: RecordingMode;
  @ApiPropertyOptional({ enum: RECORDING_CONSENTS, description: 'Where every party must consent: announce first, or wait for the agent to mark consent' })
  @IsOptional()
  @IsIn(RECORDING_CONSENTS as unknown as string[], { message: `must be one of ${RECORDING_CONSENTS.join(', ')}` })
  consent?: RecordingConsent;
  @ApiPropertyOptional({ maxLength: 500, nullable: true }) @IsOptional() @IsString() @MaxLength(500) announcement?: string | null;
  @ApiPropertyOptional({ nullable: true, minimum: 1, maximum: 3650 }) @IsOptional() @IsInt() @Min(1) @Max(3650) retentionDays?: number | null;
}

export class CallingWindowDto {
  @ApiProperty({ example: '09:00' }) @Matches(HHMM, { message: 'must be a time of day as HH:mm' }) start: string;
  @ApiProperty({ example: '20:00' }) @Matches(HHMM, { message: 'must be a time of day as HH:mm' }) end: string;
}

export class RetryRuleDto {
  @ApiProperty({ enum: DIAL_OUTCOMES })
  @IsIn(DIAL_OUTCOMES as unknown as string[], { message: `must be one of ${DIAL_OUTCOMES.join(', ')}` })
  outcome: DialOutcome;

  @ApiProperty() @IsInt({ message: 'must be a whole number of minutes' }) @Min(1) @Max(60 * 24 * 30) retryMinutes: number;
  @ApiProperty() @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(50) maxAttempts: number;
}

export class RecycleRuleDto {
  @ApiProperty({ enum: RECYCLE_OUTCOMES, description: 'A final call outcome, `callback` (a disposition that asked for a callback) or `disposition` (one code)' })
  @IsIn(RECYCLE_OUTCOMES as unknown as string[], { message: `must be one of ${RECYCLE_OUTCOMES.join(', ')}` })
  outcome: RecycleOutcome;

  @ApiPropertyOptional({ nullable: true, description: 'With outcome `disposition`: the disposition code' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'must be a disposition code (letters, digits, _ and -, at most 40)' })
  code?: string | null;

  @ApiProperty({ description: 'Minutes after the lead\'s turn ended (up to 90 days)' })
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(0)
  @Max(60 * 24 * 90)
  afterMinutes: number;

  @ApiProperty({ description: 'Passes through the lists in all, the first included (2 to 20)' })
  @IsInt({ message: 'must be a whole number' })
  @Min(2, { message: 'must be at least 2 (the first pass and one more)' })
  @Max(20)
  maxPasses: number;

  @ApiPropertyOptional({ nullable: true, description: 'The queue the lead comes back into; null: this one' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a dial queue id' })
  intoQueueId?: string | null;
}

export class ResetQueueDto {
  @ApiPropertyOptional({ description: 'true: only count what the reset would bring back' }) @IsOptional() @IsBoolean() preview?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Only leads whose turn ended with one of these outcomes; all finished leads when absent' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DIAL_OUTCOMES.length + 1)
  @IsIn([...DIAL_OUTCOMES, 'refused', 'removed'], { each: true, message: `must be outcomes (${[...DIAL_OUTCOMES, 'refused', 'removed'].join(', ')})` })
  outcomes?: string[];
}

/** Settings shared by create and update, each optional (defaults on create). */
class DialQueueSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be a ring pool id' }) ringPoolId?: string | null;

  @ApiPropertyOptional({ type: CallingWindowDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallingWindowDto)
  callingWindow?: CallingWindowDto | null;

  @ApiPropertyOptional({ type: [RetryRuleDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DIAL_OUTCOMES.length)
  @ValidateNested({ each: true })
  @Type(() => RetryRuleDto)
  retryRules?: RetryRuleDto[];

  @ApiPropertyOptional({ type: [RecycleRuleDto], description: 'Leads brought back after their turn ends, by outcome' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RecycleRuleDto)
  recycleRules?: RecycleRuleDto[];

  @ApiPropertyOptional({ description: 'How long an unanswered call rings: 15 to 120 seconds' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(15, { message: 'must be at least 15 seconds (unanswered calls ring at least 15 s)' })
  @Max(120)
  ringSeconds?: number;

  @ApiPropertyOptional() @IsOptional() @IsInt({ message: 'must be a whole number of seconds' }) @Min(3) @Max(300) previewSeconds?: number;
  @ApiPropertyOptional({ enum: ['hangup', 'voicemail'] }) @IsOptional() @IsIn(['hangup', 'voicemail'], { message: 'must be hangup or voicemail' }) machineAction?: 'hangup' | 'voicemail';
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(1000) voicemailMessage?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(500) abandonMessage?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(5) maxLinesPerAgent?: number;

  @ApiPropertyOptional({ description: 'Abandoned calls allowed, percent of answered over 30 days (0 to 3)' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'must be a number of percent' })
  @Min(0)
  @Max(3, { message: 'must be at most 3 (percent of answered calls)' })
  abandonCapPct?: number;

  @ApiPropertyOptional({ description: 'predictive: the 30-day abandon share the pacer aims under, percent of answered calls (above 0, below the legal cap of 3 and the queue’s cap)' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'must be a number of percent' })
  @Min(0.1, { message: 'must be at least 0.1 (percent of answered calls)' })
  @Max(2.99, { message: 'must be below the legal cap of 3 (percent of answered calls)' })
  targetAbandonPct?: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'must be user ids' })
  agentIds?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Supervisors and admins who watch the queue and may listen to, coach and join its live calls' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'must be user ids' })
  supervisorIds?: string[];

  @ApiPropertyOptional({ type: () => QueueRecordingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => QueueRecordingDto)
  recording?: QueueRecordingDto;

  @ApiPropertyOptional({ enum: AFTER_WRAP_UP_LIMITS, default: 'pause', description: 'An agent still wrapping up at the limit is paused (wrap-up-expired) or made ready' })
  @IsOptional()
  @IsIn(AFTER_WRAP_UP_LIMITS as unknown as string[], { message: `must be one of ${AFTER_WRAP_UP_LIMITS.join(', ')}` })
  afterWrapUpLimit?: AfterWrapUpLimit;

  @ApiPropertyOptional({ nullable: true, maxLength: 500, example: 'https://example.com/hold.mp3', description: 'What a held person hears in the queue\'s calls (played by the carrier); null: the server\'s hold music' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http or https URL' })
  @MaxLength(500)
  holdMusicUrl?: string | null;
}

export class CreateDialQueueDto extends DialQueueSettingsDto {
  @ApiProperty() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(120) name: string;

  @ApiProperty({ enum: DIAL_MODES })
  @IsIn(DIAL_MODES as unknown as string[], { message: `must be one of ${DIAL_MODES.join(', ')}` })
  mode: DialMode;
}

export class UpdateDialQueueDto extends DialQueueSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(120) name?: string;

  @ApiPropertyOptional({ enum: DIAL_MODES })
  @IsOptional()
  @IsIn(DIAL_MODES as unknown as string[], { message: `must be one of ${DIAL_MODES.join(', ')}` })
  mode?: DialMode;
}

export class AddQueueLeadsDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one lead' })
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true, message: 'must be lead ids' })
  leadIds: string[];

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(-1000) @Max(1000) priority?: number;
}

export class ListItemsQuery {
  @ApiPropertyOptional() @IsOptional() @IsIn(['pending', 'reserved', 'dialing', 'done', 'canceled']) status?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class PenetrationFormatQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' }) @IsOptional() @IsIn(['json', 'csv'], { message: 'must be json or csv' }) format?: 'json' | 'csv';
}

export class PenetrationQuery extends PenetrationFormatQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the leads this CSV import made' }) @IsOptional() @IsUUID('all', { message: 'must be a lead import id' }) importId?: string;
}

export class AbandonRateQuery {
  @ApiPropertyOptional({ default: 30 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number of days' }) @Min(1) @Max(90) days?: number;
}
