/** Display helpers shared by the views (pure). */

/** 75 → "1:15", 3725 → "1:02:05". */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Seconds from an ISO instant to `now` (ms). */
export function secondsSince(iso: string, now: number): number {
  return (now - Date.parse(iso)) / 1000;
}

export const STATE_LABEL: Record<string, string> = {
  offline: 'Offline',
  ready: 'Ready',
  reserved: 'Reserved',
  on_call: 'On call',
  wrap_up: 'Wrap-up',
  paused: 'Paused',
};

/** A due time relative to now: "in 5 min", "12 min ago", or the local time. */
export function due(iso: string, now: number): string {
  const diff = Math.round((Date.parse(iso) - now) / 60_000);
  if (Math.abs(diff) < 1) return 'now';
  if (Math.abs(diff) < 90) return diff > 0 ? `in ${diff} min` : `${-diff} min ago`;
  return new Date(iso).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

/** The wall-clock parts of an instant in a time zone. */
function zoneParts(ts: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ts));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

function offsetAt(ts: number, zone: string): number {
  const p = zoneParts(ts, zone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(ts / 1000) * 1000;
}

/**
 * A date-time picked in the lead's zone ("2026-03-03T09:30", as a datetime-local input
 * gives it) as an instant. Across a DST change the offset of the result itself is used.
 */
export function zonedToUtc(local: string, zone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) throw new Error(`not a date and time: ${local}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let ts = wall - offsetAt(wall, zone);
  ts = wall - offsetAt(ts, zone);
  return new Date(ts);
}

/** An instant as a datetime-local value in a zone. */
export function utcToZonedInput(at: Date, zone: string): string {
  const p = zoneParts(at.getTime(), zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.y}-${two(p.mo)}-${two(p.d)}T${two(p.h)}:${two(p.mi)}`;
}

/**
 * A lead's recent conversations with one brought up to date from its call's update over
 * the socket: replaced where it is listed, else put first (the list stays `limit` long).
 */
export function withConversation<T extends { id: string }>(history: T[], conversation: T, limit = 5): T[] {
  const at = history.findIndex((c) => c.id === conversation.id);
  return at >= 0 ? history.map((c, i) => (i === at ? conversation : c)) : [conversation, ...history].slice(0, limit);
}
