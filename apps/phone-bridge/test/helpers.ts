/**
 * A scripted "Twilio" over a real loopback WebSocket to the bridge, the fake Realtime server
 * behind it, both on one SimulatedClock. The phone plays what it is sent in simulated real time
 * and echoes each mark once the audio before it has played; a `clear` drops what it holds and
 * echoes those marks at once, as Twilio does. No sleeps: time moves only when a test runs it.
 * @module
 */
import type { RealtimeModel } from '@voxwire/core';
import { createOpenAIRealtimeModel } from '@voxwire/node';
import { bytesToBase64, g711Encode } from '@voxwire/protocol';
import { SimulatedClock, speechThenSilence } from '@voxwire/testing';
import type { ResponseHandler } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import type { FakeWsServer } from '@voxwire/testing/ws';
import WebSocket from 'ws';
import type { LogLevel } from '../src/log.js';
import { startPhoneBridgeServer } from '../src/server.js';
import type { PhoneBridgeServer, PhoneBridgeServerOptions } from '../src/server.js';

/** Clean-ups run after each test, last first. */
export type Cleanups = (() => Promise<unknown>)[];

export const KEY = 'sk-proj-PHONE-BRIDGE-test-0000';
export const FRAME_MS = 20;
/** The fake server speaks 60 ms per character: this answer is 4.98 s of audio. */
export const LONG =
  'One two three four five six seven eight nine ten eleven twelve thirteen fourteen.';
export const LONG_MS = LONG.length * 60;

/** A few turns of the event loop: what the sockets carry is delivered meanwhile. */
export async function io(turns = 6): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** One message the bridge sent to "Twilio". */
export type Sent = {
  event: string;
  streamSid?: string;
  media?: { payload: string };
  mark?: { name: string };
};

/** A chunk the phone holds: its audio ms left to play, and the mark that follows it. */
interface Held {
  left: number;
  mark: string | undefined;
}

