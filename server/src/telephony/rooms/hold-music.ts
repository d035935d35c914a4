import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';

/** The hold music a feature chose for one call (a queue's own); null: it has no say. */
export type HoldMusicSource = (conversationId: string) => Promise<string | null>;

/**
 * What a held person hears. Features that own calls (the dialer's queues) register where
 * their calls' music is; telephony does not know them. A call none of them claims gets the
 * server's `HOLD_MUSIC_URL`, and without one the carrier's own hold music (null).
 */
@Injectable()
export class HoldMusic {
  private readonly sources: HoldMusicSource[] = [];

  constructor(private readonly config: AppConfig) {}

  register(source: HoldMusicSource): void {
    this.sources.push(source);
  }

  async urlFor(conversationId: string): Promise<string | null> {
    for (const source of this.sources) {
      const url = await source(conversationId);
      if (url) return url;
    }
    return this.config.telephony.holdMusicUrl ?? null;
  }
}
