import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { CALLER_ID_STRATEGIES, type CallerIdStrategy } from '../../../../shared/src/index.js';

export class PoolNumberDto {
  @ApiProperty({ example: '+13055550100' }) @IsString() @MaxLength(40) e164: string;
  @ApiPropertyOptional({ description: "The carrier's id for the number" }) @IsOptional() @IsString() @MaxLength(64) carrierSid?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() voice?: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional({ example: 'US-FL', description: 'Derived from the area code when absent' })
  @IsOptional()
  @Matches(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: 'must look like US-FL' })
  region?: string;
}

export class RingPoolDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name: string;
  @ApiPropertyOptional({ enum: CALLER_ID_STRATEGIES, default: 'round-robin' })
  @IsOptional()
  @IsIn(CALLER_ID_STRATEGIES as unknown as string[], { message: `must be one of ${CALLER_ID_STRATEGIES.join(', ')}` })
  strategy?: CallerIdStrategy;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @IsInt() @Min(1) @Max(10_000) dailyCallCap?: number;
  @ApiPropertyOptional({ default: 200 }) @IsOptional() @IsInt() @Min(1) @Max(10_000) dailySmsCap?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() quarantineEnabled?: boolean;
  @ApiPropertyOptional({ default: 30 }) @IsOptional() @IsInt() @Min(5) @Max(10_000) quarantineMinCalls?: number;
  @ApiPropertyOptional({ default: 50, description: 'Quarantine below this share (percent) of the baseline answer rate' }) @IsOptional() @IsInt() @Min(1) @Max(99) quarantineRatioPct?: number;
  @ApiPropertyOptional({ default: 72 }) @IsOptional() @IsInt() @Min(1) @Max(24 * 90) coolDownHours?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ type: [PoolNumberDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PoolNumberDto)
  numbers?: PoolNumberDto[];
}

export class UpdateRingPoolDto extends PartialType(RingPoolDto) {}

export class AddNumbersDto {
  @ApiProperty({ type: [PoolNumberDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PoolNumberDto)
  numbers: PoolNumberDto[];
}

export class UpdatePoolNumberDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'active also lifts a quarantine' })
  @IsOptional()
  @IsIn(['active', 'disabled'], { message: 'must be active or disabled' })
  status?: 'active' | 'disabled';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() voice?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: 'must look like US-FL' }) region?: string;
}

export class PickQueryDto {
  @ApiProperty({ enum: ['call', 'sms'] }) @IsIn(['call', 'sms'], { message: 'must be call or sms' }) channel: 'call' | 'sms';
  @ApiProperty({ example: '+13055550123' }) @IsString() @MaxLength(40) to: string;
}
