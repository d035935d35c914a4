import { Injectable } from '@nestjs/common';
import type { ConversationEntity } from '../conversations/conversation.entity.js';
import type { CarrierParams } from './carrier-params.js';

/** What to do with an answered outbound call: the TwiML the carrier follows. */
export type BridgeRoute = (conversation: ConversationEntity, params: CarrierParams, query: Record<string, string | undefined>) => Promise<string>;

/**
 * Features that place calls for their own reasons (the power dialer) say here how their
 * answered calls are connected, by the Conversation's cause; other calls go to their agent.
 */
@Injectable()
export class BridgeRoutes {
  private readonly routes = new Map<string, BridgeRoute>();

  register(causeType: string, route: BridgeRoute): void {
    this.routes.set(causeType, route);
  }

  for(causeType: string | null): BridgeRoute | undefined {
    return causeType ? this.routes.get(causeType) : undefined;
  }
}
