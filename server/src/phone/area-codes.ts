import { NANP_AREA_CODES } from './data/nanp-area-codes.js';

const TERRITORIES = new Set(['US-PR', 'US-VI', 'US-GU', 'US-MP', 'US-AS']);

/**
 * Every zone a number in the 50 states and DC may be in: the candidates when a
 * lead's zone is unknown (territories have area codes of their own, so a number
 * there is never of unknown zone).
 */
export const US_ZONES: readonly string[] = [
  ...new Set([...NANP_AREA_CODES.values()].filter((v) => v.region.startsWith('US-') && !TERRITORIES.has(v.region)).flatMap((v) => v.zones)),
].sort();

/** The NANP area code of a +1 number; null for other numbers. */
export function areaCodeOf(e164: string): string | null {
  return /^\+1\d{10}$/.test(e164) ? e164.slice(2, 5) : null;
}

/** The region and candidate zones of a +1 number from its area code; null when unknown or not NANP. */
export function zonesForNumber(e164: string): { region: string; zones: string[]; source: 'area-code' } | null {
  const m = /^\+1(\d{3})\d{7}$/.exec(e164);
  if (!m) return null;
  const info = NANP_AREA_CODES.get(m[1]);
  return info ? { region: info.region, zones: [...info.zones], source: 'area-code' } : null;
}
