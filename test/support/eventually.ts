/**
 * Waits until `condition` holds, asking again on each turn of the event loop (a few
 * milliseconds apart), and fails with `what` after `ms`. For a state reached by work
 * the test cannot await directly (a socket's server side closing, a subscription made
 * in the background); never a fixed sleep.
 */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > until) throw new Error(`still not so after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
