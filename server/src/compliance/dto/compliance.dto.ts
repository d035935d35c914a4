import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsInstant } from '../../common/validation.js';
import { BLOCK_KINDS, CHANNELS, CONSENT_ORIGINS, OPT_OUT_CHANNELS, type BlockKind, type Channel, type ConsentOrigin, type OptOutChannel } from '#shared';

export class OptOutDto {
  @ApiProperty({ example: '+14155552671', description: 'A phone number (any format) or an email address' })
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  address: string;

  @ApiProperty({ enum: OPT_OUT_CHANNELS })
  @IsIn(OPT_OUT_CHANNELS as unknown as string[], { message: `must be one of ${OPT_OUT_CHANNELS.join(', ')}` })
  channel: OptOutChannel;

  @ApiPropertyOptional({ enum: ['global', 'schedule', 'queue'], default: 'global' })
  @IsOptional()
  @IsIn(['global', 'schedule', 'queue'], { message: 'must be one of global, schedule, queue' })
  scopeType?: 'global' | 'schedule' | 'queue';

  @ApiPropertyOptional({ format: 'uuid', description: 'The schedule or queue, when scopeType is not global' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a schedule or queue id' })
  scopeId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;

  @ApiPropertyOptional({ enum: ['revocation', 'internal'], default: 'revocation', description: "An opt-out: the person's request (revocation, which the revoke-all rule widens) or the floor's own decision (internal)" })
  @IsOptional()
  @IsIn(['revocation', 'internal', 'consent'], { message: 'must be one of revocation, internal' })
  kind?: 'revocation' | 'internal' | 'consent';

  @ApiPropertyOptional({ enum: CONSENT_ORIGINS, description: 'How the request reached us' })
  @IsOptional()
  @IsIn(CONSENT_ORIGINS as unknown as string[], { message: `must be one of ${CONSENT_ORIGINS.join(', ')}` })
  origin?: ConsentOrigin;

  @ApiPropertyOptional({ description: "The person's words, as evidence" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  words?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The call or message the request came in' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a conversation id' })
  conversationId?: string;
}

export class BlockDto {
  @ApiProperty({ enum: BLOCK_KINDS })
  @IsIn(BLOCK_KINDS as unknown as string[], { message: `must be one of ${BLOCK_KINDS.join(', ')}` })
  kind: BlockKind;

  @ApiProperty({ example: '+14155552671', description: 'number: any format; prefix: + and digits (e.g. +1900); area-code: three digits' })
  @IsString()
  @MinLength(2)
  @MaxLength(40)
  value: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class PageQuery {
  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(0)
  offset?: number;
}

export class AddressQuery {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  address: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS as unknown as string[], { message: `must be one of ${CHANNELS.join(', ')}` })
  channel?: Channel;
}

export class EligibilityQuery {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS as unknown as string[], { message: `must be one of ${CHANNELS.join(', ')}` })
  channel: Channel;

  @ApiPropertyOptional({ description: 'Evaluate at this instant instead of now (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  at?: string;
}

export class CapsDto {
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  perDay?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  per24h?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  lifetime?: number;
}

export class AttemptCapsDto {
  @ApiPropertyOptional({ type: CapsDto }) @IsOptional() @ValidateNested() @Type(() => CapsDto) call?: CapsDto;
  @ApiPropertyOptional({ type: CapsDto }) @IsOptional() @ValidateNested() @Type(() => CapsDto) sms?: CapsDto;
  @ApiPropertyOptional({ type: CapsDto }) @IsOptional() @ValidateNested() @Type(() => CapsDto) email?: CapsDto;
}

/** A ledger read in pages with a cursor, or as CSV. */
class LedgerPagesQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'must be json or csv' })
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ConsentAuditQuery extends LedgerPagesQuery {
  @ApiProperty({ example: '2026-12-01', description: "The first calendar day, in the floor's time zone" })
  @IsCalendarDate()
  from: string;

  @ApiProperty({ example: '2026-12-06', description: 'The last calendar day (at most 366 days after the first)' })
  @IsCalendarDate()
  to: string;

  @ApiPropertyOptional({ enum: ['consent', 'refusals'], default: 'consent', description: 'consent: every opt-out, opt-in and revocation; refusals: every contact the gate refused' })
  @IsOptional()
  @IsIn(['consent', 'refusals'], { message: 'must be consent or refusals' })
  kind?: 'consent' | 'refusals';
}

export class LedgerDayQuery extends LedgerPagesQuery {
  @ApiProperty({ example: '2026-12-06', description: "A calendar day in the floor's time zone" })
  @IsCalendarDate()
  date: string;
}

export class ReviewListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'revocation', 'not-revocation'] })
  @IsOptional()
  @IsIn(['open', 'revocation', 'not-revocation'], { message: 'must be open, revocation or not-revocation' })
  status?: 'open' | 'revocation' | 'not-revocation';
}

export class ReviewDecisionDto {
  @ApiProperty({ enum: ['revocation', 'not-revocation'], description: 'revocation: write it to the ledger; not-revocation: release the hold' })
  @IsIn(['revocation', 'not-revocation'], { message: 'must be revocation or not-revocation' })
  decision: 'revocation' | 'not-revocation';

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class ConsentRulesDto {
  @ApiPropertyOptional({ enum: ['dated', 'per-channel', 'all'], description: 'dated: per channel until the revoke-all date, every channel from it; all: every channel now; per-channel cannot narrow the rule once in force' })
  @IsOptional()
  @IsIn(['dated', 'per-channel', 'all'], { message: 'must be dated, per-channel or all' })
  revocationScope?: 'dated' | 'per-channel' | 'all';

  @ApiPropertyOptional({ enum: ['opt-out', 'review'], description: 'A message that may be a revocation: opt out at once, or hold contact and ask a supervisor' })
  @IsOptional()
  @IsIn(['opt-out', 'review'], { message: 'must be opt-out or review' })
  unsure?: 'opt-out' | 'review';

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  confirmationText?: boolean;

  @ApiPropertyOptional({ maxLength: 40, description: 'The name confirmation and keyword replies are signed with' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  senderName?: string;
}
