/**
 * A scripted "Twilio" end of a Media Streams WebSocket, for testing a phone bridge (yours or
 * ours) without Twilio. It sends what Twilio sends (`connected`, `start`, the caller's µ-law
 * `media`, `dtmf`, `stop`, each with the next `sequenceNumber`), and plays what the bridge sends
 * as a phone would: the audio is held until the test plays it with {@link FakeTwilioCall.play},
 * each `mark` is echoed once the audio before it has played, and a `clear` drops what is held
 * and echoes its marks at once. It owns no clock and no timer: audio plays only when the test
 * says how much time passed, so a test on a `SimulatedClock` stays deterministic.
 * @module
 */
import { bytesToBase64, g711Encode } from '@voxwire/protocol';
import WebSocket from 'ws';
import { FakeServerError } from '../errors.js';
import { speechThenSilence } from '../helpers.js';
import {
  readBridgeFrame,
  type BridgeMessage,
  type TwilioMessage,
  type UnreadableFrame,
} from './twilio-messages.js';

/** µ-law 8 kHz mono is one byte a sample: 8 bytes a millisecond. */
const BYTES_PER_MS = 8;
/** The length of the frames {@link FakeTwilioCall.say} queues, as Twilio sends them. */
const FRAME_MS = 20;

/** A misuse of the fake Twilio peer, or a connection it could not open. */
export class FakeTwilioError extends FakeServerError {
  declare readonly code: 'TWILIO_CONNECT_FAILED' | 'TWILIO_INVALID_ARGUMENT';
  constructor(
    code: 'TWILIO_CONNECT_FAILED' | 'TWILIO_INVALID_ARGUMENT',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'FakeTwilioError';
  }
}

/** Options of {@link connectFakeTwilio}. */
export interface FakeTwilioOptions {
  /**
   * The stream's `streamSid`, in `start` and every message after it.
   * @default 'MZ1'
   */
  readonly streamSid?: string | undefined;
  /**
   * The call's `callSid`, in `start` and `stop`.
   * @default 'CA1'
   */
  readonly callSid?: string | undefined;
  /**
   * The account's `accountSid`, in `start` and `stop`.
   * @default 'AC1'
   */
  readonly accountSid?: string | undefined;
  /**
   * Options of the `ws` client: `headers` (an `X-Twilio-Signature`, say), `autoPong: false` for
   * a peer that never answers the bridge's pings, ….
   * @default {}
   */
  readonly ws?: WebSocket.ClientOptions | undefined;
}

/** Audio the phone holds: ms left to play, and the marks the bridge sent after it. */
export interface HeldAudio {
  /** ms of this chunk still to play. */
  leftMs: number;
  /** Marks to echo once this chunk has played (or been cleared), in order. */
  readonly marks: string[];
}

/**
 * Opens a Media Streams socket to a bridge at `url` and returns the scripted call, which sends
 * nothing until the test does (`start()` sends Twilio's opening). Rejects with a
 * {@link FakeTwilioError} `TWILIO_CONNECT_FAILED` (the `ws` error as its `cause`) when the
 * bridge refuses or cannot be reached.
 */
