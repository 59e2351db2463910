/**
 * A day in the life of a phone bridge, over a real loopback socket to the fake server, both on
 * one simulated clock: G.711 µ-law at 8 kHz in and out, server VAD, a caller who talks in turns,
 * interrupts an answer (the bridge truncates it at the ms it played), asks for a tool once, and
 * stays on the line past the session's planned rollover. Waits are on socket events (a few event
 * loop turns after each clock step), never on wall time.
 */
import type { RealtimeResponse } from '@voxwire/core';
import { defineTool, g711Decode } from '@voxwire/core';
import type { AudioFrame } from '@voxwire/protocol';
import { SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIRealtimeModel } from '../src/index.js';
import {
  type Cleanups,
  io,
  loopbackModelOptions,
  recordUnhandledRejections,
  watch,
} from './scenario-helpers.js';

const KEY = 'sk-proj-SCENARIO-phone-0000';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RATE = 8_000;
const FRAME_MS = 20;
const MAX_SESSION_MS = 2 * 60_000;

/** The µ-law samples of an item's first audio content (as `retrieve` hands it over). */
function ulawOf(item: unknown): Int16Array {
  const audio = (item as { content: { audio?: unknown }[] }).content[0]?.audio;
  if (typeof audio !== 'string') throw new Error(`no audio in ${JSON.stringify(item)}`);
  return g711Decode(Buffer.from(audio, 'base64'), 'ulaw');
}

/** An item's audio length in ms (µ-law: one byte per sample). */
const audioMs = (item: unknown) => (ulawOf(item).length / RATE) * 1000;

/** From the first to the last loud sample of an item's audio, in ms: how much speech it holds. */
function loudMs(item: unknown): number {
  const samples = ulawOf(item);
  const loud = (v: number) => Math.abs(v) > 4_000;
  const first = samples.findIndex(loud);
  const last = samples.findLastIndex(loud);
  return first < 0 ? 0 : ((last - first + 1) / RATE) * 1000;
}

