import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Request } from 'express';
import { ErrorCode, type AccessClaims, type DncListView, type DncLoadView } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { Accepts, mediaType } from '../web/media-types.js';
import { DncService } from './dnc.service.js';
import { IntParamPipe } from '../common/param-pipes.js';

export class CreateDncListDto {
  @ApiProperty({ example: 'National registry 2026-11' }) @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;
}

export class DncCheckQuery {
  @ApiProperty({ example: '+12125550123' }) @IsString() @MinLength(3) @MaxLength(40) number: string;
}

export class DncScrubDto {
  @ApiProperty({ type: [String], maxItems: 100_000 })
  @IsArray()
  @ArrayMaxSize(100_000)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  numbers: string[];
}

const TEXT_TYPES = ['text/plain', 'text/csv', 'application/csv', 'application/octet-stream'];

@ApiTags('compliance')
@ApiBearerAuth()
@Controller('dnc-lists')
export class DncController {
  constructor(private readonly dnc: DncService) {}

  @Roles('admin', 'supervisor')
  @Get()
  list(): Promise<DncListView[]> {
    return this.dnc.lists();
  }

  @AnyRole()
  @Get('check')
  @ApiOperation({ summary: 'Is this number on a do-not-call list, and which' })
  check(@Query() q: DncCheckQuery) {
    return this.dnc.check(q.number);
  }

  @Roles('admin', 'supervisor')
  @Post('scrub')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which of up to 100,000 numbers are on a do-not-call list' })
  scrub(@Body() body: DncScrubDto) {
    return this.dnc.scrub(body.numbers);
  }

  @Roles('admin', 'supervisor')
  @Post()
  create(@Body() body: CreateDncListDto, @CurrentUser() actor: AccessClaims): Promise<DncListView> {
    return this.dnc.createList(body, actor);
  }

  @Roles('admin', 'supervisor')
  @Get(':id')
  get(@Param('id', IntParamPipe) id: number): Promise<DncListView> {
    return this.dnc.get(id);
  }

  @Roles('admin', 'supervisor')
  @Put(':id/numbers')
  @Accepts(...TEXT_TYPES)
  @ApiOperation({ summary: 'Load numbers from a text file sent as the raw body (one per line), streamed; safe to repeat' })
  load(@Param('id', IntParamPipe) id: number, @Req() req: Request): Promise<DncLoadView> {
    const type = mediaType(req.headers['content-type']);
    if (!TEXT_TYPES.includes(type)) { // an empty body passes the media-type check; a file must still say it is text
      req.resume();
      throw new DomainError(ErrorCode.UnsupportedMediaType, `Content-Type: send the file as text/plain or text/csv (got ${type || 'none'})`, [{ field: 'Content-Type', message: 'must be text/plain or text/csv' }]);
    }
    return this.dnc.load(id, req);
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', IntParamPipe) id: number, @CurrentUser() actor: AccessClaims): Promise<void> {
    return this.dnc.remove(id, actor);
  }
}
