import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { CALLBACK_STATUSES } from '#shared';
import { IsLocalOrInstant } from '../../common/validation.js';

const csv = () => Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value));

export class BookCallbackDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'must be a lead id' }) leadId: string;
  @ApiProperty({ description: 'An ISO instant; without an offset it is read in the lead\'s local time' }) @IsString() @MaxLength(40) @IsLocalOrInstant() dueAt: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Omit for yourself; null for anyone on the queue' }) @IsOptional() @IsUUID('all', { message: 'must be a user id' }) ownerId?: string | null;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'must be a queue id' }) queueId?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string | null;
  @ApiPropertyOptional({ default: 10 }) @IsOptional() @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(1440) escalateAfterMinutes?: number;
}

export class ListCallbacksQuery {
  @ApiPropertyOptional({ description: 'A user id, "me" or "anyone"' }) @IsOptional() @IsString() @MaxLength(36) ownerId?: string;
  @ApiPropertyOptional({ description: 'One status or several, comma-separated' })
  @IsOptional()
  @csv()
  @IsIn(CALLBACK_STATUSES as unknown as string[], { each: true, message: `each status must be one of ${CALLBACK_STATUSES.join(', ')}` })
  status?: string[];
  @ApiPropertyOptional({ description: 'Only overdue ones (due or escalated, past due and not taken)' }) @IsOptional() @Transform(({ value }) => value === 'true' || value === true) @IsBoolean() overdue?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a lead id' }) leadId?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class RescheduleCallbackDto {
  @ApiProperty() @IsString() @MaxLength(40) @IsLocalOrInstant() dueAt: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string | null;
}

export class CompleteCallbackDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) outcome?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'must be a conversation id' }) conversationId?: string;
}

export class ReassignCallbackDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'must be a user id' }) ownerId: string;
}
