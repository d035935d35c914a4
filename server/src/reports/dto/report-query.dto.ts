import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { REPORT_GROUPINGS, type ReportGrouping } from '#shared';
import { IsCalendarDate } from '../../common/validation.js';

/** The filters every report takes: a range of the floor's days, a queue, an agent, the bucketing and the format. */
export class ReportQuery {
  @ApiPropertyOptional({ example: '2026-12-01', description: "First day, in the floor's zone (default: today)" })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-07', description: "Last day, included (default: the first)" })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'One dial queue' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  queueId?: string;

  @ApiPropertyOptional({ description: 'One agent' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  agentId?: string;

  @ApiPropertyOptional({ enum: REPORT_GROUPINGS, default: 'day' })
  @IsOptional()
  @IsIn(REPORT_GROUPINGS, { message: `must be one of ${REPORT_GROUPINGS.join(', ')}` })
  groupBy?: ReportGrouping;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'must be json or csv' })
  format?: 'json' | 'csv';
}

export class AbandonEvidenceQuery extends ReportQuery {
  @ApiPropertyOptional({ enum: ['day'], description: 'day: one row per call of the range, from the raw calls' })
  @IsOptional()
  @IsIn(['day'], { message: 'must be day' })
  drill?: 'day';
}
