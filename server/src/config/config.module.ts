import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from './app-config.js';

/** Cross-cutting adapters every module may inject: the config, the clock, the logger and the domain event bus. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, logger: JsonLogger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Clock, useClass: SystemClock },
        { provide: JsonLogger, useValue: logger },
        DomainEvents,
      ],
      exports: [AppConfig, Clock, JsonLogger, DomainEvents],
    };
  }
}