export async function connectFakeTwilio(
  url: string,
  options: FakeTwilioOptions = {},
): Promise<FakeTwilioCall> {
  const socket = new WebSocket(url, options.ws ?? {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (error) =>
      reject(
        new FakeTwilioError('TWILIO_CONNECT_FAILED', `could not open ${url}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
  return new FakeTwilioCall(socket, options);
}

/** The scripted Twilio end of one call. Create it with {@link connectFakeTwilio}. */
export class FakeTwilioCall {
  /** The client socket, for raw frames, a close or a terminate. */
  readonly socket: WebSocket;
  /** The stream's `streamSid`. */
  readonly streamSid: string;
  /** The call's `callSid`. */
  readonly callSid: string;
  /** The account's `accountSid`. */
  readonly accountSid: string;
  /** Every message the bridge sent, in order. */
  readonly received: BridgeMessage[] = [];
  /** Frames from the bridge the fake could not act on, in order (nothing is dropped unseen). */
  readonly unreadable: UnreadableFrame[] = [];
  /**
   * Every message this fake sent through its helpers (not {@link json}'s raw ones), in order; one
   * sent after the socket closed is listed too (`ws` drops it).
   */
  readonly sentMessages: TwilioMessage[] = [];
  /** What the phone still has to play, oldest first. */
  readonly held: HeldAudio[] = [];
  /** ms of the bridge's audio the phone has played. */
  playedMs = 0;
  /** Marks echoed back to the bridge, in order. */
  readonly echoed: string[] = [];
  /**
   * Whether marks are echoed; off, their echoes wait in {@link withheld} (a phone that stopped
   * answering) until {@link releaseMarks}.
   * @default true
   */
  echoMarks = true;
  /** Marks whose echo was held back while {@link echoMarks} was off. */
  readonly withheld: string[] = [];
  /**
   * The caller's line: 20 ms µ-law frames queued by {@link say}, sent one at a time by
   * {@link sendNext}. A test may splice it (the caller stops mid-sentence).
   */
  readonly line: Uint8Array[] = [];
  /** Errors the socket emitted after it opened (a reset connection, say), in order. */
  readonly errors: Error[] = [];
  /** The socket's close, once it closed. */
  closeEvent: { readonly code: number; readonly reason: string } | undefined;
  /** Settles with the socket's close. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;

  #sequence = 0;
  #chunk = 0;
  #timestampMs = 0;

  /** Wraps an open socket; {@link connectFakeTwilio} is the usual way in. */
  constructor(socket: WebSocket, options: FakeTwilioOptions = {}) {
    this.socket = socket;
    this.streamSid = options.streamSid ?? 'MZ1';
    this.callSid = options.callSid ?? 'CA1';
    this.accountSid = options.accountSid ?? 'AC1';
    socket.on('message', (data, isBinary) => this.#onFrame(data as Buffer, isBinary));
    // kept, not thrown: an unhandled 'error' would crash the test process
    socket.on('error', (error) => this.errors.push(error));
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closeEvent = { code, reason: reason.toString() };
        resolve(this.closeEvent);
      }),
    );
  }

  /** The bridge's messages of one `event`, in order. */
  sent(event: string): BridgeMessage[] {
    return this.received.filter((m) => m.event === event);
  }

  /** Twilio's opening: `connected`, then `start` (sequence 1) with these `<Parameter>`s. */
  start(customParameters: Readonly<Record<string, string>> = {}): void {
    this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.#send({
      event: 'start',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: this.accountSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: { ...customParameters },
      },
    });
  }

  /**
   * Sends one `media` message of the caller's audio: µ-law 8 kHz bytes, or their base64. Its
   * `chunk` counts from 1 and its `timestamp` is the ms of audio sent before it, as Twilio's.
   */
  sendAudio(audio: Uint8Array | string): void {
    const payload = typeof audio === 'string' ? audio : bytesToBase64(audio);
    const bytes = typeof audio === 'string' ? base64Length(audio) : audio.length;
    const timestamp = this.#timestampMs;
    this.#timestampMs += bytes / BYTES_PER_MS;
    this.#send({
      event: 'media',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      media: {
        track: 'inbound',
        chunk: String(++this.#chunk),
        timestamp: String(Math.round(timestamp)),
        payload,
      },
    });
  }

  /**
   * Queues `speechMs` of speech-like sound then `silenceMs` of silence on the {@link line}, as
   * 20 ms µ-law frames (each duration rounded up to whole frames); {@link sendNext} sends them.
   * Throws `FakeServerOptionsError` for a duration that is not a finite number ≥ 0.
   */
  say(speechMs: number, silenceMs = 0): void {
    for (const frame of speechThenSilence(speechMs, silenceMs, {
      sampleRate: 8_000,
      frameMs: FRAME_MS,
    }))
      this.line.push(g711Encode(frame.data, 'ulaw'));
  }

  /** Sends the next frame of the {@link line} with {@link sendAudio}; returns it (none when dry). */
  sendNext(): Uint8Array | undefined {
    const frame = this.line.shift();
    if (frame !== undefined) this.sendAudio(frame);
    return frame;
  }

  /** Sends a `dtmf` message: the caller pressed `digit` (`0`–`9`, `*` or `#`). */
  dtmf(digit: string): void {
    if (!/^[0-9*#]$/.test(digit))
      throw new FakeTwilioError(
        'TWILIO_INVALID_ARGUMENT',
        `a DTMF digit is one of 0-9, * or #, got ${JSON.stringify(digit)}`,
      );
    this.#send({
      event: 'dtmf',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      dtmf: { track: 'inbound_track', digit },
    });
  }

  /** Sends Twilio's `stop`: the caller hung up. The socket stays open (the bridge closes it). */
  stop(): void {
    this.#send({
      event: 'stop',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      stop: { accountSid: this.accountSid, callSid: this.callSid },
    });
  }

  /**
   * Plays `ms` of the held audio, echoing each mark as the audio before it finishes. Throws a
   * {@link FakeTwilioError} `TWILIO_INVALID_ARGUMENT` for `ms` not a finite number ≥ 0.
   */
  play(ms: number): void {
    if (!(ms >= 0 && ms < Infinity))
      throw new FakeTwilioError(
        'TWILIO_INVALID_ARGUMENT',
        `play() takes a finite number of ms ≥ 0, got ${ms}`,
      );
    let time = ms;
    while (this.held.length > 0) {
      const head = this.held[0]!;
      const step = Math.min(time, head.leftMs);
      head.leftMs -= step;
      time -= step;
      this.playedMs += step;
      if (head.leftMs > 0) break;
      this.held.shift();
      for (const name of head.marks) this.#echo(name);
    }
  }

  /** Echoes the marks held back, in order, and echoes again from now on. */
  releaseMarks(): void {
    this.echoMarks = true;
    for (const name of this.withheld.splice(0)) this.#echo(name);
  }

  /** Sends any JSON as it is (no `sequenceNumber` added): for messages Twilio would not send. */
  json(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  #onFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.unreadable.push({ data: data.toString('base64'), problem: 'binary' });
      return;
    }
    const text = data.toString('utf8');
    const read = readBridgeFrame(text);
    if ('problem' in read) {
      this.unreadable.push({ data: text, problem: read.problem });
      return;
    }
    const message = read.message;
    this.received.push(message);
    if (message.event === 'media') {
      this.held.push({ leftMs: base64Length(message.media!.payload) / BYTES_PER_MS, marks: [] });
    } else if (message.event === 'mark') {
      const last = this.held.at(-1);
      // a mark after everything played comes straight back
      if (last === undefined) this.#echo(message.mark!.name);
      else last.marks.push(message.mark!.name);
    } else if (message.event === 'clear') {
      // Twilio drops what it holds and hands back the marks of it at once
      for (const chunk of this.held.splice(0)) for (const name of chunk.marks) this.#echo(name);
    }
  }

  #echo(name: string): void {
    if (!this.echoMarks) {
      this.withheld.push(name);
      return;
    }
    this.echoed.push(name);
    this.#send({
      event: 'mark',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      mark: { name },
    });
  }

  #nextSequence(): string {
    return String(++this.#sequence);
  }

  #send(message: TwilioMessage): void {
    this.sentMessages.push(message);
    this.socket.send(JSON.stringify(message));
  }
}

/** The byte length of a base64 payload (Node's lenient decoder, as Twilio's audio is µ-law bytes). */
function base64Length(base64: string): number {
  return Buffer.from(base64, 'base64').length;
}
