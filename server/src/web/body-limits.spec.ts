import { describe, expect, it } from '@jest/globals';
import { BODY_LIMITS, scanForm, scanJson } from './body-limits.js';

const json = (text: string, limits: { keys?: number } = {}) => {
  const e = scanJson(Buffer.from(text), { ...BODY_LIMITS, ...limits });
  return e && { status: e.status, fields: e.fields ?? [] };
};

describe('scanJson', () => {
  it('lets ordinary bodies through, strings with brackets and escaped quotes included', () => {
    expect(json('{"a":[1,{"b":"]}{[\\"{"}],"c":null}')).toBeNull();
    expect(json('[]')).toBeNull();
    expect(json('')).toBeNull();
  });

  it('refuses nesting past the limit, counting objects and arrays alike', () => {
    expect(json('['.repeat(32) + ']'.repeat(32))).toBeNull();
    expect(json('['.repeat(33) + ']'.repeat(33))).toEqual({ status: 400, fields: [{ field: 'body', message: 'is nested deeper than 32 levels' }] });
    expect(json('{"a":'.repeat(33) + '1' + '}'.repeat(33))?.fields[0].field).toBe('body');
    // Unclosed, a hundred thousand deep: refused at the 33rd level, without recursing.
    expect(json('['.repeat(100_000))?.fields[0].message).toBe('is nested deeper than 32 levels');
  });

  it('refuses more keys than the limit in the whole body', () => {
    const body = (n: number) => `[${Array.from({ length: n }, (_, i) => `{"k${i}":1}`).join(',')}]`;
    expect(json(body(10), { keys: 10 })).toBeNull();
    expect(json(body(11), { keys: 10 })).toEqual({ status: 400, fields: [{ field: 'body', message: 'has more than 10 keys' }] });
  });

  it('refuses a list longer than any route takes, and one of more objects than any route takes, naming it', () => {
    const list = (n: number, entry: string) => Array.from({ length: n }, () => entry).join(',');
    expect(json(`{"numbers":[${list(100_000, '0')}]}`)).toBeNull();
    expect(json(`{"numbers":[${list(100_001, '0')}]}`)).toEqual({ status: 400, fields: [{ field: 'numbers', message: 'has more than 100000 entries' }] });
    expect(json(`[${list(100_001, '""')}]`)?.fields[0].field).toBe('body');
    expect(json(`{"phones":[${list(1000, '{}')}]}`)).toBeNull();
    expect(json(`{"a":{"phones":[${list(1001, '{"number":"1"}')}]}}`)).toEqual({ status: 400, fields: [{ field: 'a.phones', message: 'has more than 1000 objects or lists' }] });
    expect(json(`[[${list(1001, '[]')}]]`)?.fields[0].field).toBe('[0]');
  });

  it('names a prototype key by its path, escaped or not; a value of that name is fine', () => {
    expect(json('{"__proto__":{"admin":true}}')?.fields).toEqual([{ field: '__proto__', message: 'is not an allowed field' }]);
    expect(json('{"a":[1,{"b":{"constructor":1}}]}')?.fields).toEqual([{ field: 'a[1].b.constructor', message: 'is not an allowed field' }]);
    expect(json('[{"x":1},{"prototype":1}]')?.fields[0].field).toBe('[1].prototype');
    expect(json('{"\\u005f_proto__":1}')?.fields[0].field).toBe('__proto__');
    expect(json('{"name":"__proto__","tags":["constructor"]}')).toBeNull();
    expect(json('{"__proto__x":1,"my constructor":2}')).toBeNull();
  });
});

describe('scanForm', () => {
  it('names prototype keys however they are encoded, and counts fields', () => {
    expect(scanForm('CallSid=CA1&CallStatus=completed')).toBeNull();
    expect(scanForm('a=1&__proto__=2')?.fields).toEqual([{ field: '__proto__', message: 'is not an allowed field' }]);
    expect(scanForm('%5F%5Fproto%5F%5F=1')?.fields?.[0].field).toBe('__proto__');
    expect(scanForm('constructor')?.fields?.[0].field).toBe('constructor');
    expect(scanForm('v=constructor&bad=%E0%A4%A')).toBeNull();
    expect(scanForm('a=1&'.repeat(11), { ...BODY_LIMITS, keys: 10 })?.fields).toEqual([{ field: 'body', message: 'has more than 10 keys' }]);
  });
});
