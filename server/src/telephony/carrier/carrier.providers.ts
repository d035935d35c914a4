import { randomBytes } from 'node:crypto';
import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/transactions.js';
import { CarrierGateway, TwilioCarrierGateway } from '../gateway/carrier-gateway.js';
import { SimulatedCarrier } from './simulated/simulated-carrier.js';
import { createTwilioClient } from './twilio-client.js';

/** The simulated carrier's account: a fixed sid, and a token made fresh for each process. */
export const SIMULATED_ACCOUNT_SID = `AC${'5'.repeat(32)}`;

/** The in-process simulated carrier, or null when the real carrier is configured. */
export const SIMULATED_CARRIER = Symbol('SIMULATED_CARRIER');

export const simulatedCarrierProvider: FactoryProvider<SimulatedCarrier | null> = {
  provide: SIMULATED_CARRIER,
  // After the database (Transactions needs it): a start that fails on an absent database has
  // opened no carrier port, and the start tried again opens one.
  inject: [AppConfig, Transactions],
  useFactory: async (config: AppConfig) => {
    const t = config.telephony;
    if (t.mode !== 'simulated') return null;
    const carrier = new SimulatedCarrier({ accountSid: SIMULATED_ACCOUNT_SID, authToken: randomBytes(24).toString('hex'), seed: t.simSeed, clock: t.simClock, speed: t.simSpeed });
    await carrier.start();
    return carrier;
  },
};

export const carrierGatewayProvider: FactoryProvider<CarrierGateway> = {
  provide: CarrierGateway,
  inject: [AppConfig, SIMULATED_CARRIER],
  useFactory: (config: AppConfig, sim: SimulatedCarrier | null) => {
    const t = config.telephony;
    if (sim) {
      const token = sim.options.authToken;
      return new TwilioCarrierGateway('simulated', createTwilioClient({ accountSid: SIMULATED_ACCOUNT_SID, authToken: token, baseUrl: sim.url }), token);
    }
    const accountSid = t.accountSid as string;
    const authToken = t.authToken as string;
    return new TwilioCarrierGateway('twilio', createTwilioClient({ accountSid, authToken, baseUrl: t.apiBaseUrl }), authToken);
  },
};
