/** Days and instants on the floor's clock (pure): the quick ranges and how rows are dated. */

/** An instant as the floor's wall clock: "2026-12-07 14:03:09". */
export function floorTime(iso: string, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Every calendar day from..to, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= end && out.length < 400; d += 86_400_000) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

/** A calendar day `days` after (or before) another. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Today in a zone (the browser's when none is given). */
export function todayIn(zone: string | null, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export const QUICK_RANGES = ['today', 'yesterday', 'last-7', 'last-30'] as const;
export type QuickRange = (typeof QUICK_RANGES)[number];
export const QUICK_LABEL: Record<QuickRange, string> = { today: 'Today', yesterday: 'Yesterday', 'last-7': 'Last 7 days', 'last-30': 'Last 30 days' };

/** A quick pick as days of the zone: the last 7 and 30 days end today. */
export function quickRange(pick: QuickRange, zone: string | null, now: Date = new Date()): { from: string; to: string } {
  const today = todayIn(zone, now);
  switch (pick) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const y = addDays(today, -1);
      return { from: y, to: y };
    }
    case 'last-7':
      return { from: addDays(today, -6), to: today };
    case 'last-30':
      return { from: addDays(today, -29), to: today };
  }
}
