/**
 * A scripted "Twilio" (@voxwire/testing/ws's `connectFakeTwilio`) over a real loopback WebSocket
 * to the bridge, the fake Realtime server behind it, both on one SimulatedClock. The phone plays
 * what it is sent in simulated real time and echoes each mark once the audio before it has
 * played; a `clear` drops what it holds and echoes those marks at once, as Twilio does. No
 * sleeps: time moves only when a test runs it.
 * @module
 */
import { defineTool, type RealtimeModel } from '@voxwire/core';
import { createOpenAIRealtimeModel } from '@voxwire/node';
import { bytesToBase64 } from '@voxwire/protocol';
import { SimulatedClock } from '@voxwire/testing';
import type { ResponseHandler } from '@voxwire/testing';
import { connectFakeTwilio, startFakeWsServer } from '@voxwire/testing/ws';
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
  const twilio = await connectFakeTwilio(`ws://127.0.0.1:${bridge.port}/media-stream`, {
    ws: { autoPong: options.twilioAnswersPings ?? true },
  });
  cleanups.push(async () => twilio.socket.terminate());

  // the caller's line: one 20 ms µ-law frame per 20 ms of clock
  const line = twilio.line;
  /** Every payload the caller's line sent, in order. */
  const spoken: string[] = [];
  const say = (speechMs: number, silenceMs: number) => twilio.say(speechMs, silenceMs);
  const quiet = (ms: number) => say(0, ms);
  /** Runs the line (silence once it is dry) until `until` holds or `maxMs` passed, 20 ms a step. */
  const run = async (until: () => boolean, maxMs = 30_000) => {
    for (let t = 0; t < maxMs; t += FRAME_MS) {
      if (until()) return true;
      if (twilio.socket.readyState === WebSocket.OPEN) {
        const frame = twilio.sendNext();
        if (frame !== undefined) spoken.push(bytesToBase64(frame));
      } else line.shift(); // a closed line still runs dry
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

/** An `end_call` tool that hangs `call` up (the goodbye the model gives after it is waited for). */
export function endCallTool(call: { hangUp(): Promise<void> }) {
  return defineTool({
    name: 'end_call',
    description: 'Hang up once the caller said goodbye.',
    execute: () => {
      void call.hangUp();
      return { ok: true };
    },
  });
}
