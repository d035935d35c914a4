import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import type { AccessClaims, SmsPreviewView, SmsTemplateView } from '#shared';
import { AnyRole, CurrentUser, Roles } from '../web/access.decorators.js';
import { SmsTemplatesService } from './sms-templates.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class SmsTemplateDto {
  @ApiProperty() @trimmed() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(120) name: string;
  @ApiProperty({ example: 'Hi {{lead.firstName | there}}, it is {{owner.name}} from Acme.' }) @IsString() @MinLength(1, { message: 'must not be empty' }) body: string;
}

export class UpdateSmsTemplateDto {
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(120) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1, { message: 'must not be empty' }) body?: string;
}

export class SmsPreviewDto {
  @ApiProperty() @IsUUID('all', { message: 'must be a lead id' }) leadId: string;
  @ApiProperty() @IsString() @MinLength(1, { message: 'must not be empty' }) body: string;
}

@ApiTags('sms')
@ApiBearerAuth()
@Controller()
export class SmsTemplatesController {
  constructor(private readonly templates: SmsTemplatesService) {}

  @AnyRole()
  @Get('sms-templates')
  list(): Promise<SmsTemplateView[]> {
    return this.templates.list();
  }

  @Roles('admin', 'supervisor')
  @Post('sms-templates')
  create(@Body() body: SmsTemplateDto): Promise<SmsTemplateView> {
    return this.templates.create(body);
  }

  @Roles('admin', 'supervisor')
  @Patch('sms-templates/:id')
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateSmsTemplateDto): Promise<SmsTemplateView> {
    return this.templates.update(id, body);
  }

  @Roles('admin', 'supervisor')
  @Delete('sms-templates/:id')
  @HttpCode(204)
  async remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.templates.remove(id);
  }

  @AnyRole()
  @Post('sms/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'A body as this lead would get it (merge fields filled), with its encoding, characters and segments' })
  preview(@Body() body: SmsPreviewDto, @CurrentUser() actor: AccessClaims): Promise<SmsPreviewView> {
    return this.templates.preview(body.leadId, body.body, actor);
  }
}
