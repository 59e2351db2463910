/**
 * The transport a connect attempt is starting, and what it delivered before it opened: the
 * session cannot read frames before its `open` hook ran (`session.created` can arrive in the same
 * tick as the upgrade), and a server may close right after `session.created`, before `start()`
 * settled. The attempt replays both once it knows whether the transport opened.
 * @module
 */
import type { Transport } from '@voxwire/protocol';
import type { CloseReport } from './connection-loss.js';

/** The transport being started, with the frames and the close it delivered before `open`. */
export class StartingTransport {
  #transport: Transport | undefined;
  #frames: (string | Uint8Array)[] = [];
  #close: CloseReport | undefined;
  // errors it reported before it opened (a WebRTC peer's `ontrack` listener that threw): the
  // session hears them once it is open; a connect that fails reports its own failure instead
  #errors: Error[] | undefined;

  /** `transport` is being started: what it delivers from now on is held. */
  begin(transport: Transport): void {
    this.#transport = transport;
    this.#frames = [];
    this.#close = undefined;
    this.#errors = undefined;
  }

  /** Whether `transport` is the one being started (its frames and close are to be held). */
  is(transport: Transport): boolean {
    return this.#transport === transport;
  }

  /** Holds a frame of the starting transport, in order. */
  hold(frame: string | Uint8Array): void {
    this.#frames.push(frame);
  }

  /** Holds an error the starting transport reported (not a failure of its start: that rejects it). */
  holdError(error: Error): void {
    (this.#errors ??= []).push(error);
  }

  /** The errors held since `begin`, taken (the next call returns none). */
  takeErrors(): Error[] {
    const errors = this.#errors ?? [];
    this.#errors = undefined;
    return errors;
  }

  /** Holds the close of the starting transport. */
  holdClose(close: CloseReport): void {
    this.#close = close;
  }

  /** The close the starting transport reported, if it came before `open`. */
  get close(): CloseReport | undefined {
    return this.#close;
  }

  /**
   * The transport opened, closed early or failed: nothing is held any more. Returns the frames
   * it delivered while starting, for the attempt to replay.
   */
  end(): (string | Uint8Array)[] {
    const frames = this.#frames;
    this.#transport = undefined;
    this.#frames = [];
    this.#close = undefined;
    this.#errors = undefined;
    return frames;
  }
}

/** Detaches the connection from `transport`: a transport left behind reports nothing more. */
export function unwire(transport: Transport): void {
  transport.onmessage = undefined;
  transport.onerror = undefined;
  transport.onclose = undefined;
}
