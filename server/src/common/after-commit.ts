import { type EntityManager, type EntitySubscriberInterface, EventSubscriber, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';

type Deferred = () => void;
const KEY = 'afterCommit';

function pending(qr: QueryRunner): Deferred[] {
  const data = qr.data as Record<string, unknown>;
  return ((data[KEY] as Deferred[] | undefined) ??= []);
}

/**
 * Runs `fn` once the transaction `em` belongs to has committed (at once when there is
 * none), and never if it rolls back. For telling the outside world (sockets, other
 * instances) about a change only when others can read it.
 */
export function afterCommit(em: EntityManager | undefined, fn: Deferred): void {
  const qr = em?.queryRunner;
  if (qr?.isTransactionActive) pending(qr).push(fn);
  else fn();
}

/** Registered on the DataSource: runs what `afterCommit` deferred when the outermost transaction ends. */
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const qr = event.queryRunner;
    if (qr.isTransactionActive) return; // a savepoint inside an open transaction
    const fns = pending(qr).splice(0);
    for (const fn of fns) fn();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) pending(event.queryRunner).splice(0);
  }
}
