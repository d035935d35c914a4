/** A UTC instant as a SQL timestamp literal both dialects read (the columns hold UTC). */
export const literal = (d: Date): string => `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;

/** The bucket a UTC instant column falls in, as the bucket's start: `starts` ascending, the first bucket taking what is before the second. */
export function bucketOf(col: string, starts: Date[]): string {
  if (starts.length === 1) return literal(starts[0]);
  const whens = starts.slice(1).map((s, i) => `WHEN ${col} < ${literal(s)} THEN ${literal(starts[i])}`);
  return `CASE ${whens.join(' ')} ELSE ${literal(starts[starts.length - 1])} END`;
}
