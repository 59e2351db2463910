/**
 * The ordered, bounded queue of client events (the seed's send channel). Events queue while the
 * socket is not open and flush in order once it is — after the restore prelude of a reconnect.
 * While open, input audio waits when the transport's `bufferedAmount` is above a high-water
 * mark (the socket cannot keep up), and the queue's input audio is bounded in bytes: beyond the
 * bound the audio policy applies (drop the oldest, drop the newest, or throw `BACKPRESSURE`),
 * and every drop is counted. Other events are never dropped: they are small, and dropping an
 * item create or a response request would silently change the conversation.
 *
 * A socket refuses writes (`NOT_CONNECTED`) for a round trip before it reports its close: once
 * the server's close frame arrived, or once a rollover asked for the close. An event refused so
 * stays queued, in order, for the next connection (or for the close, which settles it); it is
 * neither failed nor reported. A socket that refuses for `closingTimeoutMs` without closing is
 * stuck: polling stops and `onClosingTimeout` lets the session drop it.
 *
 * A socket whose buffered bytes do not go down at all while audio waits for it is on a network
 * that died without a close (a browser's WebSocket has no keep-alive ping, and reports such a
 * close only when TCP gives up, minutes later): after `drainTimeoutMs` polling stops and
 * `onDrainTimeout` lets the session drop it. A slow socket drains a little between polls and
 * is waited for.
 * @module
 */
import type { ClientEvent, Clock, TimerId } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

/** What happens to input audio when the queue's audio bound is reached. */
export type AudioOverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** Writes to the open transport. */
export interface OutboxWriter {
  /**
   * Writes one event; throws when the codec or the socket refuses it (an error with
   * `code: 'NOT_CONNECTED'` when the socket is closing: the event is kept, see the module).
   */
  write(event: ClientEvent): void;
  /** Bytes the transport accepted but has not sent yet (0 when the adapter does not say). */
  bufferedAmount(): number;
}

/** Options of {@link Outbox}. */
export interface OutboxOptions {
  /** Polls `bufferedAmount` while audio waits for the socket. */
  clock: Clock;
  /**
   * Most input audio (wire bytes) queued while the socket is open but congested.
   * @default 1048576 (1 MiB, as openai-node's send queue)
   */
  maxQueuedBytes?: number;
  /**
   * Most input audio (wire bytes) queued while disconnected, sent after the restore.
   * @default 655360 (about 10 s of 24 kHz PCM16 as base64)
   */
  maxDisconnectedAudioBytes?: number;
  /**
   * `transport.bufferedAmount` above which input audio waits in the queue.
   * @default 262144 (256 KiB, about 4 s of 24 kHz PCM16)
   */
  highWaterMark?: number;
  /** What to do with input audio beyond the bound. @default 'drop-oldest' */
  audioPolicy?: AudioOverflowPolicy;
  /** How often `bufferedAmount` is checked while audio waits, ms. @default 20 */
  pollMs?: number;
  /**
   * How long the socket may refuse writes as closing (`NOT_CONNECTED`) before the outbox stops
   * polling it and calls `onClosingTimeout`: a socket reports its close a round trip after it
   * starts refusing, so one that refuses this long without closing is stuck (a third-party
   * transport that never calls `onclose`), ms.
   * @default 10000
   */
  closingTimeoutMs?: number | undefined;
  /**
   * Called once the socket refused writes for `closingTimeoutMs` (the session then drops the
   * transport as dead and reconnects). @default undefined (polling just stops)
   */
  onClosingTimeout?: (() => void) | undefined;
  /**
   * How long input audio may wait for a socket whose `bufferedAmount` has not gone down at all
   * before the outbox stops polling it and calls `onDrainTimeout`, ms; `false` waits for ever.
   * Each wait has its own bound, restarted whenever the buffer goes down.
   * @default false
   */
  drainTimeoutMs?: number | false | undefined;
  /**
   * Called once audio waited `drainTimeoutMs` on a socket that did not drain (the session then
   * drops the transport as dead and reconnects). @default undefined (polling just stops)
   */
  onDrainTimeout?: (() => void) | undefined;
}

/** Default of {@link OutboxOptions.closingTimeoutMs}, ms. */
export const DEFAULT_CLOSING_TIMEOUT_MS = 10_000;

/** Counters of the outbox (part of `session.stats`). */
export interface OutboxStats {
  /** Events waiting. */
  readonly queued: number;
  /** Estimated wire bytes waiting. */
  readonly queuedBytes: number;
  /** Largest `queuedBytes` seen. */
  readonly peakQueuedBytes: number;
  /** Input audio appends dropped because the socket could not keep up (while open). */
  readonly audioDroppedBackpressure: number;
  /** Input audio appends dropped while disconnected (beyond `maxBufferedAudioBytes`). */
  readonly audioDroppedWhileDisconnected: number;
  /** Wire bytes of every dropped append. */
  readonly audioDroppedBytes: number;
  /** Times input audio had to wait for the socket (`bufferedAmount` above the high-water mark). */
  readonly congestionEpisodes: number;
}

