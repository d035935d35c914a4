// Placeholder until the recogniser lands: keywords only.
import { classifySmsKeyword } from './sms-keywords.js';

export type InboundVerdict =
  | { kind: 'keyword'; keyword: 'stop' | 'start' | 'help'; matched: string }
  | { kind: 'revocation'; matched: string; confidence: 'high' }
  | { kind: 'unsure'; matched: string; why: string }
  | { kind: 'none' };

export function normalizeInbound(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}

export function classifyInboundText(text: string): InboundVerdict {
  const k = classifySmsKeyword(text);
  return k ? { kind: 'keyword', keyword: k, matched: text.trim().toUpperCase() } : { kind: 'none' };
}

export function revocationChannelHint(_text: string): 'call' | 'sms' | 'email' | null {
  return null;
}
