import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
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
import { LEAD_STATUSES, PHONE_LABELS, type LeadStatus, type PhoneLabel } from '#shared';

const TAG = /^[a-z0-9][a-z0-9 _:.-]{0,63}$/;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const lowerTags = () => Transform(({ value }) => (Array.isArray(value) ? value.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : t)) : value));

/** An optional list of up to 50 tags, lower-cased. */
const TagList = () =>
  applyDecorators(
    ApiPropertyOptional({ type: [String] }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    lowerTags(),
    Matches(TAG, { each: true, message: 'each tag must be 1-64 lowercase letters, digits, spaces or _:.-' }),
  );

export class PhoneDto {
  @ApiProperty({ example: '+14155552671', description: 'Any common format; stored as E.164' })
  @IsString()
  @MaxLength(40)
  number: string;

  @ApiPropertyOptional({ enum: PHONE_LABELS, default: 'mobile' })
  @IsOptional()
  @IsIn(PHONE_LABELS as unknown as string[], { message: `must be one of ${PHONE_LABELS.join(', ')}` })
  label?: PhoneLabel;
}

export class LeadFieldsDto {
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(100) firstName?: string | null;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(100) lastName?: string | null;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(200) company?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @trimmed()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: [PhoneDto], description: 'The first number is the primary one' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PhoneDto)
  phones?: PhoneDto[];

  @ApiPropertyOptional({ example: 'America/Chicago', description: 'IANA zone; when absent it is derived from the number' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string | null;

  @ApiPropertyOptional({ example: 'US-FL', description: 'Country-subdivision code' })
  @IsOptional()
  @Matches(REGION, { message: 'must look like US-FL (country and state codes)' })
  region?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a user id' })
  ownerId?: string | null;

  @ApiPropertyOptional({ enum: LEAD_STATUSES })
  @IsOptional()
  @IsIn(LEAD_STATUSES as unknown as string[], { message: `must be one of ${LEAD_STATUSES.join(', ')}` })
  status?: LeadStatus;

  @TagList()
  tags?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;
}

export class CreateLeadDto extends LeadFieldsDto {}
export class UpdateLeadDto extends LeadFieldsDto {}

export class ListLeadsQuery {
  @ApiPropertyOptional({ description: 'Text in name, company, email or phone' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'One status or several, comma-separated' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value))
  @IsIn(LEAD_STATUSES as unknown as string[], { each: true, message: `each status must be one of ${LEAD_STATUSES.join(', ')}` })
  status?: LeadStatus[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a user id' })
  ownerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @Matches(TAG, { message: 'is not a valid tag' })
  tag?: string;

  @ApiPropertyOptional({ description: 'Any format; matched on E.164' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ description: 'key:value on a custom field, e.g. plan:gold' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}:.{0,200}$/, { message: 'must be key:value with a custom field key' })
  field?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(500)
  limit?: number;
}

export class FindLeadsQuery {
  @ApiProperty({ description: 'The start of a name, company, email, tag or number (any format)' })
  @IsString()
  @MaxLength(100)
  q: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(50)
  limit?: number;
}

export class BulkUpdateLeadsDto {
  @ApiProperty({ type: [String], maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each id must be a lead id' })
  ids: string[];

  @ApiPropertyOptional({ enum: LEAD_STATUSES })
  @IsOptional()
  @IsIn(LEAD_STATUSES as unknown as string[], { message: `must be one of ${LEAD_STATUSES.join(', ')}` })
  status?: LeadStatus;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a user id' })
  ownerId?: string | null;

  @TagList()
  addTags?: string[];

  @TagList()
  removeTags?: string[];
}

export class BulkDeleteLeadsDto {
  @ApiProperty({ type: [String], maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each id must be a lead id' })
  ids: string[];
}

export class CustomFieldDto {
  @ApiProperty({ example: 'plan' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'must be 1-64 lowercase letters, digits or _, starting with a letter' })
  key: string;

  @ApiProperty({ example: 'Plan' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  label: string;

  @ApiProperty({ enum: ['text', 'number', 'boolean', 'date', 'select'] })
  @IsIn(['text', 'number', 'boolean', 'date', 'select'], { message: 'must be one of text, number, boolean, date, select' })
  type: 'text' | 'number' | 'boolean' | 'date' | 'select';

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  options?: string[];
}
