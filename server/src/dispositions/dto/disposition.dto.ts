import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsLocalOrInstant } from '../../common/validation.js';

export class DispositionFlagsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() contacted?: boolean;
  @ApiPropertyOptional({ description: 'A person answered: counts toward the abandon rate' }) @IsOptional() @IsBoolean() humanAnswered?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() success?: boolean;
  @ApiPropertyOptional({ description: 'Opts the number out of calls, with this disposition as the source' }) @IsOptional() @IsBoolean() doNotCall?: boolean;
  @ApiPropertyOptional({ description: 'Books a callback' }) @IsOptional() @IsBoolean() callback?: boolean;
  @ApiPropertyOptional({ description: 'Ends the lead\'s enrollment in the schedule the call came from' }) @IsOptional() @IsBoolean() exitSchedule?: boolean;
  @ApiPropertyOptional({ description: 'No more attempts from the queue' }) @IsOptional() @IsBoolean() final?: boolean;
}

class DispositionFieldsDto {
  @ApiPropertyOptional({ type: DispositionFlagsDto }) @IsOptional() @ValidateNested() @Type(() => DispositionFlagsDto) flags?: DispositionFlagsDto;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be an action group id' }) actionGroupId?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsInt({ message: 'must be a whole number of minutes' }) @Min(1) @Max(60 * 24 * 60) callbackDelayMinutes?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(1000) position?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class CreateDispositionDto extends DispositionFieldsDto {
  @ApiProperty({ enum: ['account', 'queue', 'schedule'] })
  @IsIn(['account', 'queue', 'schedule'], { message: 'must be account, queue or schedule' })
  scopeType: 'account' | 'queue' | 'schedule';

  @ApiPropertyOptional({ description: 'The queue or schedule (not for account)' }) @IsOptional() @IsUUID('all', { message: 'must be a queue or schedule id' }) scopeId?: string;

  @ApiProperty({ example: 'sale' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'must be a short lower-case code (letters, digits, - and _)' })
  code: string;

  @ApiProperty() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(80) label: string;
}

export class UpdateDispositionDto extends DispositionFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(80) label?: string;
}

export class CatalogueQuery {
  @ApiPropertyOptional({ enum: ['account', 'queue', 'schedule'], default: 'account' }) @IsOptional() @IsIn(['account', 'queue', 'schedule'], { message: 'must be account, queue or schedule' }) scopeType?: 'account' | 'queue' | 'schedule';
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a queue or schedule id' }) scopeId?: string;
}

export class EffectiveQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a queue id' }) queueId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a schedule id' }) scheduleId?: string;
}

export class SetDispositionDto {
  @ApiProperty() @IsString() @MaxLength(40) code: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) notes?: string;
  @ApiPropertyOptional({ description: 'With a callback disposition: when, as a local date-time in the lead\'s zone (or an instant with an offset)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsLocalOrInstant()
  callbackAt?: string;

  @ApiPropertyOptional({ description: 'To change a stored disposition: the code it replaces (without it, a different disposition is a conflict)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  replaces?: string;
}
