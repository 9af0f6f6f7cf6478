/**
 * A bounded single-consumer queue that turns pushes into an async iterable: `push` returns a promise while the
 * queue is full (back-pressure to the pipeline), the consumer pulls with `for await`. Used to feed pull-based sinks
 * (the embedded store's `appendRecords`) from the push-based pipeline.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private ended = false;
  private failed: unknown;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly capacity = 1024) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void | Promise<void> {
    if (this.ended) throw new Error('push after end');
    if (this.failed) throw this.failed;
    this.items.push(item);
    this.wakeConsumer?.();
    if (this.size >= this.capacity) {
      return new Promise<void>((resolve) => {
        this.wakeProducer = resolve;
      });
    }
  }

  end(): void {
    this.ended = true;
    this.wakeConsumer?.();
  }

  /** The consumer failed: later pushes throw this. */
  fail(e: unknown): void {
    this.failed = e;
    this.wakeProducer?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.size > 0) {
        const item = this.items[this.head++];
        if (this.head > 4096 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        if (this.wakeProducer && this.size < this.capacity / 2) {
          const w = this.wakeProducer;
          this.wakeProducer = undefined;
          w();
        }
        yield item;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
      this.wakeConsumer = undefined;
    }
  }
}
