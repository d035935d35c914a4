import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ErrorCode, type FieldError } from '#shared';
import { DomainError } from '../common/domain-error.js';

/**
 * What one request may carry. The depth and key limits are checked on the raw text
 * before it is parsed: the parsers themselves cope with deep input, but every step after
 * them (class-transformer, class-validator, our own walkers) recurses, and a body nested
 * a hundred thousand levels deep overflowed the stack there.
 */
export const BODY_LIMITS = {
  bytes: '1mb',
  /** Objects and arrays inside one another; the deepest DTO we take is well under ten. */
  depth: 32,
  /** Keys in the whole body (a form's fields; a query's parameters). */
  keys: 10_000,
  /** Entries in one list: the longest list a route takes is 100,000 numbers to scrub. */
  items: 100_000,
  /**
   * Objects or lists in one list. Each becomes a DTO that is validated in full, even past
   * the list's own maximum (500 at most): 200,000 empty objects for a lead's phones kept
   * the only thread busy for nine seconds.
   */
  nestedItems: 1_000,
} as const;

/** Keys that reach an object's prototype in careless code. Refused by name wherever they appear. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

interface Frame {
  array: boolean;
  /** The key being read (an object) or the position (an array): the path to what comes next. */
  key: string;
  index: number;
  /** In a list: how many of its entries are objects or lists. */
  containers: number;
}

interface Limits {
  depth: number;
  keys: number;
  items: number;
  nestedItems: number;
}

/**
 * Scans JSON text once, left to right, counting nesting and keys outside strings and
 * reading each key. Linear in the input and never deeper than `limits.depth` frames, so
 * it cannot be made to recurse or loop. It does not check that the text is JSON: the
 * parser that runs after it does.
 */
export function scanJson(text: Uint8Array, limits: Limits = BODY_LIMITS): DomainError | null {
  const frames: Frame[] = [];
  let keys = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === QUOTE) {
      const start = i;
      i = closingQuote(text, i);
      const top = frames[frames.length - 1];
      if (!top || top.array || !expectKey) continue;
      if (++keys > limits.keys) return tooManyKeys(limits.keys);
      top.key = readKey(text, start, i);
      if (PROTOTYPE_KEYS.has(top.key)) return prototypeKey(pathOf(frames));
      expectKey = false;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (frames.length >= limits.depth) return tooDeep(limits.depth);
      const top = frames[frames.length - 1];
      if (top?.array && ++top.containers > limits.nestedItems) return tooLong(frames, `more than ${limits.nestedItems} objects or lists`);
      frames.push({ array: c === OPEN_ARRAY, key: '', index: 0, containers: 0 });
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
      expectKey = false;
    } else if (c === COMMA) {
      const top = frames[frames.length - 1];
      if (top?.array) {
        if (++top.index >= limits.items) return tooLong(frames, `more than ${limits.items} entries`);
      } else if (top) expectKey = true;
    } else if (c === COLON) {
      expectKey = false;
    }
  }
  return null;
}

/**
 * The same limits for `a=1&b=2` text (form bodies and query strings): a count of fields
 * and the prototype keys by name, read before any parser turns them into an object (the
 * form parser silently drops `__proto__`, so afterwards it could not be named).
 */
export function scanForm(text: string, limits: Limits = BODY_LIMITS): DomainError | null {
  if (!text) return null;
  let keys = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (++keys > limits.keys) return tooManyKeys(limits.keys);
    const eq = text.indexOf('=', start);
    const key = decodeFormKey(text.slice(start, eq === -1 || eq > end ? end : eq));
    if (PROTOTYPE_KEYS.has(key)) return prototypeKey(key);
    start = end + 1;
  }
  return null;
}

/** The index of the quote that closes the string opening at `open` (or the end of the text). */
function closingQuote(text: Uint8Array, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === BACKSLASH) i++;
    else if (text[i] === QUOTE) return i;
  }
  return text.length;
}

/** A key as the parser will read it, escapes included (`"\u005f_proto__"` is `__proto__`). */
function readKey(text: Uint8Array, open: number, close: number): string {
  const raw = Buffer.from(text.buffer, text.byteOffset + open, close + 1 - open);
  if (!raw.includes(BACKSLASH)) return raw.toString('utf8', 1, raw.length - 1);
  try {
    return JSON.parse(raw.toString('utf8')) as string;
  } catch {
    return ''; // not a valid string: the parser refuses the body
  }
}

function decodeFormKey(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced; // the form parser keeps an undecodable key as it is
  }
}

/** `a.b[0].c`, as validation errors name fields; cut short from the left if a key is huge. */
function pathOf(frames: Frame[]): string {
  let path = '';
  for (const f of frames) path += f.array ? `[${f.index}]` : path ? `.${f.key}` : f.key;
  return path.length > 200 ? `…${path.slice(-199)}` : path;
}

function tooDeep(depth: number): DomainError {
  return new DomainError(ErrorCode.BadRequest, `body: is nested deeper than ${depth} levels`, [{ field: 'body', message: `is nested deeper than ${depth} levels` }]);
}

/** A list named by its path (`phones`, or `body` for the body itself). */
function tooLong(frames: Frame[], what: string): DomainError {
  const field = pathOf(frames.slice(0, -1)) || 'body';
  return new DomainError(ErrorCode.BadRequest, `${field}: has ${what}`, [{ field, message: `has ${what}` }]);
}

function tooManyKeys(keys: number): DomainError {
  return new DomainError(ErrorCode.BadRequest, `body: has more than ${keys} keys`, [{ field: 'body', message: `has more than ${keys} keys` }]);
}

function prototypeKey(path: string): DomainError {
  const field: FieldError = { field: path, message: 'is not an allowed field' };
  return new DomainError(ErrorCode.ValidationFailed, `${field.field}: ${field.message}`, [field]);
}

/**
 * Shaped like the parsers' own errors (a `status` and a `type`) so it travels their path
 * to the error handler, which answers with the DomainError it carries as its cause.
 */
function refusal(error: DomainError): Error {
  return Object.assign(new Error(error.message, { cause: error }), { status: error.status, type: 'entity.refused' });
}

function checkJson(_req: Request, _res: Response, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') !== 'utf8') {
    throw refusal(new DomainError(ErrorCode.UnsupportedMediaType, 'Content-Type: send JSON as UTF-8', [{ field: 'Content-Type', message: 'charset must be utf-8' }]));
  }
  const problem = scanJson(buf);
  if (problem) throw refusal(problem);
}

function checkForm(_req: Request, _res: Response, buf: Buffer): void {
  const problem = scanForm(buf.toString('latin1'));
  if (problem) throw refusal(problem);
}

/** The JSON and form parsers, each refusing a hostile body before it parses it. */
export function bodyParsers(): RequestHandler[] {
  return [
    express.json({ limit: BODY_LIMITS.bytes, type: 'application/json', verify: checkJson }),
    express.urlencoded({ limit: BODY_LIMITS.bytes, type: 'application/x-www-form-urlencoded', extended: false, parameterLimit: BODY_LIMITS.keys, verify: checkForm }),
  ];
}

/** The query string gets the same field count and prototype-key check as a form body. */
export function queryLimits() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const q = req.url.indexOf('?');
    const problem = q === -1 ? null : scanForm(req.url.slice(q + 1));
    next(problem ?? undefined);
  };
}
