import { randomUUID } from 'node:crypto';

let seq = 0;

/**
 * A UUID-shaped id whose order follows creation within this process (a counter
 * first, then randomness), for rows that share a timestamp but must list in the order
 * they were written — under a fixed clock every timestamp is equal.
 */
export function orderedId(): string {
  const n = (++seq).toString(16).padStart(12, '0');
  return `${n.slice(0, 8)}-${n.slice(8)}-${randomUUID().slice(14)}`;
}
