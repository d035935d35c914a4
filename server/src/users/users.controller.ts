import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, UserView } from '#shared';
import { CurrentUser, Roles } from '../web/access.decorators.js';
import { CreateUserDto, UpdateUserDto, UserViewDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';
import { UuidParamPipe } from '../common/param-pipes.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOkResponse({ type: [UserViewDto] })
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Roles('admin', 'supervisor')
  @Get(':id')
  @ApiOkResponse({ type: UserViewDto })
  get(@Param('id', UuidParamPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Roles('admin')
  @Post()
  @ApiOkResponse({ type: UserViewDto })
  create(@Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(body);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOkResponse({ type: UserViewDto })
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateUserDto, @CurrentUser() actor: AccessClaims): Promise<UserView> {
    return this.users.update(id, body, actor.sub);
  }
}
