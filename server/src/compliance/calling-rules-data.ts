/** The shape of calling-hours rules as data (the shipped rules and an account's own). */

/** A local time-of-day range, `HH:mm`, end exclusive ('24:00' allowed). */
export interface LocalWindow {
  start: string;
  end: string;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface RegionRule {
  label: string;
  /** The region's window on every day not named in `days`. */
  window?: LocalWindow;
  /** Per-day windows; null means no calls that day. */
  days?: Partial<Record<Weekday, LocalWindow | null>>;
  noCallOnHolidays?: boolean;
  maxCallsPer24h?: number;
  maxCallsPerDay?: number;
  note?: string;
}

export interface CallingRulesData {
  disclaimer?: string;
  defaultWindow: LocalWindow;
  regions: Record<string, RegionRule>;
}
