/**
 * The scripted peer's data channel: text frames cross to the fake server one microtask hop each
 * way, as `InMemoryTransport`'s do.
 * @module
 */
import type { RtcDataChannelLike } from '@voxwire/protocol';
import { FakeServerError } from '../errors.js';

const encoder = new TextEncoder();

/** A data channel of the scripted peer. The kit opens, feeds and ends it. */
export class FakeRtcDataChannel implements RtcDataChannelLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  #state: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
  #buffered = 0;
  #toServer: ((frame: string) => void) | undefined;
  #closedByClient: (() => void) | undefined;

  constructor(readonly label: string) {}

  /** `'connecting'` until the call connects, then `'open'`, `'closing'`, `'closed'`. */
  get readyState(): string {
    return this.#state;
  }

  /** Bytes sent and not yet handed to the server (until the next microtask). */
  get bufferedAmount(): number {
    return this.#buffered;
  }

  /**
   * Sends one text frame to the server (on the next microtask).
   * @throws FakeServerError `RTC_INVALID_STATE` unless open (a browser throws `InvalidStateError`);
   *   `RTC_INVALID_DATA` for anything but a string (the Realtime API's events are JSON text)
   */
  send(data: string): void {
    if (this.#state !== 'open')
      throw new FakeServerError(
        'RTC_INVALID_STATE',
        `RTCDataChannel.send: the channel '${this.label}' is ${this.#state}`,
      );
    if (typeof data !== 'string')
      throw new FakeServerError(
        'RTC_INVALID_DATA',
        'RTCDataChannel.send: the fake channel carries text frames (the Realtime events are JSON)',
      );
    const size = encoder.encode(data).length;
    this.#buffered += size;
    queueMicrotask(() => {
      this.#buffered -= size;
      // a channel closing still sends what was sent before its close() (a browser finishes
      // sending pending messages first); only a peer's close or a failure (`end`) drops them
      if (this.#state === 'open' || this.#state === 'closing') this.#toServer?.(data);
    });
  }

  /**
   * Closes from the app's side: the frames sent before still reach the server, then `onclose`
   * follows on the next microtask.
   */
  close(): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    queueMicrotask(() => {
      this.#closedByClient?.();
      this.end(true);
    });
  }

  /** The call connected: opens the channel (`onopen`), linked to the server. */
  open(toServer: (frame: string) => void, closedByClient: () => void): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'open';
    this.#toServer = toServer;
    this.#closedByClient = closedByClient;
    this.onopen?.({ type: 'open' });
  }

  /** A frame from the server. */
  deliver(frame: string | Uint8Array): void {
    if (this.#state === 'open') this.onmessage?.({ data: frame });
  }

  /** Ends the channel: with `event`, `onclose` fires (not on the app's own `pc.close()`). */
  end(event: boolean): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#buffered = 0;
    this.#toServer = undefined;
    if (event) this.onclose?.({ type: 'close' });
  }
}
