import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { OPT_OUT_CHANNELS, type OptOutChannel } from '#shared';
import { IsInstant } from '../../common/validation.js';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const E164 = /^\+[1-9]\d{6,14}$/;

export class ContactDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a lead id' })
  leadId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Ring pool for the caller ID; default: the first active pool that can' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a ring pool id' })
  poolId?: string;

  @ApiPropertyOptional({ example: '+14155552671', description: "One of the lead's numbers; default: the primary one" })
  @IsOptional()
  @Matches(E164, { message: 'must be an E.164 number such as +14155552671' })
  to?: string;

  @ApiPropertyOptional({ description: 'Repeat the request with the same key and the first contact is returned instead of a second one' })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(100)
  idempotencyKey?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "A manual schedule step this contact is for (the caller's open call or SMS step of this lead): the step completes with it" })
  @IsOptional()
  @IsUUID('all', { message: 'must be a participant action id' })
  participantActionId?: string;
}

export class PlaceCallDto extends ContactDto {
  @ApiPropertyOptional({ description: 'Detect answering machines' })
  @IsOptional()
  @IsBoolean()
  machineDetection?: boolean;

  @ApiPropertyOptional({ minimum: 15, maximum: 60, default: 30 })
  @IsOptional()
  @IsInt()
  @Min(15, { message: 'must be at least 15 (an unanswered call rings at least 15 seconds)' })
  @Max(60)
  ringSeconds?: number;
}

export class ManualDialDto {
  @ApiProperty({ example: '(212) 555-0100', description: 'Any common format; read in the account country without a country code' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  number: string;
}

export class SendSmsDto extends ContactDto {
  @ApiProperty({ maxLength: 1600 })
  @IsString()
  @MinLength(1)
  @MaxLength(1600)
  body: string;
}

export class ListConversationsQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'must be a lead id' }) leadId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'must be a user id' }) agentId?: string;
  @ApiPropertyOptional({ enum: ['call', 'sms'] }) @IsOptional() @IsIn(['call', 'sms'], { message: 'must be call or sms' }) channel?: string;

  @ApiPropertyOptional({ description: 'One status or several, comma-separated' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value))
  @IsString({ each: true })
  status?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) disposition?: string;
  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' }) @IsOptional() @IsInstant() to?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ConversationNotesDto {
  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @MaxLength(5000)
  notes: string;
}

export class SimInboundSmsDto {
  @ApiProperty({ example: '+14155552671' }) @Matches(E164, { message: 'must be an E.164 number' }) from: string;
  @ApiProperty({ example: '+14155550100', description: 'One of our pool numbers' }) @Matches(E164, { message: 'must be an E.164 number' }) to: string;
  @ApiProperty() @IsString() @MaxLength(1600) body: string;
}

export class SimInboundCallDto {
  @ApiProperty({ example: '+14155552671' }) @Matches(E164, { message: 'must be an E.164 number' }) from: string;
  @ApiProperty({ example: '+14155550100' }) @Matches(E164, { message: 'must be an E.164 number' }) to: string;
}

export class SimMuteDto {
  @ApiProperty() @IsBoolean() muted: boolean;
}

export class SimDigitsDto {
  @ApiProperty({ example: '1#' }) @Matches(/^[0-9*#]{1,32}$/, { message: 'must be 1 to 32 of 0-9, * and #' }) digits: string;
}

export class HoldCallDto {
  @ApiProperty({ description: 'true to hold, false to bring the person back' }) @IsBoolean({ message: 'must be true or false' }) held: boolean;
}

export class SpokenRevocationDto {
  @ApiProperty({ maxLength: 500, example: 'Please take me off your list and stop calling', description: 'What the person said, as close to their words as the agent can' })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  words: string;

  @ApiPropertyOptional({ enum: OPT_OUT_CHANNELS, default: 'all', description: 'all: every channel to every address of the lead; or the one channel they named' })
  @IsOptional()
  @IsIn(OPT_OUT_CHANNELS as unknown as string[], { message: `must be one of ${OPT_OUT_CHANNELS.join(', ')}` })
  channel?: OptOutChannel;
}
