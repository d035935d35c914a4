import type { CustomFieldDefinition, DialQueueView, RingPoolView, ScheduleView, UserView } from '#shared';
import { ApiError, type ApiClient } from '../lib/api.js';

/**
 * What the admin's setup forms share: the lists they show and pick from, read again after
 * every save so each form sees what another made, and the one notice or error line.
 */
export class AdminSetup {
  queues = $state<DialQueueView[]>([]);
  pools = $state<RingPoolView[]>([]);
  users = $state<UserView[]>([]);
  schedules = $state<ScheduleView[]>([]);
  customFields = $state<CustomFieldDefinition[]>([]);
  notice = $state<string | null>(null);
  error = $state<string | null>(null);
  readonly #api: () => ApiClient;

  /** `api` is asked each time, so the client the view holds now is the one used. */
  constructor(api: () => ApiClient) {
    this.#api = api;
  }

  get api(): ApiClient {
    return this.#api();
  }

  /** Nothing to report (a new tab). */
  clear(): void {
    this.notice = null;
    this.error = null;
  }

  /** A problem found in the page, before anything is sent. */
  fail(message: string): void {
    this.notice = null;
    this.error = message;
  }

  /** A failed save: the server's message with each field it named. */
  show(e: unknown): void {
    this.fail(e instanceof ApiError && e.fields.length ? `${e.message} — ${e.fields.map((f) => `${f.field} ${f.message}`).join('; ')}` : (e as Error).message);
  }

  async load(): Promise<void> {
    try {
      [this.queues, this.pools, this.users, this.schedules, this.customFields] = await Promise.all([
        this.api.get<DialQueueView[]>('/api/dial-queues'),
        this.api.get<RingPoolView[]>('/api/ring-pools'),
        this.api.get<UserView[]>('/api/users'),
        this.api.get<ScheduleView[]>('/api/schedules'),
        this.api.get<CustomFieldDefinition[]>('/api/custom-fields'),
      ]);
    } catch (e) {
      this.show(e);
    }
  }

  /** Runs one save; on success shows `done` and reloads the lists. False when it failed (the error is shown). */
  async save(run: () => Promise<unknown>, done: string): Promise<boolean> {
    this.error = null;
    try {
      await run();
      this.notice = done;
      await this.load();
      return true;
    } catch (e) {
      this.show(e);
      return false;
    }
  }
}
