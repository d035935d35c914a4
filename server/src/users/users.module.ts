import { Module } from '@nestjs/common';
import { FirstAdminService } from './first-admin.service.js';
import { PasswordHasher } from './password-hasher.js';
import { Permissions } from './permissions.js';
import { UsersController } from './users.controller.js';
import { TypeormUsersRepository, UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [UsersService, FirstAdminService, PasswordHasher, Permissions, { provide: UsersRepository, useClass: TypeormUsersRepository }],
  exports: [UsersService, UsersRepository, PasswordHasher, Permissions],
})
export class UsersModule {}
