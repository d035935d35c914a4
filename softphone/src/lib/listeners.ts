/** Callbacks waiting for one kind of news (a call changed, the socket came back); `add` returns how to stop listening. */
export class Listeners<T> {
  private readonly fns = new Set<(value: T) => void>();

  add(fn: (value: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  emit(value: T): void {
    for (const fn of [...this.fns]) fn(value);
  }
}
