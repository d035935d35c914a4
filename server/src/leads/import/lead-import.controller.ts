import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AccessClaims, ImportIssueView, LeadImportUploadView, LeadImportView } from '#shared';
import { CurrentUser, Roles } from '../../web/access.decorators.js';
import { ImportIssuesQuery, ListImportsQuery, StartImportDto, UploadQuery } from './lead-import.dto.js';
import { Accepts } from '../../web/media-types.js';
import { CSV_TYPES, LeadImportService } from './lead-import.service.js';
import { UuidParamPipe } from '../../common/param-pipes.js';

@ApiTags('lead imports')
@ApiBearerAuth()
@Roles('admin', 'supervisor')
@Controller('lead-imports')
export class LeadImportController {
  constructor(private readonly imports: LeadImportService) {}

  @Post()
  @Accepts(...CSV_TYPES)
  @ApiOperation({ summary: 'Upload a CSV file (the raw request body, streamed); answers with its columns, a sample and a suggested mapping' })
  upload(@Req() req: Request, @Query() query: UploadQuery, @CurrentUser() actor: AccessClaims): Promise<LeadImportUploadView> {
    const length = req.headers['content-length'];
    return this.imports.upload(req, { filename: query.filename, contentType: req.headers['content-type'], contentLength: length ? Number(length) : undefined }, actor);
  }

  @Get()
  list(@Query() query: ListImportsQuery): Promise<LeadImportView[]> {
    return this.imports.list(query.limit ?? 50, query.offset ?? 0);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The job: status, counts and progress' })
  get(@Param('id', UuidParamPipe) id: string): Promise<LeadImportView> {
    return this.imports.get(id);
  }

  @Post(':id/start')
  @HttpCode(202)
  @ApiOperation({ summary: 'Map the columns, choose how duplicates are handled, and start the import' })
  start(@Param('id', UuidParamPipe) id: string, @Body() body: StartImportDto): Promise<LeadImportView> {
    return this.imports.start(id, body);
  }

  @Post(':id/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a failed import again from its last committed row' })
  resume(@Param('id', UuidParamPipe) id: string): Promise<LeadImportView> {
    return this.imports.resume(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop an import; rows already committed stay, with their report' })
  cancel(@Param('id', UuidParamPipe) id: string): Promise<LeadImportView> {
    return this.imports.cancel(id);
  }

  @Get(':id/issues')
  @ApiOperation({ summary: 'The per-row report: line, column, reason (errors and skipped duplicates)' })
  issues(@Param('id', UuidParamPipe) id: string, @Query() query: ImportIssuesQuery): Promise<ImportIssueView[]> {
    return this.imports.issues(id, query.kind, query.limit ?? 100, query.offset ?? 0);
  }

  @Get(':id/report.csv')
  @ApiOperation({ summary: 'The per-row report as a CSV download' })
  async report(@Param('id', UuidParamPipe) id: string, @Res() res: Response): Promise<void> {
    const lines = this.imports.reportCsv(id);
    const first = await lines.next(); // throws 404 before any header is sent
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="import-${id}-report.csv"`);
    async function* all() {
      if (!first.done) yield first.value;
      yield* lines;
    }
    Readable.from(all()).pipe(res);
  }
}
