import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { BLOCK_KINDS, CHANNELS, CONSENT_ORIGINS, OPT_OUT_CHANNELS, type BlockKind, type Channel, type ConsentOrigin, type OptOutChannel } from '../../../../shared/src/index.js';

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
  @IsString()
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
