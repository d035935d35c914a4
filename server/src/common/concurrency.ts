/**
 * Runs `fn` over `items` with at most `limit` calls in flight, so a burst of background
 * work (say, checking a queue's next hundred leads) leaves database connections for the
 * requests waiting behind it. Resolves when all are done; rejects with the first error
 * once the calls in flight have settled.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}
