import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsUUID, Matches, ValidateIf } from 'class-validator';
import { REPORT_GROUPINGS, REPORT_KINDS, REPORT_RANGES, type ReportGrouping, type ReportKind, type ReportRange } from '#shared';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A report to email as CSV every day: which, its filters and range, to whom, and when (the floor's zone). */
export class CreateReportSubscriptionDto {
  @ApiProperty({ enum: REPORT_KINDS })
  @IsIn(REPORT_KINDS as unknown as string[], { message: `must be one of ${REPORT_KINDS.join(', ')}` })
  report: ReportKind;

  @ApiPropertyOptional({ nullable: true, description: 'One dial queue' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID('all', { message: 'must be a UUID' })
  queueId?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'One agent' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID('all', { message: 'must be a UUID' })
  agentId?: string | null;

  @ApiPropertyOptional({ enum: REPORT_GROUPINGS, default: 'day' })
  @IsOptional()
  @IsIn(REPORT_GROUPINGS as unknown as string[], { message: `must be one of ${REPORT_GROUPINGS.join(', ')}` })
  groupBy?: ReportGrouping;

  @ApiPropertyOptional({ enum: REPORT_RANGES, default: 'yesterday', description: 'Counted back from the day it is delivered on' })
  @IsOptional()
  @IsIn(REPORT_RANGES as unknown as string[], { message: `must be one of ${REPORT_RANGES.join(', ')}` })
  range?: ReportRange;

  @ApiProperty({ type: [String], description: 'User ids: each gets the email at their address' })
  @IsArray({ message: 'must be a list of user ids' })
  @ArrayMinSize(1, { message: 'must name at least one user' })
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'must be user ids' })
  recipients: string[];

  @ApiPropertyOptional({ example: '07:00', default: '07:00', description: "Time of day in the floor's zone" })
  @IsOptional()
  @Matches(HHMM, { message: 'must be a time of day as HH:mm' })
  time?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  active?: boolean;
}

export class UpdateReportSubscriptionDto extends PartialType(CreateReportSubscriptionDto) {}
