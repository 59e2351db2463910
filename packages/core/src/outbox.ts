/**
 * The ordered queue of client events (the seed's send channel): events queue while the
 * socket is not open and flush in order once it is. Bounded in bytes later (issue 8): the
 * seams are the byte counter and the `admit` policy hook.
 * @module
 */
import type { ClientEvent } from '@voxwire/protocol';

/** Decides whether an event may join the queue while it holds `queuedBytes` (issue 8's policy). */
export type OutboxPolicy = (event: ClientEvent, queuedBytes: number) => 'accept' | 'drop';

/** Writes one event to the open transport; throws when the codec or the socket refuses it. */
export type OutboxWriter = (event: ClientEvent) => void;

/** Roughly how many bytes `event` takes on the wire (audio dominates; the rest is small). */
export function estimateBytes(event: ClientEvent): number {
  return event.type === 'input_audio_buffer.append' ? event.audio.length + 64 : 256;
}

/** The ordered outbound queue. */
export class Outbox {
  #queue: ClientEvent[] = [];
  #queuedBytes = 0;
  #writer: OutboxWriter | undefined;
  #dropped = 0;
  readonly #policy: OutboxPolicy;
  readonly #onWriteError: (event: ClientEvent, error: unknown) => void;

  /**
   * @param onWriteError receives an event the writer refused (the session rejects its promise).
   * @param policy admits events while queued. @default accept everything
   */
  constructor(onWriteError: (event: ClientEvent, error: unknown) => void, policy: OutboxPolicy = () => 'accept') {
    this.#onWriteError = onWriteError;
    this.#policy = policy;
  }

  /** Events waiting for an open socket. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Estimated bytes waiting. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Events the policy refused. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Sends `event` now if open, else queues it. Returns false when the policy dropped it. */
  send(event: ClientEvent): boolean {
    if (this.#writer && this.#queue.length === 0) {
      this.#write(this.#writer, event);
      return true;
    }
    if (this.#policy(event, this.#queuedBytes) === 'drop') {
      this.#dropped++;
      return false;
    }
    this.#queue.push(event);
    this.#queuedBytes += estimateBytes(event);
    return true;
  }

  /** The socket is open: flush the queue in order, then write through. */
  open(writer: OutboxWriter): void {
    this.#writer = writer;
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const event of queue) this.#write(writer, event);
  }

  /** The socket is gone: queue from now on (a reconnect flushes later). */
  pause(): void {
    this.#writer = undefined;
  }

  /** Empties the queue and returns what it held (the session settles their promises). */
  drain(): ClientEvent[] {
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    return queue;
  }

  #write(writer: OutboxWriter, event: ClientEvent): void {
    try {
      writer(event);
    } catch (error) {
      this.#onWriteError(event, error);
    }
  }
}
