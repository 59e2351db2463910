/**
 * One load-server connection: the GA conversation a client sees, reduced to what the workloads
 * need. Pure (no sockets, no timers): `main.ts` feeds it frames and gives it a send function, and
 * tests drive it directly.
 * @module
 */
import { baseSession, buildResponse, mergeSession, type ResponseFrames } from '../wire/events.js';
import { textFrames } from '../wire/frame.js';

/** Which workload a connection serves, taken from the `model` query parameter `bench.<mode>.<index>`. */
export type ConnectionMode = 'burst' | 'up' | 'pace' | 'setup';

/** Parsed `model` parameter. */
export interface ConnectionTag {
  /** The workload. */
  readonly mode: ConnectionMode;
  /** Session index inside the client process (its place in the pacing schedule). */
  readonly index: number;
}

const MODES: readonly ConnectionMode[] = ['burst', 'up', 'pace', 'setup'];

/**
 * Read the tag from a request URL. Every client lets the caller choose the model name and puts it
 * in the `model` query parameter, which makes it the one channel that reaches the server unchanged
 * from every client under test.
 */
export function parseTag(url: string | undefined): ConnectionTag {
  const model = new URL(url ?? '/', 'ws://127.0.0.1').searchParams.get('model') ?? '';
  const [prefix, mode, index] = model.split('.');
  if (prefix !== 'bench' || !MODES.includes(mode as ConnectionMode))
    return { mode: 'burst', index: 0 };
  const n = Number(index);
  return { mode: mode as ConnectionMode, index: Number.isInteger(n) && n >= 0 ? n : 0 };
}

/** Base64 text length → decoded byte count, without decoding (the server only counts). */
export function base64Bytes(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((n * 3) / 4) - pad;
}

/** Options of a connection. */
export interface ConnectionOptions {
  /** The tag from the URL. */
  readonly tag: ConnectionTag;
  /** Sends one small text message (through `ws`). */
  readonly send: (text: string) => void;
  /**
   * Writes already-framed WebSocket bytes straight to the socket: a whole burst response goes out
   * as one write, so the server never limits how fast a client can read.
   */
  readonly write: (bytes: Buffer) => void;
  /** Audio deltas in each burst response. @default 100 */
  readonly deltasPerResponse?: number;
  /** Called after every append with the running totals (the server watches upstream completion). */
  readonly onAppend?: (totals: UpstreamTotals) => void;
}

/** Upstream counters of one connection. */
export interface UpstreamTotals {
  /** `input_audio_buffer.append` events received. */
  appends: number;
  /** Decoded audio bytes received. */
  bytes: number;
}

/** A load-server connection. */
export class LoadConnection {
  readonly tag: ConnectionTag;
  readonly upstream: UpstreamTotals = { appends: 0, bytes: 0 };
  /** Client frames that were not JSON objects with a string `type` (should stay 0). */
  invalidFrames = 0;
  /** Burst responses sent. */
  responsesSent = 0;
  #session: Record<string, unknown>;
  #eventCounter = 0;
  #itemCounter = 0;
  #lastItemId: string | null = null;
  readonly #send: (text: string) => void;
  readonly #write: (bytes: Buffer) => void;
  readonly #deltas: number;
  readonly #onAppend: ((totals: UpstreamTotals) => void) | undefined;
  readonly #nextEventId = (): string => `event_${++this.#eventCounter}`;

  constructor(options: ConnectionOptions) {
    this.tag = options.tag;
    this.#send = options.send;
    this.#write = options.write;
    this.#deltas = options.deltasPerResponse ?? 100;
    this.#onAppend = options.onAppend;
    this.#session = baseSession(
      `sess_${options.tag.mode}_${options.tag.index}`,
      `bench.${options.tag.mode}.${options.tag.index}`,
    );
  }

  /** Send `session.created` (a GA server speaks first). */
  open(): void {
    this.#emit({ type: 'session.created', session: this.#session });
  }

  /** Handle one client text frame. */
  receive(text: string): void {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      this.invalidFrames++;
      return;
    }
    if (
      event === null ||
      typeof event !== 'object' ||
      typeof (event as { type?: unknown }).type !== 'string'
    ) {
      this.invalidFrames++;
      return;
    }
    const e = event as Record<string, unknown> & { type: string };
    switch (e.type) {
      case 'input_audio_buffer.append': {
        this.upstream.appends++;
        this.upstream.bytes += typeof e.audio === 'string' ? base64Bytes(e.audio) : 0;
        this.#onAppend?.(this.upstream);
        return;
      }
      case 'session.update':
        this.#session = mergeSession(this.#session, e.session);
        this.#emit({ type: 'session.updated', session: this.#session });
        return;
      case 'response.create':
        // Paced connections get their audio from the schedule, not on request.
        if (this.tag.mode !== 'pace') this.#sendBurst(e.response);
        return;
      case 'input_audio_buffer.commit':
        this.#emit({
          type: 'input_audio_buffer.committed',
          previous_item_id: this.#lastItemId,
          item_id: this.#newItemId(),
        });
        return;
      case 'input_audio_buffer.clear':
        this.#emit({ type: 'input_audio_buffer.cleared' });
        return;
      case 'conversation.item.create': {
        const item = {
          ...(e.item as Record<string, unknown>),
          id: (e.item as { id?: string } | undefined)?.id ?? this.#newItemId(),
          status: 'completed',
        };
        const previous_item_id = this.#lastItemId;
        this.#lastItemId = item.id;
        this.#emit({ type: 'conversation.item.added', previous_item_id, item });
        this.#emit({ type: 'conversation.item.done', previous_item_id, item });
        return;
      }
      default:
        // response.cancel with nothing active, truncate, delete…: the workloads never depend on them.
        return;
    }
  }

  /** Build the next response of this connection (ids continue this connection's counters). */
  nextResponse(deltas: number, metadata: Record<string, unknown> | null = null): ResponseFrames {
    const n = ++this.responsesSent;
    const itemId = this.#newItemId();
    const frames = buildResponse(
      { responseId: `resp_${n}`, itemId, previousItemId: this.#lastItemId, deltas, metadata },
      this.#nextEventId,
    );
    this.#lastItemId = itemId;
    return frames;
  }

  #sendBurst(response: unknown): void {
    const metadata = (response as { metadata?: unknown } | undefined)?.metadata;
    const frames = this.nextResponse(
      this.#deltas,
      metadata !== null && typeof metadata === 'object'
        ? (metadata as Record<string, unknown>)
        : null,
    );
    this.#write(textFrames([...frames.head, ...frames.chunks.flat(), ...frames.tail]));
  }

  #newItemId(): string {
    return `item_${++this.#itemCounter}`;
  }

  #emit(event: Record<string, unknown>): void {
    this.#send(JSON.stringify({ event_id: this.#nextEventId(), ...event }));
  }
}
