import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed; the sealed text shows nothing of the secret and differs each time', () => {
    const a = box.seal('s3cr3t-token');
    const b = box.seal('s3cr3t-token');
    expect(a).not.toContain('s3cr3t');
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe('s3cr3t-token');
    expect(box.open(b)).toBe('s3cr3t-token');
  });

  it('refuses a tampered value and another key', () => {
    const sealed = box.seal('{"password":"p"}');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow('not a sealed secret');
    expect(() => new SecretBox(randomBytes(16))).toThrow('32 bytes');
  });
});
