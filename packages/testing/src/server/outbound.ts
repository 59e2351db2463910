/**
 * The server → client pipe of one connection, with fault injection: every event passes the
 * server's fault rules (drop, duplicate, delay, stall, close at a point) and the dialect codec,
 * then leaves in order. Delays run on the injected clock.
 * @module
 */
import type { Clock, DialectCodec, TimerId } from '@voxwire/protocol';
import type { FaultScope } from './fault-options.js';
import { asServerEvent, type WireEvent } from './wire.js';

/** The socket of one connection, as the server sees it. */
export interface ServerLink {
  /** Delivers one frame to the client. */
  send(frame: string | Uint8Array): void;
  /** Closes the connection from the server side. */
  close(code: number, reason: string): void;
}

/** When a fault rule applies. */
export interface FaultMatch extends FaultScope {
  /** The event type it applies to. @default any type */
  readonly type?: string | undefined;
  /** Which occurrence of that type, 1-based, counted per connection. @default 1 */
  readonly occurrence?: number | undefined;
}

/** A fault rule (built by `server.faults`). */
export type FaultRule =
  | (FaultMatch & { readonly action: 'drop' })
  | (FaultMatch & { readonly action: 'duplicate'; readonly times: number })
  | (FaultMatch & { readonly action: 'delay'; readonly ms: number })
  | (FaultMatch & { readonly action: 'stall' })
  | (FaultMatch & {
      readonly action: 'close';
      readonly when: 'before' | 'after';
      readonly code: number;
      readonly reason: string;
    })
  | (FaultScope & {
      readonly action: 'close_after_count';
      readonly count: number;
      readonly code: number;
      readonly reason: string;
    });

type Queued =
  | {
      readonly kind: 'frame';
      readonly frame: string | Uint8Array;
      readyAt: number;
      stalled: boolean;
    }
  | {
      readonly kind: 'close';
      readonly code: number;
      readonly reason: string;
      readyAt: number;
      stalled: boolean;
    };

/** The ordered, fault-aware outbound queue of one connection. */
export class Outbound {
  readonly #queue: Queued[] = [];
  readonly #typeCounts = new Map<string, number>();
  readonly #used = new Set<FaultRule>();
  #sent = 0;
  #timer: TimerId | undefined;
  #closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly link: ServerLink,
    private readonly codec: DialectCodec,
    private readonly rules: () => readonly FaultRule[],
    private readonly onClose: (code: number, reason: string) => void,
    // a rule applied here (the server's assertComplete reports rules that never did)
    private readonly onFired: (rule: FaultRule) => void = () => undefined,
  ) {}

  /**
   * How many events of `type` this connection has counted so far: what a fault rule's
   * `occurrence` counts (dropped events included), so the next one is `counted(type) + 1`.
   */
  counted(type: string): number {
    return this.#typeCounts.get(type) ?? 0;
  }

  /** Whether a close has been queued or performed. */
  get closing(): boolean {
    return this.#closed;
  }

  /** Encodes and queues an event (after fault rules). Returns false when the dialect has no form for it. */
  push(event: WireEvent): boolean {
    if (this.#closed) return false;
    const frame = this.codec.encodeServerEvent(asServerEvent(event));
    if (frame === null) return false;
    const n = (this.#typeCounts.get(event.type) ?? 0) + 1;
    this.#typeCounts.set(event.type, n);
    const matching = this.rules().filter(
      (r) => r.action !== 'close_after_count' && !this.#used.has(r) && matches(r, event.type, n),
    );
    let copies = 1;
    let delay = 0;
    let stall = false;
    let closeBefore: FaultRule | undefined;
    let closeAfter: FaultRule | undefined;
    for (const r of matching) {
      this.#used.add(r);
      this.onFired(r);
      if (r.action === 'drop') copies = 0;
      else if (r.action === 'duplicate') copies += r.times;
      else if (r.action === 'delay') delay = Math.max(delay, r.ms);
      else if (r.action === 'stall') stall = true;
      else if (r.action === 'close') {
        if (r.when === 'before') closeBefore = r;
        else closeAfter = r;
      }
    }
    if (closeBefore?.action === 'close') {
      this.#enqueueClose(closeBefore.code, closeBefore.reason, delay, stall);
      return true;
    }
    for (let i = 0; i < copies; i++) {
      this.#queue.push({
        kind: 'frame',
        frame,
        readyAt: this.clock.now() + delay,
        stalled: stall && i === 0,
      });
      this.#sent++;
      this.#checkCount();
    }
    if (closeAfter?.action === 'close')
      this.#enqueueClose(closeAfter.code, closeAfter.reason, 0, false);
    this.#pump();
    return true;
  }

  /** Queues a raw frame (malformed JSON, binary, anything) in order with the events. */
  pushRaw(frame: string | Uint8Array): void {
    if (this.#closed) return;
    this.#queue.push({ kind: 'frame', frame, readyAt: this.clock.now(), stalled: false });
    this.#pump();
  }

  /** Queues a close after everything already queued. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#enqueueClose(code, reason, 0, false);
  }

  /** Lets a stalled queue go on. */
  release(): void {
    for (const q of this.#queue) q.stalled = false;
    this.#pump();
  }

  /** Stops everything without sending (the transport is already gone). */
  dispose(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.clock.clearTimeout(this.#timer);
  }

  #checkCount(): void {
    for (const r of this.rules()) {
      if (r.action === 'close_after_count' && !this.#used.has(r) && this.#sent >= r.count) {
        this.#used.add(r);
        this.onFired(r);
        this.#enqueueClose(r.code, r.reason, 0, false);
      }
    }
  }

  #enqueueClose(code: number, reason: string, delay: number, stall: boolean): void {
    this.#closed = true;
    this.#queue.push({
      kind: 'close',
      code,
      reason,
      readyAt: this.clock.now() + delay,
      stalled: stall,
    });
    this.#pump();
  }

  #pump(): void {
    if (this.#timer !== undefined) return;
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      if (!head || head.stalled) return;
      if (head.readyAt > this.clock.now()) {
        this.#timer = this.clock.setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, head.readyAt - this.clock.now());
        return;
      }
      this.#queue.shift();
      if (head.kind === 'frame') {
        this.link.send(head.frame);
      } else {
        this.#queue.length = 0;
        this.onClose(head.code, head.reason);
        this.link.close(head.code, head.reason);
        return;
      }
    }
  }
}

function matches(r: FaultMatch, type: string, n: number): boolean {
  if (r.type !== undefined && r.type !== type) return false;
  return (r.occurrence ?? 1) === n || (r.type === undefined && r.occurrence === undefined);
}
