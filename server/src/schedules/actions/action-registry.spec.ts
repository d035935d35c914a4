import { describe, expect, it } from '@jest/globals';
import { SCHEDULE_ACTION_TYPES } from '#shared';
import type { ActionHandler } from './action-handler.js';
import { ActionRegistry } from './action-registry.js';

const handler = (type: string): ActionHandler => ({ type, activations: ['automatic'], validate: async () => [], run: async () => ({ kind: 'completed', outcome: 'ok' }) });

describe('action registry', () => {
  it('refuses to start when an offered type has no handler, naming it', () => {
    const registry = new ActionRegistry(SCHEDULE_ACTION_TYPES.filter((t) => t !== 'email' && t !== 'block').map(handler));
    expect(() => registry.assertComplete()).toThrow('no handler for action types email, block: refusing to start');
    registry.register(handler('email'));
    registry.register(handler('block'));
    expect(() => registry.assertComplete()).not.toThrow();
    expect(registry.get('sms')?.type).toBe('sms');
  });

  it('refuses two handlers for one type, and takes new types (integrations) beside the built-in ones', () => {
    const registry = new ActionRegistry([handler('sms')], ['sms']);
    expect(() => registry.register(handler('sms'))).toThrow(/two handlers/);
    registry.register(handler('webhook'));
    expect(registry.types()).toEqual(['sms', 'webhook']);
  });
});
