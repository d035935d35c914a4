import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { INBOUND_EMAIL_KINDS, type InboundEmailKind } from '#shared';

export class LeadEmailsQuery {
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number' }) @Min(0) offset?: number;
}

export class LeadEmailThreadQuery {
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(200) limit?: number;
}

export class InboundEmailsQuery {
  @ApiPropertyOptional({ enum: INBOUND_EMAIL_KINDS })
  @IsOptional()
  @IsIn(INBOUND_EMAIL_KINDS, { message: `must be one of ${INBOUND_EMAIL_KINDS.join(', ')}` })
  kind?: InboundEmailKind;

  @ApiPropertyOptional({ description: 'true: matched to a lead; false: unmatched' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  matched?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a lead id' }) leadId?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number' }) @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number' }) @Min(0) @Max(1_000_000) offset?: number;
}
