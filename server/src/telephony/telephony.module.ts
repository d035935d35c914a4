import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { CallsController } from './calls.controller.js';
import { carrierGatewayProvider, SIMULATED_CARRIER, simulatedCarrierProvider } from './carrier/carrier.providers.js';
import type { SimulatedCarrier } from './carrier/simulated/simulated-carrier.js';
import { ConversationsRepository, TypeormConversationsRepository } from './conversations/conversations.repository.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { ConsentConfirmations } from './outbound/consent-confirmations.js';
import { OutboundService } from './outbound/outbound.service.js';
import { ContactWork } from './outbound/contact-work.js';
import { ManualDialService } from './outbound/manual-dial.service.js';
import { RecentWorkService } from './conversations/recent-work.service.js';
import { OutboundRateLimiter } from './outbound/rate-limiter.js';
import { RateLimitsRepository, TypeormRateLimitsRepository } from './outbound/rate-limits.repository.js';
import { CallReconciler } from './outbound/reconciler.js';
import { RingPoolsModule } from './ring-pools/ring-pools.module.js';
import { SimControlsController } from './sim-controls.controller.js';
import { VoiceTokens } from './voice-tokens.js';
import { CarrierEventsService } from './webhooks/carrier-events.service.js';
import { CarrierSignatureGuard } from './webhooks/carrier-signature.guard.js';
import { CarrierWebhooksController } from './webhooks/carrier-webhooks.controller.js';
import { WebhookUrls } from './webhooks/webhook-urls.js';
import { BridgeRoutes } from './webhooks/bridge-routes.js';
import { CallLegsRepository } from './rooms/call-legs.repository.js';
import { CallRooms } from './rooms/call-rooms.service.js';
import { HoldMusic } from './rooms/hold-music.js';
import { CallRecorder } from './rooms/call-recorder.service.js';
import { CallRecordingsRepository } from './rooms/call-recordings.repository.js';

/** Calls and texts: the carrier (real or simulated), ring pools, Conversations and the carrier's webhooks. */
@Module({
  imports: [LeadsModule, ComplianceModule, SettingsModule, RingPoolsModule],
  controllers: [CallsController, CarrierWebhooksController, SimControlsController],
  providers: [
    BridgeRoutes,
    simulatedCarrierProvider,
    carrierGatewayProvider,
    ConversationsService,
    { provide: ConversationsRepository, useClass: TypeormConversationsRepository },
    OutboundService,
    ContactWork,
    ManualDialService,
    RecentWorkService,
    ConsentConfirmations,
    OutboundRateLimiter,
    { provide: RateLimitsRepository, useClass: TypeormRateLimitsRepository },
    CallReconciler,
    CarrierEventsService,
    CarrierSignatureGuard,
    WebhookUrls,
    VoiceTokens,
    CallLegsRepository,
    CallRooms,
    HoldMusic,
    CallRecordingsRepository,
    CallRecorder,
  ],
  exports: [ContactWork, BridgeRoutes, CallRooms, HoldMusic, CallRecorder, OutboundService, RingPoolsModule, ConversationsService, ConversationsRepository, SIMULATED_CARRIER, WebhookUrls],
})
export class TelephonyModule implements OnApplicationShutdown {
  constructor(@Inject(SIMULATED_CARRIER) private readonly sim: SimulatedCarrier | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sim?.stop();
  }
}
