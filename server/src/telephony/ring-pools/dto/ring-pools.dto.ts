import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CALLER_ID_STRATEGIES, POOL_CHANNELS, type CallerIdStrategy, type PoolChannel } from '#shared';

const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const REGION_MESSAGE = 'must be a country and region code like US-FL';

export class PoolNumberDto {
  @ApiProperty({ example: '+13055550100', description: 'Any format; numbers without a country code are read in the account default country' })
  @IsString()
  @MaxLength(40)
  e164: string;

  @ApiPropertyOptional({ description: "The carrier's id for the number" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  carrierSid?: string;

  @ApiPropertyOptional({ default: true, description: 'Can place calls' })
  @IsOptional()
  @IsBoolean()
  voice?: boolean;

  @ApiPropertyOptional({ default: true, description: 'Can send texts' })
  @IsOptional()
  @IsBoolean()
  sms?: boolean;

  @ApiPropertyOptional({ example: 'US-FL', description: 'Derived from the area code when absent' })
  @IsOptional()
  @Matches(REGION, { message: REGION_MESSAGE })
  region?: string;
}

export class RingPoolDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MaxLength(100)
  @Matches(/\S/, { message: 'must not be blank' })
  name: string;

  @ApiPropertyOptional({ enum: CALLER_ID_STRATEGIES, default: 'round-robin' })
  @IsOptional()
  @IsIn(CALLER_ID_STRATEGIES as unknown as string[], { message: `must be one of ${CALLER_ID_STRATEGIES.join(', ')}` })
  strategy?: CallerIdStrategy;

  @ApiPropertyOptional({ default: 100, description: 'Calls each number may place per local day' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(10_000)
  dailyCallCap?: number;

  @ApiPropertyOptional({ default: 200, description: 'Texts each number may send per local day' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(10_000)
  dailySmsCap?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  quarantineEnabled?: boolean;

  @ApiPropertyOptional({ default: 30, description: 'Calls needed in the recent window, and in the baseline, before an answer rate is judged' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(10_000)
  quarantineMinCalls?: number;

  @ApiPropertyOptional({ default: 50, description: "Quarantine when the recent answer rate is below this percentage of the number's baseline" })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(100)
  quarantineRatioPct?: number;

  @ApiPropertyOptional({ default: 72, description: 'How long a quarantine lasts' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(24 * 90)
  coolDownHours?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: [PoolNumberDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PoolNumberDto)
  numbers?: PoolNumberDto[];
}

/** Numbers are added and removed through their own routes. */
export class UpdateRingPoolDto extends PartialType(OmitType(RingPoolDto, ['numbers'] as const)) {}

export class AddNumbersDto {
  @ApiProperty({ type: [PoolNumberDto], description: 'One or more numbers' })
  @IsArray()
  @ArrayMinSize(1)
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

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  voice?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  sms?: boolean;

  @ApiPropertyOptional({ example: 'US-FL' })
  @IsOptional()
  @Matches(REGION, { message: REGION_MESSAGE })
  region?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  carrierSid?: string;
}

export class PickQueryDto {
  @ApiProperty({ enum: POOL_CHANNELS })
  @IsIn(POOL_CHANNELS as unknown as string[], { message: `must be one of ${POOL_CHANNELS.join(', ')}` })
  channel: PoolChannel;

  @ApiProperty({ example: '+13055550123', description: "The lead's number, any format" })
  @IsString()
  @MaxLength(40)
  to: string;

  @ApiPropertyOptional({ example: 'US-FL', description: "The lead's region; derived from the area code when absent" })
  @IsOptional()
  @Matches(REGION, { message: REGION_MESSAGE })
  region?: string;
}