/** Default bound of queued input audio while open, bytes. */
export const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
/** Default `bufferedAmount` high-water mark, bytes. */
export const DEFAULT_HIGH_WATER_MARK = 256 * 1024;

/** Roughly how many bytes `event` takes on the wire (audio dominates; the rest is small). */
export function estimateBytes(event: ClientEvent): number {
  return event.type === 'input_audio_buffer.append' ? event.audio.length + 64 : 256;
}

const isAudio = (event: ClientEvent): boolean => event.type === 'input_audio_buffer.append';

/** The transport refused the write because it is no longer open (its close is under way). */
const isNotOpen = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'NOT_CONNECTED';

/** The ordered outbound queue. */
export class Outbox {
  #queue: ClientEvent[] = [];
  #queuedBytes = 0;
  #queuedAudioBytes = 0;
  #peak = 0;
  #writer: OutboxWriter | undefined;
  #poll: TimerId | undefined;
  #droppedOpen = 0;
  #droppedClosed = 0;
  #droppedBytes = 0;
  #episodes = 0;
  readonly #onWriteError: (event: ClientEvent, error: unknown) => void;
  readonly #clock: Clock;
  readonly #maxQueued: number;
  readonly #maxDisconnected: number;
  readonly #hwm: number;
  readonly #policy: AudioOverflowPolicy;
  readonly #pollMs: number;
  readonly #closingTimeoutMs: number;
  readonly #onClosingTimeout: (() => void) | undefined;
  // when the current writer first refused a write as closing (undefined while it accepts them)
  #refusedSince: number | undefined;
  readonly #drainTimeoutMs: number | false;
  readonly #onDrainTimeout: (() => void) | undefined;
  // while audio waits for the socket: since when its buffer has not gone below `#waitLow`
  #waitSince: number | undefined;
  #waitLow = 0;

  /** @param onWriteError receives an event the writer refused (the session rejects its promise). */
  constructor(onWriteError: (event: ClientEvent, error: unknown) => void, options: OutboxOptions) {
    this.#onWriteError = onWriteError;
    this.#clock = options.clock;
    this.#maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.#maxDisconnected = options.maxDisconnectedAudioBytes ?? 640 * 1024;
    this.#hwm = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#policy = options.audioPolicy ?? 'drop-oldest';
    this.#pollMs = options.pollMs ?? 20;
    this.#closingTimeoutMs = options.closingTimeoutMs ?? DEFAULT_CLOSING_TIMEOUT_MS;
    this.#onClosingTimeout = options.onClosingTimeout;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? false;
    this.#onDrainTimeout = options.onDrainTimeout;
  }

  /** Events waiting for an open (or uncongested) socket. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Estimated bytes waiting. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Input audio appends dropped, open or not. */
  get dropped(): number {
    return this.#droppedOpen + this.#droppedClosed;
  }

  /** The counters. */
  get stats(): OutboxStats {
    return {
      queued: this.#queue.length,
      queuedBytes: this.#queuedBytes,
      peakQueuedBytes: this.#peak,
      audioDroppedBackpressure: this.#droppedOpen,
      audioDroppedWhileDisconnected: this.#droppedClosed,
      audioDroppedBytes: this.#droppedBytes,
      congestionEpisodes: this.#episodes,
    };
  }

