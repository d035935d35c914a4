import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../web/access.decorators.js';
import { UpdateSettingsDto } from './dto/settings.dto.js';
import { type AccountSettings, SettingsService } from './settings.service.js';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @AnyRole()
  @Get()
  get(): Promise<AccountSettings> {
    return this.settings.get();
  }

  @Roles('admin')
  @Put()
  update(@Body() body: UpdateSettingsDto): Promise<AccountSettings> {
    return this.settings.update(body);
  }
}
