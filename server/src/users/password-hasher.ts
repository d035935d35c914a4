import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { AppConfig } from '../config/app-config.js';

/**
 * Password hashing (argon2id) with the library's defaults (64 MiB, 3 passes). Under
 * NODE_ENV=test only, hashes are made cheap (4 MiB, 1 pass), so the thousands of sign-ins
 * the suite performs do not dominate its run; a hash carries its parameters, so verifying
 * is the same code either way.
 */
@Injectable()
export class PasswordHasher {
  private readonly options: { type: typeof argon2.argon2id; memoryCost?: number; timeCost?: number };

  constructor(config: AppConfig) {
    this.options = config.env === 'test' ? { type: argon2.argon2id, memoryCost: 4096, timeCost: 1 } : { type: argon2.argon2id };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
