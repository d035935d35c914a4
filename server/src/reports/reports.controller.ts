import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import type { ReportKind, ReportTable } from '#shared';
import { Roles } from '../web/access.decorators.js';
import { AbandonEvidenceQuery, ReportQuery } from './dto/report-query.dto.js';
import { ReportsService } from './reports.service.js';

/** The floor's reports for supervisors and admins: JSON tables, or `format=csv` streamed as a download. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  private async answer(kind: ReportKind, q: ReportQuery & { drill?: 'day' }, res: Response): Promise<ReportTable | StreamableFile> {
    if (q.format !== 'csv') return this.reports.table(kind, q);
    const lines = await this.reports.csv(kind, q);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${this.reports.fileName(kind, q)}"`);
    return new StreamableFile(Readable.from(lines, { highWaterMark: 16 }));
  }

  @Roles('admin', 'supervisor')
  @Get('agent-performance')
  @ApiOperation({ summary: 'Per agent and day (or hour): time logged in, ready, talking, in wrap-up and paused by reason; calls, contacts, conversions by disposition, average handle time' })
  agentPerformance(@Query() q: ReportQuery, @Res({ passthrough: true }) res: Response) {
    return this.answer('agent-performance', q, res);
  }

  @Roles('admin', 'supervisor')
  @Get('campaign-summary')
  @ApiOperation({ summary: 'Per queue and day, hour or hour of the day: dials, answers (person, machine), voicemail drops, abandons, connect rate, contacts, conversions, dials per agent hour' })
  campaignSummary(@Query() q: ReportQuery, @Res({ passthrough: true }) res: Response) {
    return this.answer('campaign-summary', q, res);
  }

  @Roles('admin', 'supervisor')
  @Get('dispositions')
  @ApiOperation({ summary: 'Calls per disposition and their share, per queue and agent, by day or hour' })
  dispositions(@Query() q: ReportQuery, @Res({ passthrough: true }) res: Response) {
    return this.answer('dispositions', q, res);
  }

  @Roles('admin', 'supervisor')
  @Get('abandon-evidence')
  @ApiOperation({ summary: 'Per queue and day and over the 30 days to it: answered, abandoned, their share, the 2-second rule met, the message played, rings of 15 s; drill=day: one row per call' })
  abandonEvidence(@Query() q: AbandonEvidenceQuery, @Res({ passthrough: true }) res: Response) {
    return this.answer('abandon-evidence', q, res);
  }
}
