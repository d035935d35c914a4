import { describe, expect, it } from '@jest/globals';
import { JsonLogger } from './json-logger.js';
import { requestContext } from './request-context.js';

describe('JsonLogger', () => {
  it('writes one JSON object per line with the request id of the request being served', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', (l) => lines.push(l));
    requestContext.run({ requestId: 'req-42' }, () => logger.log('hello', 'Ctx'));
    logger.debug('hidden below the level');
    logger.error(new Error('boom'));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', msg: 'hello', context: 'Ctx', requestId: 'req-42' });
    const err = JSON.parse(lines[1]);
    expect(err).toMatchObject({ level: 'error', msg: 'boom', err: { name: 'Error', message: 'boom' } });
    expect(err.requestId).toBeUndefined();
  });

  it('is quiet when silent', () => {
    const lines: string[] = [];
    new JsonLogger('silent', (l) => lines.push(l)).error('nope');
    expect(lines).toEqual([]);
  });
});
