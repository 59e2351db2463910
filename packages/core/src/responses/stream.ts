/**
 * A single-consumer push stream exposed as an `AsyncIterable`: the engine pushes, one
 * `for await` loop pulls. Closed on every path by the engine; a consumer's `break` (which calls
 * `return()`) detaches it, after which pushes are dropped. Hot path: no closure per chunk, the
 * buffer is an array with a moving head.
 * @module
 */
import { VoxwireError } from '../errors.js';

/** What a stream does when its consumer falls `highWaterMark` chunks behind. */
export type StreamOverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** Options of {@link ChunkStream}. */
export interface ChunkStreamOptions {
  /**
   * Most chunks buffered for a slow consumer; beyond it `policy` applies and drops are counted
   * in `dropped`.
   * @default Infinity
   */
  highWaterMark?: number;
  /**
   * `drop-oldest` keeps the freshest chunks (live audio), `drop-newest` keeps the start,
   * `error` ends the stream: buffered chunks are delivered, then `next()` rejects with
   * `VoxwireError('BACKPRESSURE')`.
   * @default 'drop-oldest'
   */
  policy?: StreamOverflowPolicy;
  /** Called once per dropped chunk (the session counts them in `stats`). @default undefined */
  onDrop?: () => void;
}

/** An async-iterable stream of chunks of type `T`. */
export class ChunkStream<T> implements AsyncIterableIterator<T> {
  #buffer: T[] = [];
  #head = 0;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #closed = false;
  #detached = false;
  #dropped = 0;
  #failure: Error | undefined;
  readonly #highWaterMark: number;
  readonly #policy: StreamOverflowPolicy;
  readonly #onDrop: (() => void) | undefined;

  /** Creates an open stream. */
  constructor(options: ChunkStreamOptions = {}) {
    this.#highWaterMark = options.highWaterMark ?? Infinity;
    this.#policy = options.policy ?? 'drop-oldest';
    this.#onDrop = options.onDrop;
  }

  /** Whether the engine has ended the stream (or the consumer detached). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Chunks dropped because the consumer was slower than the server. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Chunks waiting for the consumer. */
  get buffered(): number {
    return this.#buffer.length - this.#head;
  }

  /** Engine side: delivers one chunk (ignored once closed or detached). */
  push(chunk: T): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value: chunk, done: false });
      return;
    }
    if (this.buffered >= this.#highWaterMark) {
      this.#dropped++;
      this.#onDrop?.();
      if (this.#policy === 'drop-newest') return;
      if (this.#policy === 'error') {
        this.#failure = new VoxwireError(
          'BACKPRESSURE',
          `stream consumer fell ${this.#highWaterMark} chunks behind; the stream was ended`,
          {
            data: { stream: true, highWaterMark: this.#highWaterMark },
          },
        );
        this.close();
        return;
      }
      // release the slot so the dropped chunk can be collected
      (this.#buffer as unknown[])[this.#head] = undefined;
      this.#head++;
      this.#compact();
    }
    this.#buffer.push(chunk);
  }

  // the consumed prefix is dead weight: cut it once it is the larger half, so a bounded stream
  // stays bounded in memory and the cost is amortised O(1) per chunk
  #compact(): void {
    if (this.#head >= 64 && this.#head * 2 >= this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Engine side: ends the stream; buffered chunks are still delivered, then `done`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const waiter = this.#waiter;
    if (waiter && this.buffered === 0) {
      this.#waiter = undefined;
      waiter({ value: undefined, done: true });
    }
  }

  /** Consumer side: the next chunk, or `done` once closed and drained. */
  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head] as T;
      // release the slot so a long stream does not pin every chunk it ever buffered
      (this.#buffer as unknown[])[this.#head] = undefined;
      this.#head++;
      if (this.#head === this.#buffer.length) {
        this.#buffer = [];
        this.#head = 0;
      } else this.#compact();
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = undefined;
      return Promise.reject(failure);
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) {
      return Promise.reject(
        new Error('ChunkStream has a single consumer; next() called while a read is pending'),
      );
    }
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** Consumer side: detaches (a `break` out of `for await` calls this); later chunks are dropped. */
  return(): Promise<IteratorResult<T>> {
    this.#detached = true;
    // a reader that left is done with it: a later read ends, whatever failure came before
    this.#failure = undefined;
    this.#buffer = [];
    this.#head = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Whether the consumer detached before the end. */
  get detached(): boolean {
    return this.#detached;
  }

  /** Makes the stream usable in `for await`. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