/** The scripted Twilio end of one call. */
export class TwilioClient {
  /** Every message the bridge sent, in order. */
  readonly received: Sent[] = [];
  /** What the phone still has to play. */
  readonly held: Held[] = [];
  /** ms of the bridge's audio the phone played. */
  playedMs = 0;
  /** Marks echoed back to the bridge. */
  readonly echoed: string[] = [];
  closeEvent: { code: number; reason: string } | undefined;
  /** Whether the phone echoes marks (a test may hold them back: see {@link releaseMarks}). */
  echoMarks = true;
  /** Marks whose echo was held back while {@link echoMarks} was off. */
  readonly withheld: string[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.onMessage(JSON.parse(String(data)) as Sent));
    socket.on('close', (code, reason) => (this.closeEvent = { code, reason: String(reason) }));
  }

  /** Opens the media stream socket of a bridge. */
  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TwilioClient> {
    const socket = new WebSocket(url, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new TwilioClient(socket);
  }

  private onMessage(message: Sent): void {
    this.received.push(message);
    if (message.event === 'media') {
      const bytes = Buffer.from(message.media!.payload, 'base64').length;
      this.held.push({ left: bytes / 8, mark: undefined });
    } else if (message.event === 'mark') {
      const last = this.held.at(-1);
      // a mark after everything played comes straight back
      if (last === undefined || last.left === 0) this.echo(message.mark!.name);
      else last.mark = message.mark!.name;
    } else if (message.event === 'clear') {
      // Twilio drops what it holds and hands back the marks of it
      for (const chunk of this.held.splice(0)) if (chunk.mark) this.echo(chunk.mark);
    }
  }

  /** Echoes the marks held back, in order, and echoes again from now on. */
  releaseMarks(): void {
    this.echoMarks = true;
    for (const name of this.withheld.splice(0)) this.echo(name);
  }

  private echo(name: string): void {
    if (!this.echoMarks) {
      this.withheld.push(name);
      return;
    }
    this.echoed.push(name);
    this.json({ event: 'mark', streamSid: 'MZ1', sequenceNumber: '9', mark: { name } });
  }

  /** Plays `ms` of held audio, echoing marks as their audio finishes. */
  play(ms: number): void {
    let time = ms;
    while (time > 0 && this.held.length > 0) {
      const head = this.held[0]!;
      const step = Math.min(time, head.left);
      head.left -= step;
      time -= step;
      this.playedMs += step;
      if (head.left === 0) {
        this.held.shift();
        if (head.mark) this.echo(head.mark);
      }
    }
  }

  /** Sends a JSON message. */
  json(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Twilio's opening: `connected` then `start`. */
  start(customParameters: Record<string, string> = {}): void {
    this.json({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.json({
      event: 'start',
      sequenceNumber: '1',
      streamSid: 'MZ1',
      start: {
        streamSid: 'MZ1',
        accountSid: 'AC1',
        callSid: 'CA1',
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters,
      },
    });
  }

  /** The bridge's messages of one kind. */
  sent(event: string): Sent[] {
    return this.received.filter((m) => m.event === event);
  }
}

/** A call over the bridge: fake server, model, bridge server and the Twilio client. */
export async function startCall(
  cleanups: Cleanups,
  options: {
    realtimeFactor?: number;
    /** ms of audio in each of the model's chunks. @default 100 */
    audioChunkMs?: number;
    behaviour?: ResponseHandler;
    /** The session length, the fake server's and the one the model plans for. @default 60 minutes */
    maxSessionDurationMs?: number;
    /** Core's `reconnect.rolloverMarginMs`. @default core's (5 minutes) */
    rolloverMarginMs?: number;
    bridge?: Partial<PhoneBridgeServerOptions>;
    /** Whether "Twilio" answers the bridge's pings (a dead connection does not). @default true */
    twilioAnswersPings?: boolean;
  } = {},
) {
  const clock = new SimulatedClock();
  const fake: FakeWsServer = await startFakeWsServer({
    apiKey: KEY,
    clock,
    pingIntervalMs: false,
    pacing: {
      realtimeFactor: options.realtimeFactor ?? 0.25,
      audioChunkMs: options.audioChunkMs ?? 100,
    },
    behaviour: options.behaviour ?? ((ctx) => ctx.say(LONG)),
    ...(options.maxSessionDurationMs === undefined
      ? {}
      : { maxSessionDurationMs: options.maxSessionDurationMs }),
  });
  cleanups.push(() => fake.close());
  const model: RealtimeModel = createOpenAIRealtimeModel({
    apiKey: KEY,
    baseURL: fake.url,
    env: {},
    clock,
    keepAlive: false,
    random: () => 0,
    turnDetection: { type: 'server_vad', silenceDurationMs: 300, prefixPaddingMs: 300 },
    ...(options.maxSessionDurationMs === undefined
      ? {}
      : { maxSessionDurationMs: options.maxSessionDurationMs }),
    ...(options.rolloverMarginMs === undefined
      ? {}
      : { reconnect: { rolloverMarginMs: options.rolloverMarginMs } }),
  });
  cleanups.push(() => model.close());
  const logs: { level: LogLevel; message: string; fields?: Readonly<Record<string, unknown>> }[] =
    [];
  const bridge: PhoneBridgeServer = await startPhoneBridgeServer({
    model,
    clock,
    log: (level, message, fields) => logs.push({ level, message, ...(fields ? { fields } : {}) }),
    ...options.bridge,
  });
  cleanups.push(() => bridge.close());
  const twilio = await TwilioClient.connect(`ws://127.0.0.1:${bridge.port}/media-stream`, {
    autoPong: options.twilioAnswersPings ?? true,
  });
  cleanups.push(async () => twilio.socket.terminate());

  // the caller's line: one 20 ms µ-law frame per 20 ms of clock
  const line: string[] = [];
  /** Every payload the caller's line sent, in order. */
  const spoken: string[] = [];
  const say = (speechMs: number, silenceMs: number) => {
    for (const frame of speechThenSilence(speechMs, silenceMs, {
      sampleRate: 8_000,
      frameMs: FRAME_MS,
    }))
      line.push(bytesToBase64(g711Encode(frame.data, 'ulaw')));
  };
  const quiet = (ms: number) => say(0, ms);
  let chunk = 0;
  /** Runs the line (silence once it is dry) until `until` holds or `maxMs` passed, 20 ms a step. */
  const run = async (until: () => boolean, maxMs = 30_000) => {
    for (let t = 0; t < maxMs; t += FRAME_MS) {
      if (until()) return true;
      const payload = line.shift();
      if (payload !== undefined && twilio.socket.readyState === WebSocket.OPEN) {
        spoken.push(payload);
        twilio.json({
          event: 'media',
          streamSid: 'MZ1',
          media: { track: 'inbound', chunk: String(++chunk), timestamp: String(t), payload },
        });
      }
      await io();
      await clock.advanceAsync(FRAME_MS);
      await io();
      twilio.play(FRAME_MS);
    }
    return until();
  };
  const call = () => [...bridge.calls][0];
  const wire = (type: string) => fake.server.clientEvents.filter((e) => e['type'] === type);
  return { clock, fake, model, bridge, twilio, logs, line, spoken, say, quiet, run, call, wire };
}
