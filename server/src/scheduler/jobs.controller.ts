import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ErrorCode } from '#shared';
import { Roles } from '../web/access.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import type { JobEntity } from './job.entity.js';
import { JobsRepository } from './jobs.repository.js';
import { UuidParamPipe } from '../common/param-pipes.js';

const STATUSES = ['pending', 'running', 'done', 'dead', 'canceled'];

export class ListJobsQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES, { message: `must be one of ${STATUSES.join(', ')}` }) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(48) queue?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

function view(j: JobEntity) {
  return {
    id: j.id,
    queue: j.queue,
    status: j.status,
    dueAt: j.dueAt.toISOString(),
    attempt: j.attempt,
    failures: j.failures,
    maxAttempts: j.maxAttempts,
    lastError: j.lastError,
    leaseOwner: j.leaseOwner,
    leaseUntil: j.leaseUntil?.toISOString() ?? null,
    dedupeKey: j.dedupeKey,
    payload: JSON.parse(j.payload) as unknown,
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

/** The scheduler's work, for admins: what is due, what is running, and what died (with a retry). */
@ApiTags('scheduler')
@ApiBearerAuth()
@Roles('admin')
@Controller('scheduler/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Query() q: ListJobsQuery) {
    return (await this.jobs.list(q.status, q.queue, q.limit ?? 50, q.offset ?? 0)).map(view);
  }

  @Get('counts')
  counts(): Promise<Record<string, number>> {
    return this.jobs.counts();
  }

  @Get(':id')
  async get(@Param('id', UuidParamPipe) id: string) {
    const job = await this.jobs.find(id);
    if (!job) throw DomainError.notFound('Job');
    return view(job);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a dead job again now, with its failure count reset' })
  async retry(@Param('id', UuidParamPipe) id: string) {
    const job = await this.jobs.find(id);
    if (!job) throw DomainError.notFound('Job');
    if (!(await this.jobs.retry(id, this.clock.now()))) throw new DomainError(ErrorCode.Conflict, `Only a dead job can be retried; this one is ${job.status}`);
    return view((await this.jobs.find(id)) as JobEntity);
  }
}
