/** What the softphone reports of itself with each heartbeat. */
export interface SoftphoneHealth {
  phone: 'registered' | 'unregistered' | 'error' | 'simulated';
  microphone: 'granted' | 'denied' | 'prompt' | 'unknown';
}
