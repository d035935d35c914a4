import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DEDUPE_MODES, LEAD_STATUSES, type DedupeMode, type ImportTarget } from '#shared';

export class ImportDefaultsDto {
  @ApiPropertyOptional({ enum: LEAD_STATUSES, description: 'Status of new leads whose row has none (default new)' })
  @IsOptional()
  @IsString()
  status?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Owner of new leads whose row names none' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a user id' })
  ownerId?: string;

  @ApiPropertyOptional({ type: [String], description: 'Tags added to every new lead' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  tags?: string[];
}

export class StartImportDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'First Name': 'firstName', Phone: 'phone', Email: 'email', 'Plan Tier': 'custom:plan' },
    description: 'CSV header → lead field (firstName, lastName, fullName, company, email, phone, phone:home|work|mobile|other, timezone, region, status, owner, tags, custom:<key>); unmapped columns are ignored',
  })
  @IsObject()
  columns: Record<string, ImportTarget>;

  @ApiPropertyOptional({ enum: DEDUPE_MODES, default: 'skip', description: 'A row whose number (or, without one, email) matches a lead: skip it, update that lead, or import it anyway' })
  @IsOptional()
  @IsIn(DEDUPE_MODES as unknown as string[], { message: `must be one of ${DEDUPE_MODES.join(', ')}` })
  dedupe?: DedupeMode;

  @ApiPropertyOptional({ type: ImportDefaultsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ImportDefaultsDto)
  defaults?: ImportDefaultsDto;
}

export class ImportIssuesQuery {
  @ApiPropertyOptional({ enum: ['error', 'skipped'] })
  @IsOptional()
  @IsIn(['error', 'skipped'], { message: 'must be error or skipped' })
  kind?: 'error' | 'skipped';

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class ListImportsQuery {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class UploadQuery {
  @ApiPropertyOptional({ description: 'The file name to show in the import list' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  filename?: string;
}