describe('a phone bridge through a rollover', () => {
  it('G.711 turns with a barge-in and a tool call: nothing lost, transcripts and items coherent', async () => {
    const clock = new SimulatedClock();
    const fake = await startFakeWsServer({
      apiKey: KEY,
      clock,
      pingIntervalMs: false,
      maxSessionDurationMs: MAX_SESSION_MS,
      pacing: { realtimeFactor: 1, audioChunkMs: 100 },
      behaviour: (ctx) => ctx.say(`You said ${ctx.userText ?? 'nothing'}.`),
    });
    cleanups.push(() => fake.close());
    const unhandled = recordUnhandledRejections(cleanups);

    const toolRuns: string[] = [];
    const order = defineTool<{ id: string }>({
      name: 'order_status',
      description: 'the status of an order',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      execute: ({ id }) => (toolRuns.push(id), { id, status: 'shipped' }),
    });
    const model = createOpenAIRealtimeModel({
      ...loopbackModelOptions(fake, KEY, clock),
      maxSessionDurationMs: MAX_SESSION_MS,
      reconnect: { rolloverMarginMs: 30_000 },
      inputAudioFormat: 'g711_ulaw',
      outputAudioFormat: 'g711_ulaw',
      turnDetection: { type: 'server_vad', silenceDurationMs: 300, prefixPaddingMs: 300 },
      tools: [order],
    });
    const session = model.session();
    cleanups.push(() => model.close());

    const errors: { code?: unknown }[] = [];
    session.on('error', (e) => errors.push(e));
    const reconnects: { rollover: boolean; replayedAudioMs: number }[] = [];
    session.on('reconnected', (e) => reconnects.push(e));
    const openedAt: number[] = [];
    session.on('connected', () => openedAt.push(clock.now()));
    const done: RealtimeResponse[] = [];
    session.on('response_done', (r) => done.push(r));
    const userTranscripts: string[] = [];
    session.on('input_speech_transcription_completed', (e) => userTranscripts.push(e.transcript));

    // the bridge plays what it is sent; `played` is what the caller heard of the answer playing
    let playing: { itemId: string; contentIndex: number; playedMs: number } | undefined;
    const outRates = new Set<number>();
    session.on('response_audio', (frame, content) => {
      outRates.add(frame.sampleRate);
      if (playing?.itemId !== content.itemId)
        playing = { itemId: content.itemId, contentIndex: content.contentIndex, playedMs: 0 };
      playing.playedMs += (frame.data.length / frame.sampleRate) * 1000;
    });
    const truncates: Promise<unknown>[] = [];
    session.on('input_speech_started', () => {
      const p = playing;
      const active = session.activeResponse;
      if (p === undefined || active === undefined) return;
      // barge-in: the caller heard only what was played, so the model's memory is cut there
      truncates.push(
        session.conversation.item.truncate({
          itemId: p.itemId,
          contentIndex: p.contentIndex,
          audioEndMs: Math.floor(p.playedMs),
        }),
      );
    });
    session.on('response_done', () => (playing = undefined));

    // the caller's line: 20 ms frames, one per 20 ms of clock, whatever they carry
    const line: AudioFrame[] = [];
    const say = (speechMs: number, silenceMs: number) =>
      line.push(...speechThenSilence(speechMs, silenceMs, { sampleRate: RATE, frameMs: FRAME_MS }));
    const quiet = (ms: number) => say(0, ms);
    let sentFrames = 0;
    /** Plays the line until `until` holds (or the line runs dry), 20 ms per step. */
    const run = async (until: () => boolean = () => false) => {
      for (let guard = 0; guard < 100_000; guard++) {
        if (until()) return true;
        const frame = line.shift();
        if (frame === undefined) return until();
        session.inputAudioBuffer.append(frame);
        sentFrames++;
        await clock.advanceAsync(FRAME_MS);
        await io();
      }
      return false;
    };
    const untilDone = (n: number) => () => done.length >= n && session.activeResponse === undefined;

    quiet(200);
    await run(() => session.connectionState.status === 'open');
    expect(await run(() => fake.server.sessionConfig !== undefined && done.length === 0)).toBe(
      true,
    );

    // turn 1: asked and answered in full
    fake.server.scriptTranscription('hello', 'tell me a long story', 'where is order 42', 'bye');
    say(600, 600);
    quiet(5_000);
    expect(await run(untilDone(1))).toBe(true);
    expect(done[0]?.status).toBe('completed');
    expect(done[0]?.text).toBe('You said hello.');

    // turn 2: the caller interrupts the answer after ~400 ms of it with turn 3, which the model
    // answers with a tool call and, once the tool answered, a spoken follow-up
    say(600, 600);
    quiet(10_000);
    expect(await run(() => (playing?.playedMs ?? 0) >= 400)).toBe(true);
    const cut = { ...playing! };
    fake.server.queueResponse((ctx) =>
      ctx.callFunction('order_status', { id: '42' }, { callId: 'call_42' }),
    );
    fake.server.queueResponse((ctx) => ctx.say('Order 42 has shipped.'));
    line.splice(0, line.length);
    say(600, 600);
    quiet(4_000);
    expect(await run(untilDone(4))).toBe(true);
    expect(done.map((r) => r.status)).toEqual(['completed', 'cancelled', 'completed', 'completed']);
    expect(done[3]?.text).toBe('Order 42 has shipped.');
    expect(toolRuns).toEqual(['42']);
    expect(truncates).toHaveLength(1);
    await truncates[0];
    // the server's copy of the cut answer holds what the caller heard, no more
    const cutItem = session.chatCtxCopy().items.find((i) => i.id === cut.itemId);
    expect(cutItem).toBeDefined();
    const retrieved = watch(session.conversation.item.retrieve({ itemId: cut.itemId }));
    expect(await run(() => retrieved.settled)).toBe(true);
    expect(audioMs(retrieved.value)).toBe(cut.playedMs);

    // silence until the rollover comes due; the caller begins to speak in the very step in which
    // it does: the turn's first frame is on the old socket, its speech_started not back yet
    expect(reconnects).toEqual([]);
    line.splice(0, line.length);
    const dueAt = openedAt[0]! + MAX_SESSION_MS - 30_000;
    quiet(dueAt - FRAME_MS - clock.now());
    await run();
    say(800, 700);
    quiet(6_000);
    expect(await run(() => reconnects.length === 1)).toBe(true);
    expect(reconnects[0]?.rollover).toBe(true);
    expect(await run(untilDone(done.length + 1))).toBe(true);
    expect(userTranscripts.at(-1)).toBe('bye');
    expect(done.at(-1)?.text).toBe('You said bye.');
    // the fresh server heard the whole turn: its committed audio holds all 800 ms of speech
    const byeItem = session
      .chatCtxCopy()
      .items.find(
        (i) => i.type === 'message' && i.role === 'user' && JSON.stringify(i).includes('bye'),
      );
    const heard = watch(session.conversation.item.retrieve({ itemId: byeItem!.id }));
    expect(await run(() => heard.settled)).toBe(true);
    expect(loudMs(heard.value)).toBeGreaterThanOrEqual(780);
    expect(reconnects[0]?.replayedAudioMs).toBeGreaterThan(0);

    // the call goes on past the first session's maximum duration: no expiry, no second reconnect
    line.splice(0, line.length);
    quiet(MAX_SESSION_MS + 10_000 - clock.now());
    await run();
    fake.server.scriptTranscription('still there?', 'thanks');
    say(600, 600);
    quiet(5_000);
    expect(await run(untilDone(done.length + 1))).toBe(true);
    expect(done.at(-1)?.text).toBe('You said still there?.');
    expect(reconnects).toHaveLength(1);

    // the second session's rollover comes due while the caller speaks: it waits for the turn's
    // end, and then for the answer the server gives by itself, not just for the end of speech
    line.splice(0, line.length);
    const secondDueAt = openedAt[1]! + MAX_SESSION_MS - 30_000;
    quiet(secondDueAt - 300 - clock.now());
    await run();
    say(800, 700);
    quiet(6_000);
    const answered = done.length;
    expect(await run(() => reconnects.length === 2 && untilDone(answered + 1)())).toBe(true);
    expect(done.slice(answered).map((r) => [r.status, r.text])).toEqual([
      ['completed', 'You said thanks.'],
    ]);

    // every caller turn was heard once, in order; every answer came in the line's format
    expect(userTranscripts).toEqual([
      'hello',
      'tell me a long story',
      'where is order 42',
      'bye',
      'still there?',
      'thanks',
    ]);
    expect([...outRates]).toEqual([RATE]);
    // the fresh server holds the conversation the session mirrors
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(
      fake.server.conversation.map((i) => i['id']),
    );
    const calls = fake.server.conversation.filter((i) => i['type'] === 'function_call');
    const outputs = fake.server.conversation.filter((i) => i['type'] === 'function_call_output');
    expect(calls).toHaveLength(1);
    expect(outputs).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(sentFrames * FRAME_MS).toBeGreaterThan(1.5 * MAX_SESSION_MS);

    await session.close();
    await io();
    expect(unhandled).toEqual([]);
  });
});
