import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type AccessClaims, type CustomFieldDefinition, type LeadView, type Page } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { BulkDeleteLeadsDto, BulkUpdateLeadsDto, CreateLeadDto, CustomFieldDto, FindLeadsQuery, ListLeadsQuery, UpdateLeadDto } from './dto/lead.dto.js';
import { LeadsService } from './leads.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('leads')
@ApiBearerAuth()
@Controller('leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @AnyRole()
  @Get()
  @ApiOperation({ summary: 'Search and filter leads (agents see their own), newest first, with a cursor' })
  list(@Query() query: ListLeadsQuery, @CurrentUser() actor: AccessClaims): Promise<Page<LeadView>> {
    return this.leads.list(query, actor);
  }

  @AnyRole()
  @Get('search')
  @ApiOperation({ summary: "The agent's search box: leads whose name, company, email, tag or number (any format) starts with q (agents: their own), most recently active first" })
  find(@Query() query: FindLeadsQuery, @CurrentUser() actor: AccessClaims): Promise<{ items: LeadView[] }> {
    return this.leads.find(query, actor);
  }

  @Roles('admin', 'supervisor')
  @Post()
  create(@Body() body: CreateLeadDto, @CurrentUser() actor: AccessClaims): Promise<LeadView> {
    return this.leads.create(body, actor.sub);
  }

  @Roles('admin', 'supervisor')
  @Post('bulk-update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set status or owner, add or remove tags on up to 1000 leads at once' })
  bulkUpdate(@Body() body: BulkUpdateLeadsDto, @CurrentUser() actor: AccessClaims): Promise<{ updated: number }> {
    return this.leads.bulkUpdate(body, actor.sub);
  }

  @Roles('admin', 'supervisor')
  @Post('bulk-delete')
  @HttpCode(200)
  bulkDelete(@Body() body: BulkDeleteLeadsDto): Promise<{ deleted: number }> {
    return this.leads.bulkDelete(body.ids);
  }

  @AnyRole()
  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string, @CurrentUser() actor: AccessClaims): Promise<LeadView> {
    return this.leads.get(id, actor);
  }

  @AnyRole()
  @Patch(':id')
  @ApiOperation({ summary: 'Update a lead (agents: their own leads, and not the owner)' })
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateLeadDto, @CurrentUser() actor: AccessClaims): Promise<LeadView> {
    if (actor.role === 'agent' && body.ownerId !== undefined) throw new DomainError(ErrorCode.Forbidden, 'Agents cannot reassign leads');
    return this.leads.update(id, body, actor);
  }

  @Roles('admin', 'supervisor')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.leads.remove(id);
  }
}

@ApiTags('leads')
@ApiBearerAuth()
@Controller('custom-fields')
export class CustomFieldsController {
  constructor(private readonly leads: LeadsService) {}

  @AnyRole()
  @Get()
  list(): Promise<CustomFieldDefinition[]> {
    return this.leads.listCustomFields();
  }

  @Roles('admin')
  @Post()
  create(@Body() body: CustomFieldDto): Promise<CustomFieldDefinition> {
    return this.leads.createCustomField(body);
  }

  @Roles('admin')
  @Delete(':key')
  @HttpCode(204)
  remove(@Param('key') key: string): Promise<void> {
    return this.leads.deleteCustomField(key);
  }
}
