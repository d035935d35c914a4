import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../web/access.decorators.js';
import { DatabaseHealth } from '../database/database-health.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly db: DatabaseHealth) {}

  @Public()
  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up and serving' })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database is reachable and every migration is applied (503 otherwise)' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const db = await this.db.status();
    const ready = db.reachable && db.migrationsPending === false;
    res.status(ready ? 200 : 503);
    return {
      status: ready ? 'ready' : 'not-ready',
      database: { kind: db.kind, reachable: db.reachable, migrations: db.migrationsPending === null ? 'unknown' : db.migrationsPending ? 'pending' : 'applied' },
    };
  }
}
