/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma, line break or edge space.
 * A cell a spreadsheet would run as a formula (= or @, a tab or carriage return first, or + and - before anything but a number) is
 * prefixed with an apostrophe, so words people sent us can never run in a reader's sheet.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=@\t\r]/.test(s) || (/^[+-]/.test(s) && !/^[+-][\d .()]*$/.test(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV line ending in CRLF. */
export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
