import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTEGRATION_SPECS, type IntegrationKindSpec, type IntegrationView } from '#shared';
import { Roles } from '../web/access.decorators.js';
import { IntegrationDto, UpdateIntegrationDto } from './dto/integration.dto.js';
import { IntegrationsService } from './integrations.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Roles('admin')
  @Get('kinds')
  @ApiOperation({ summary: 'Each kind of integration with its settings and secrets' })
  kinds(): Record<string, IntegrationKindSpec> {
    return INTEGRATION_SPECS;
  }

  @Roles('admin')
  @Get()
  list(): Promise<IntegrationView[]> {
    return this.integrations.list();
  }

  @Roles('admin')
  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<IntegrationView> {
    return this.integrations.get(id);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Secrets are sealed with SECRETS_KEY and never returned: the answer says only which are set' })
  create(@Body() body: IntegrationDto): Promise<IntegrationView> {
    return this.integrations.create(body);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Settings merge; secrets sent replace, null clears, unsent ones stay' })
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateIntegrationDto): Promise<IntegrationView> {
    return this.integrations.update(id, body);
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.integrations.remove(id);
  }
}
