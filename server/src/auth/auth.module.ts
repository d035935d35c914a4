import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthRepository, TypeormAuthRepository } from './auth.repository.js';
import { AuthService } from './auth.service.js';
import { LoginThrottleRepository, TypeormLoginThrottleRepository } from './login-throttle.repository.js';
import { LoginThrottle } from './login-throttle.service.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [JwtModule.register({}), UsersModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    LoginThrottle,
    { provide: AuthRepository, useClass: TypeormAuthRepository },
    { provide: LoginThrottleRepository, useClass: TypeormLoginThrottleRepository },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}