  /**
   * Sends `event` now if the socket is open and keeping up, else queues it. Returns false when
   * the audio policy dropped it; throws `BACKPRESSURE` when the policy is `'error'`.
   */
  send(event: ClientEvent): boolean {
    const w = this.#writer;
    if (w && this.#queue.length === 0) {
      if (!isAudio(event) || w.bufferedAmount() <= this.#hwm) {
        if (this.#write(w, event)) return true;
        // the socket is closing: the event waits for the next connection (or the close)
      } else this.#episodes++;
    }
    if (isAudio(event) && !this.#admitAudio(estimateBytes(event))) return false;
    this.#push(event);
    if (w) this.#schedulePoll();
    return true;
  }

  /** Makes room for `bytes` of audio under the current bound; false when this event is the one dropped. */
  #admitAudio(bytes: number): boolean {
    const open = this.#writer !== undefined;
    const bound = open ? this.#maxQueued : this.#maxDisconnected;
    if (this.#queuedAudioBytes + bytes <= bound) return true;
    if (this.#policy === 'error') {
      throw new VoxwireError(
        'BACKPRESSURE',
        `input audio queue is full (${this.#queuedAudioBytes} of ${bound} bytes${open ? ', the socket cannot keep up' : ' while disconnected'})`,
        {
          data: { queuedBytes: this.#queuedAudioBytes, maxQueuedBytes: bound, connected: open },
        },
      );
    }
    if (this.#policy === 'drop-oldest') {
      while (this.#queuedAudioBytes + bytes > bound) {
        const i = this.#queue.findIndex(isAudio);
        if (i < 0) break;
        const [old] = this.#queue.splice(i, 1) as [ClientEvent];
        const size = estimateBytes(old);
        this.#queuedBytes -= size;
        this.#queuedAudioBytes -= size;
        this.#countDrop(size, open);
      }
      if (this.#queuedAudioBytes + bytes <= bound) return true;
    }
    this.#countDrop(bytes, open);
    return false;
  }

  #countDrop(bytes: number, open: boolean): void {
    if (open) this.#droppedOpen++;
    else this.#droppedClosed++;
    this.#droppedBytes += bytes;
  }

  #push(event: ClientEvent): void {
    const size = estimateBytes(event);
    this.#queue.push(event);
    this.#queuedBytes += size;
    if (isAudio(event)) this.#queuedAudioBytes += size;
    if (this.#queuedBytes > this.#peak) this.#peak = this.#queuedBytes;
  }

  /**
   * The socket is open: write `prelude` (the restore: configuration, conversation, re-sent
   * requests) first, then the queue in order, then write through.
   */
  open(writer: OutboxWriter, prelude: readonly ClientEvent[] = []): void {
    this.#writer = writer;
    this.#refusedSince = undefined;
    // a restore refused here is rebuilt by the next open, so the prelude is not kept: reported
    for (const event of prelude) this.#write(writer, event, false);
    this.#flush();
  }

  #flush(): void {
    const w = this.#writer;
    if (!w) return;
    let i = 0;
    // the socket's buffered bytes when audio stopped for them (undefined: it did not)
    let congested: number | undefined;
    for (; i < this.#queue.length; i++) {
      const event = this.#queue[i] as ClientEvent;
      if (isAudio(event)) {
        const buffered = w.bufferedAmount();
        if (buffered > this.#hwm) {
          congested = buffered;
          break;
        }
      }
      const size = estimateBytes(event);
      this.#queuedBytes -= size;
      if (isAudio(event)) this.#queuedAudioBytes -= size;
      if (!this.#write(w, event)) {
        // the socket is closing: this event and the rest stay queued, polled until the close
        this.#queuedBytes += size;
        if (isAudio(event)) this.#queuedAudioBytes += size;
        break;
      }
      // a write error may have closed the connection (and paused us) mid-flush
      if (this.#writer !== w) {
        i++;
        break;
      }
    }
    this.#queue = i === this.#queue.length ? [] : this.#queue.slice(i);
    if (congested === undefined) this.#waitSince = undefined;
    if (this.#queue.length === 0 || !this.#writer) return;
    if (congested !== undefined && !this.#draining(congested)) {
      // not a byte went out for this long: a dead network, which the session drops
      this.pause();
      this.#onDrainTimeout?.();
      return;
    }
    const since = this.#refusedSince;
    if (since !== undefined && this.#clock.now() - since >= this.#closingTimeoutMs) {
      // refused this long and still no close: polling it on would go on for ever
      this.pause();
      this.#onClosingTimeout?.();
      return;
    }
    this.#schedulePoll();
  }

  // audio waits on a socket holding `buffered` bytes: false once they have not gone down for
  // `drainTimeoutMs` (any fall restarts the bound)
  #draining(buffered: number): boolean {
    const now = this.#clock.now();
    if (this.#waitSince === undefined || buffered < this.#waitLow) {
      this.#waitSince = now;
      this.#waitLow = buffered;
      return true;
    }
    return this.#drainTimeoutMs === false || now - this.#waitSince < this.#drainTimeoutMs;
  }

  #schedulePoll(): void {
    if (this.#poll !== undefined) return;
    this.#poll = this.#clock.setTimeout(() => {
      this.#poll = undefined;
      this.#flush();
    }, this.#pollMs);
  }

  /** The socket is gone: queue from now on (a reconnect flushes later). */
  pause(): void {
    this.#writer = undefined;
    this.#refusedSince = this.#waitSince = undefined;
    this.#clock.clearTimeout(this.#poll);
    this.#poll = undefined;
  }

  /** Empties the queue and returns what it held (the session settles their promises). */
  drain(): ClientEvent[] {
    this.pause();
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#queuedAudioBytes = 0;
    return queue;
  }

  /**
   * Takes the events of `type` still waiting out of the queue (they are not to be written after
   * all) and returns them.
   */
  withdraw(type: ClientEvent['type']): ClientEvent[] {
    const taken = this.#queue.filter((event) => event.type === type);
    if (taken.length === 0) return taken;
    this.#queue = this.#queue.filter((event) => event.type !== type);
    for (const event of taken) {
      const size = estimateBytes(event);
      this.#queuedBytes -= size;
      if (isAudio(event)) this.#queuedAudioBytes -= size;
    }
    return taken;
  }

  /** Whether `event` is still waiting (not yet written). */
  holds(event: ClientEvent): boolean {
    return this.#queue.includes(event);
  }

  /**
   * Writes `event`; false (nothing reported) when the socket refused it as closing and `keep`
   * says the caller keeps it queued.
   */
  #write(writer: OutboxWriter, event: ClientEvent, keep = true): boolean {
    try {
      writer.write(event);
      this.#refusedSince = undefined;
    } catch (error) {
      if (keep && isNotOpen(error)) {
        this.#refusedSince ??= this.#clock.now();
        return false;
      }
      this.#onWriteError(event, error);
    }
    return true;
  }
}
