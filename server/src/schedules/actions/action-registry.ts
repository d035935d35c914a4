import { SCHEDULE_ACTION_TYPES } from '#shared';
import type { ActionHandler } from './action-handler.js';

/**
 * Every action type's handler, found by type. Schedules and action groups share it;
 * other modules add their types (integrations) with `register`. `assertComplete` runs
 * at boot: a type the product offers with no handler stops the server.
 */
export class ActionRegistry {
  private readonly handlers = new Map<string, ActionHandler>();

  constructor(handlers: ActionHandler[] = [], private readonly required: readonly string[] = SCHEDULE_ACTION_TYPES) {
    for (const h of handlers) this.register(h);
  }

  register(handler: ActionHandler): void {
    if (this.handlers.has(handler.type)) throw new Error(`action type "${handler.type}" has two handlers`);
    this.handlers.set(handler.type, handler);
  }

  get(type: string): ActionHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()].sort();
  }

  assertComplete(): void {
    const missing = this.required.filter((t) => !this.handlers.has(t));
    if (missing.length) throw new Error(`no handler for action type${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: refusing to start`);
  }
}
