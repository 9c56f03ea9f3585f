/**
 * A bounded hand-over between the subscription (one writer) and the sender (one reader). The writer waits
 * while the buffer is full, so a broker outage stops the reading instead of filling memory; the reader takes
 * whatever has arrived, up to a batch, so batches grow with the backlog and shrink to one event when live.
 */
export class EventBuffer<T> {
  private items: T[] = [];
  private closed = false;
  private failure: { readonly error: unknown } | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(private readonly capacity: number) {}

  /** Items waiting to be taken. */
  get size(): number {
    return this.items.length;
  }

  /** Waits for room; drops the item when the buffer was closed meanwhile. */
  async put(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => {
        this.wakeWriter = resolve;
      });
    }
    if (this.closed) return;
    this.items.push(item);
    this.wake();
  }

  /**
   * Up to `max` items, waiting for the first. After `close` it returns what is left, then an empty list; after
   * `fail`, what is left, then the error.
   */
  async take(max: number): Promise<T[]> {
    while (this.items.length === 0) {
      if (this.failure !== undefined) throw this.failure.error;
      if (this.closed) return [];
      await new Promise<void>((resolve) => {
        this.wakeReader = resolve;
      });
    }
    const batch = this.items.splice(0, max);
    this.wake();
    return batch;
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.close();
  }

  private wake(): void {
    const reader = this.wakeReader;
    const writer = this.wakeWriter;
    this.wakeReader = undefined;
    this.wakeWriter = undefined;
    reader?.();
    writer?.();
  }
}
