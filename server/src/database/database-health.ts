import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { pendingMigrations } from './migrator.js';

export interface DatabaseStatus {
  reachable: boolean;
  migrationsPending: boolean | null;
  kind: string;
  error?: string;
}

/** Answers readiness: is the database reachable, and is its schema current? */
@Injectable()
export class DatabaseHealth {
  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  async status(): Promise<DatabaseStatus> {
    const kind = this.config.database.kind;
    try {
      await this.ds.query('SELECT 1');
    } catch (e) {
      return { reachable: false, migrationsPending: null, kind, error: (e as Error).message };
    }
    try {
      return { reachable: true, migrationsPending: await pendingMigrations(this.ds), kind };
    } catch (e) {
      return { reachable: true, migrationsPending: null, kind, error: (e as Error).message };
    }
  }
}
