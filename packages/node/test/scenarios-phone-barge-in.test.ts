/**
 * A phone bridge's barge-ins (Twilio Media Streams style), over a real loopback socket to the
 * fake server, both on one simulated clock: G.711 µ-law at 8 kHz both ways, 20 ms caller frames,
 * the answer's audio sent to the phone faster than real time, the phone playing it in real time
 * and acknowledging each chunk with a `mark` (→ `session.playback.played`), a `clear` on
 * barge-in, and `session.playback.stopped()` once the last mark came back. What the model keeps
 * of a cut answer is what the marks confirmed, never what was merely received or sent.
 */
import type { AudioContentRef, InterruptResult, RealtimeResponse } from '@voxwire/core';
import type { AudioFrame } from '@voxwire/protocol';
import { SimulatedClock, speechThenSilence } from '@voxwire/testing';
import type { ResponseHandler } from '@voxwire/testing';
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

const KEY = 'sk-proj-SCENARIO-phone-barge-0000';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RATE = 8_000;
const FRAME_MS = 20;
/** The fake server speaks 60 ms per character: this answer is 6 s of audio. */
const LONG = 'One two three four five six seven eight nine ten eleven twelve thirteen fourteen.';
const LONG_MS = LONG.length * 60;

/** One chunk the bridge sent to the phone, followed by its mark. */
interface Sent {
  readonly content: AudioContentRef;
  readonly frame: AudioFrame;
  readonly ms: number;
  left: number;
  /** The `clear` generation it was sent in: marks of cleared audio come back and are ignored. */
  readonly generation: number;
}

/** Starts a phone call: fake server, session, the bridge and the phone's player. */
async function startCall(
  options: {
    realtimeFactor?: number;
    maxSessionDurationMs?: number;
    cancelOnBargeIn?: boolean;
    behaviour?: ResponseHandler;
    maxRetainedResponses?: number;
  } = {},
) {
  const clock = new SimulatedClock();
  const fake = await startFakeWsServer({
    apiKey: KEY,
    clock,
    pingIntervalMs: false,
    ...(options.maxSessionDurationMs ? { maxSessionDurationMs: options.maxSessionDurationMs } : {}),
    pacing: { realtimeFactor: options.realtimeFactor ?? 0.25, audioChunkMs: 100 },
    behaviour: options.behaviour ?? ((ctx) => ctx.say(LONG)),
  });
  cleanups.push(() => fake.close());
  const unhandled = recordUnhandledRejections(cleanups);
  const model = createOpenAIRealtimeModel({
    ...loopbackModelOptions(fake, KEY, clock),
    ...(options.maxSessionDurationMs
      ? {
          maxSessionDurationMs: options.maxSessionDurationMs,
          reconnect: { rolloverMarginMs: 30_000 },
        }
      : {}),
    ...(options.maxRetainedResponses === undefined
      ? {}
      : { maxRetainedResponses: options.maxRetainedResponses }),
    inputAudioFormat: 'g711_ulaw',
    outputAudioFormat: 'g711_ulaw',
    turnDetection: { type: 'server_vad', silenceDurationMs: 300, prefixPaddingMs: 300 },
  });
  const session = model.session();
  cleanups.push(() => model.close());
  const errors: unknown[] = [];
  session.on('error', (e) => errors.push(e));
  const done: RealtimeResponse[] = [];
  session.on('response_done', (r) => done.push(r));
  const reconnects: { rollover: boolean; cutOffItemIds: string[] }[] = [];
  session.on('reconnected', (e) => reconnects.push(e));

  // the phone: plays what it was sent in real time; each chunk's mark comes back once played
  const phone = {
    queue: [] as Sent[],
    generation: 0,
    /** Everything the bridge sent the phone, for the format checks. */
    sent: [] as AudioFrame[],
    /** ms the phone really played of each content part (the marks lag behind it). */
    playedMs: new Map<string, number>(),
    clears: 0,
    /** Times the phone's buffer drained after a mark (the bridge said stopped()). */
    drains: 0,
  };
  const key = (c: AudioContentRef) => `${c.itemId}/${c.contentIndex}`;
  session.on('response_audio', (frame, content) => {
    const ref = { itemId: content.itemId, contentIndex: content.contentIndex };
    const ms = (frame.data.length * 1000) / frame.sampleRate;
    phone.sent.push(frame);
    phone.queue.push({ content: ref, frame, ms, left: ms, generation: phone.generation });
  });
  const onMark = (chunk: Sent) => {
    // a mark of audio the bridge cleared: Twilio echoes them, none of it was heard
    if (chunk.generation !== phone.generation) return;
    session.playback.played(chunk.content, chunk.frame);
    if (phone.queue.length === 0) {
      phone.drains++;
      session.playback.stopped();
    }
  };
  const tick = (ms: number) => {
    let time = ms;
    while (time > 0 && phone.queue.length > 0) {
      const head = phone.queue[0]!;
      const step = Math.min(time, head.left);
      head.left -= step;
      time -= step;
      phone.playedMs.set(key(head.content), (phone.playedMs.get(key(head.content)) ?? 0) + step);
      if (head.left === 0) {
        phone.queue.shift();
        onMark(head);
      }
    }
  };

  // barge-in: clear the phone, then cut the answer at what the marks confirmed
  const interrupts: { at: ReturnType<typeof watch<InterruptResult>>; marked: unknown }[] = [];
  session.on('input_speech_started', () => {
    const marked = session.playback.position;
    const cleared = phone.queue.splice(0);
    phone.generation++;
    phone.clears++;
    // Twilio sends back the marks of the cleared audio
    for (const chunk of cleared) onMark(chunk);
    const options = options_.cancelOnBargeIn === false ? { cancel: false } : {};
    interrupts.push({ at: watch(session.interrupt(options)), marked });
  });
  const options_ = options;

  // the caller's line: one 20 ms frame per 20 ms of clock
  const line: AudioFrame[] = [];
  const say = (speechMs: number, silenceMs: number) =>
    line.push(...speechThenSilence(speechMs, silenceMs, { sampleRate: RATE, frameMs: FRAME_MS }));
  const quiet = (ms: number) => say(0, ms);
  /** Runs the line until `until` holds (or it runs dry), 20 ms per step. */
  const run = async (until: () => boolean = () => false) => {
    for (let guard = 0; guard < 100_000; guard++) {
      if (until()) return true;
      const frame = line.shift();
      if (frame === undefined) return until();
      session.inputAudioBuffer.append(frame);
      await clock.advanceAsync(FRAME_MS);
      await io();
      tick(FRAME_MS);
    }
    return false;
  };
  const untilDone = (n: number) => () => done.length >= n && session.activeResponse === undefined;
  const truncates = () =>
    fake.server.clientEvents.filter((e) => e['type'] === 'conversation.item.truncate');
  const wire = (type: string) => fake.server.clientEvents.filter((e) => e['type'] === type);

  quiet(200);
  expect(await run(() => session.connectionState.status === 'open')).toBe(true);
  expect(await run(() => fake.server.sessionConfig !== undefined)).toBe(true);
  return {
    clock,
    fake,
    session,
    phone,
    line,
    say,
    quiet,
    run,
    done,
    errors,
    reconnects,
    interrupts,
    untilDone,
    truncates,
    wire,
    unhandled,
    key,
  };
}

describe('a phone bridge barging in (G.711 µ-law 8 kHz, marks, clear)', () => {
  it('an answer fully received but still playing: no cancel, cut at the marked ms (ms of 8 kHz audio), the next turn sees the cut', async () => {
    const call = await startCall();
    const { fake, session, phone } = call;
    fake.server.scriptTranscription('tell me a story', 'stop');

    // the caller asks; the answer streams 4× faster than the phone plays it
    call.say(600, 600);
    call.quiet(5_000);
    expect(await call.run(() => (phone.playedMs.values().next().value ?? 0) >= 1_250)).toBe(true);
    // the whole answer is already here, the phone has played only a fifth of it
    expect(call.done).toHaveLength(1);
    const answer = call.done[0]!.output[0]!.content[0]!;
    expect(answer.audioDurationMs).toBe(LONG_MS);
    // 100 ms chunks of 8 kHz audio to the phone (the last one shorter), all of the answer
    expect(phone.sent.every((f) => f.sampleRate === RATE && f.data.length <= 800)).toBe(true);
    expect(phone.sent.slice(0, -1).every((f) => f.data.length === 800)).toBe(true);
    expect(phone.sent.reduce((n, f) => n + f.data.length, 0)).toBe(LONG_MS * 8);
    // the caller's audio went out as µ-law: one byte per 8 kHz sample, 160 per 20 ms frame
    const append = call.wire('input_audio_buffer.append')[0]!;
    expect(Buffer.from(String(append['audio']), 'base64')).toHaveLength(160);
    expect(fake.server.sessionConfig).toMatchObject({
      audio: {
        input: { format: { type: 'audio/pcmu' } },
        output: { format: { type: 'audio/pcmu' } },
      },
    });

    // the caller barges in: the answer is cut where the marks got to
    let seenInput: readonly unknown[] = [];
    fake.server.queueResponse((ctx) => {
      seenInput = ctx.input;
      ctx.say('Sure.');
    });
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(4_000);
    // (the bridge interrupts on every speech_started: the first turn's had nothing to cut)
    expect(call.interrupts[0]?.at.value).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
    });
    expect(
      await call.run(() => call.interrupts.length === 2 && call.interrupts[1]!.at.settled),
    ).toBe(true);
    const { at, marked } = call.interrupts[1]!;
    expect(at.error).toBeUndefined();
    const markedMs = (marked as { playedMs: number }).playedMs;
    expect(markedMs % 100).toBe(0);
    // what the phone played goes past the last mark: the truncate uses the mark
    expect(phone.playedMs.get(call.key(answer))!).toBeGreaterThan(markedMs);
    expect(markedMs).toBeLessThan(LONG_MS);
    expect(at.value).toEqual({
      cancelledResponseId: undefined,
      truncated: { itemId: answer.itemId, contentIndex: 0, audioEndMs: markedMs, deleted: false },
      deletedItemIds: [],
    });
    expect(call.truncates()).toEqual([
      expect.objectContaining({
        item_id: answer.itemId,
        content_index: 0,
        audio_end_ms: markedMs,
      }),
    ]);
    expect(phone.clears).toBe(2);

    // the next turn is answered with the cut answer in the context: audio up to the mark, no text
    expect(await call.run(call.untilDone(2))).toBe(true);
    expect(call.done[1]?.text).toBe('Sure.');
    const cut = seenInput.find((i) => (i as { id?: string }).id === answer.itemId) as {
      content: { transcript?: string }[];
    };
    expect(cut.content[0]?.transcript).toBe('');
    const item = watch(session.conversation.item.retrieve({ itemId: answer.itemId }));
    expect(await call.run(() => item.settled)).toBe(true);
    const audio = (item.value as { content: { audio?: string }[] }).content[0]?.audio;
    // µ-law: one byte per sample, 8 samples per ms
    expect(Buffer.from(audio!, 'base64')).toHaveLength(markedMs * 8);
    expect(call.errors).toEqual([]);
    expect(call.unhandled).toEqual([]);
  });

  it('mid-answer: the response is cancelled (server VAD first, quietly), the answer cut at the mark, not at what was received', async () => {
    const call = await startCall({ realtimeFactor: 0.8 });
    const { fake, phone } = call;
    fake.server.scriptTranscription('tell me a story', 'stop');
    call.say(600, 600);
    call.quiet(8_000);
    expect(await call.run(() => (phone.playedMs.values().next().value ?? 0) >= 1_050)).toBe(true);
    const active = call.session.activeResponse!;
    expect(active).toBeDefined();
    const answer = active.output[0]!.content[0]!;
    fake.server.queueResponse((ctx) => ctx.say('Sure.'));
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(4_000);
    expect(
      await call.run(() => call.interrupts.length === 2 && call.interrupts[1]!.at.settled),
    ).toBe(true);
    const { at, marked } = call.interrupts[1]!;
    const markedMs = (marked as { playedMs: number }).playedMs;
    // received more than the phone played, played more than the marks confirmed
    const receivedMs = answer.audioDurationMs;
    expect(receivedMs).toBeGreaterThan(phone.playedMs.get(call.key(answer))!);
    expect(phone.playedMs.get(call.key(answer))!).toBeGreaterThan(markedMs);
    expect(markedMs).toBeGreaterThanOrEqual(1_000);
    expect(at.value).toEqual({
      cancelledResponseId: active.id,
      truncated: { itemId: answer.itemId, contentIndex: 0, audioEndMs: markedMs, deleted: false },
      deletedItemIds: [],
    });
    expect(call.done[0]).toMatchObject({ id: active.id, status: 'cancelled' });
    expect(call.wire('response.cancel')).toEqual([
      expect.objectContaining({ response_id: active.id }),
    ]);
    expect(call.truncates()).toEqual([
      expect.objectContaining({ item_id: answer.itemId, audio_end_ms: markedMs }),
    ]);
    expect(await call.run(call.untilDone(2))).toBe(true);
    expect(call.done[1]?.text).toBe('Sure.');
    // the server VAD had cancelled first: the refused cancel is not an error
    expect(call.errors).toEqual([]);
    expect(call.unhandled).toEqual([]);
  });

  it('mid-answer with { cancel: false }: no response.cancel, the server VAD cancels, the cut is the same', async () => {
    const call = await startCall({ realtimeFactor: 0.8, cancelOnBargeIn: false });
    const { fake, phone } = call;
    fake.server.scriptTranscription('tell me a story', 'stop');
    call.say(600, 600);
    call.quiet(8_000);
    expect(await call.run(() => (phone.playedMs.values().next().value ?? 0) >= 1_050)).toBe(true);
    const active = call.session.activeResponse!;
    const answer = active.output[0]!.content[0]!;
    fake.server.queueResponse((ctx) => ctx.say('Sure.'));
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(4_000);
    expect(await call.run(call.untilDone(2))).toBe(true);
    const { at, marked } = call.interrupts[1]!;
    const markedMs = (marked as { playedMs: number }).playedMs;
    expect(at.value?.truncated).toEqual({
      itemId: answer.itemId,
      contentIndex: 0,
      audioEndMs: markedMs,
      deleted: false,
    });
    expect(at.value?.cancelledResponseId).toBeUndefined();
    expect(call.wire('response.cancel')).toEqual([]);
    expect(call.done.map((r) => r.status)).toEqual(['cancelled', 'completed']);
    expect(call.done[0]?.statusDetails?.reason).toBe('turn_detected');
    expect(call.errors).toEqual([]);
  });

  it('two barge-ins in a row: each answer cut at its own marks', async () => {
    const call = await startCall();
    const { fake, phone } = call;
    fake.server.scriptTranscription('tell me a story', 'no, another', 'stop');
    call.say(600, 600);
    call.quiet(8_000);
    expect(await call.run(() => (phone.playedMs.values().next().value ?? 0) >= 700)).toBe(true);
    const first = call.session.responses[0]!.output[0]!.content[0]!;
    // the caller cuts the first answer; the second answer is cut in turn after ~500 ms of it
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(8_000);
    expect(
      await call.run(
        () =>
          call.done.length === 2 &&
          [...phone.playedMs.keys()].length === 2 &&
          [...phone.playedMs.values()][1]! >= 500,
      ),
    ).toBe(true);
    const second = call.done[1]!.output[0]!.content[0]!;
    expect(second.itemId).not.toBe(first.itemId);
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(8_000);
    expect(
      await call.run(() => call.interrupts.length === 3 && call.interrupts[2]!.at.settled),
    ).toBe(true);
    const cuts = call.interrupts.slice(1).map((i) => i.at.value?.truncated);
    const marks = call.interrupts.slice(1).map((i) => (i.marked as { playedMs: number }).playedMs);
    expect(marks[0]).toBeGreaterThanOrEqual(600);
    expect(marks[1]).toBeGreaterThanOrEqual(400);
    expect(cuts).toEqual([
      { itemId: first.itemId, contentIndex: 0, audioEndMs: marks[0], deleted: false },
      { itemId: second.itemId, contentIndex: 0, audioEndMs: marks[1], deleted: false },
    ]);
    expect(call.truncates().map((e) => [e['item_id'], e['audio_end_ms']])).toEqual([
      [first.itemId, marks[0]],
      [second.itemId, marks[1]],
    ]);
    expect(call.errors).toEqual([]);
    expect(call.unhandled).toEqual([]);
  });

  it('a barge-in once the phone drained (stopped()): nothing truncated, nothing deleted', async () => {
    const call = await startCall({ behaviour: (ctx) => ctx.say('Hello there.') });
    const { fake, phone } = call;
    fake.server.scriptTranscription('hi', 'and now');
    call.say(600, 600);
    call.quiet(4_000);
    expect(
      await call.run(
        () => call.done.length === 1 && phone.queue.length === 0 && phone.playedMs.size === 1,
      ),
    ).toBe(true);
    expect(call.session.playback.position).toBeUndefined();
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(3_000);
    expect(await call.run(call.untilDone(2))).toBe(true);
    expect(call.interrupts[1]?.at.value).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
    });
    expect(call.truncates()).toEqual([]);
    expect(call.wire('conversation.item.delete')).toEqual([]);
    expect(call.wire('response.cancel')).toEqual([]);
    expect(call.errors).toEqual([]);
  });

  it('a generation hiccup drains the phone mid-answer: the cut after it still counts the audio marked before it', async () => {
    // the first 300 ms of the answer come at once, the rest 600 ms late (a stalled generator):
    // the phone plays the 300 ms, drains (the bridge says stopped()), then plays on
    const call = await startCall();
    const { fake, phone } = call;
    fake.server.scriptTranscription('tell me a story', 'stop');
    fake.server.faults.delay('response.output_audio.delta', 700, 4);
    call.say(600, 600);
    call.quiet(10_000);
    expect(await call.run(() => (phone.playedMs.values().next().value ?? 0) >= 1_250)).toBe(true);
    expect(phone.drains).toBe(1);
    const answer = call.session.responses.at(-1)!.output[0]!.content[0]!;
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(4_000);
    expect(
      await call.run(() => call.interrupts.length === 2 && call.interrupts[1]!.at.settled),
    ).toBe(true);
    const heard = phone.playedMs.get(call.key(answer))!;
    const truncated = call.interrupts[1]!.at.value?.truncated;
    // every 100 ms chunk the phone played was marked, before the hiccup and after it: the cut is
    // the last mark, less than 100 ms short of what the phone played
    expect(truncated?.itemId).toBe(answer.itemId);
    expect(truncated!.audioEndMs % 100).toBe(0);
    expect(truncated!.audioEndMs).toBeLessThanOrEqual(heard);
    expect(truncated!.audioEndMs).toBeGreaterThan(heard - 100);
    expect(call.truncates().map((e) => e['audio_end_ms'])).toEqual([truncated!.audioEndMs]);
    expect(call.errors).toEqual([]);
  });

  it.each([
    ['', undefined],
    [' (the cut answer no longer retained: maxRetainedResponses 1, turns after it)', 1],
  ])(
    'a rollover after a barge-in%s: the fresh server gets the heard part of the cut answer as text, ending with ...',
    async (_, retained) => {
      const MAX = 2 * 60_000;
      const call = await startCall({
        maxSessionDurationMs: MAX,
        ...(retained === undefined ? {} : { maxRetainedResponses: retained }),
      });
      const { fake, phone } = call;
      fake.server.scriptTranscription('tell me a story', 'stop');
      call.say(600, 600);
      call.quiet(5_000);
      expect(await call.run(() => (phone.playedMs.values().next().value ?? 0) >= 2_050)).toBe(true);
      const answer = call.done[0]!.output[0]!.content[0]!;
      fake.server.queueResponse((ctx) => ctx.say('Sure.'));
      call.line.splice(0);
      call.say(600, 600);
      call.quiet(4_000);
      expect(await call.run(call.untilDone(2))).toBe(true);
      const cut = call.interrupts[1]!.at.value!.truncated!;
      expect(cut.itemId).toBe(answer.itemId);
      expect(cut.audioEndMs).toBeGreaterThanOrEqual(2_000);
      // two more turns: the session keeps fewer responses than were made since the cut
      fake.server.scriptTranscription('one', 'two');
      for (const n of [3, 4]) {
        call.line.splice(0);
        call.quiet(6_000);
        await call.run(() => phone.queue.length === 0);
        fake.server.queueResponse((ctx) => ctx.say('Yes.'));
        call.line.splice(0);
        call.say(600, 600);
        call.quiet(4_000);
        expect(await call.run(call.untilDone(n))).toBe(true);
      }
      if (retained !== undefined)
        expect(call.session.responses.some((r) => r.id === call.done[0]!.id)).toBe(false);

      // silence until the rollover (90 s after the connection opened) and a bit beyond
      call.line.splice(0);
      call.quiet(MAX - call.clock.now());
      expect(await call.run(() => call.reconnects.length === 1)).toBe(true);
      expect(call.reconnects[0]?.rollover).toBe(true);
      const second = fake.server.connections[1]!;
      const creates = second.clientEvents.filter((e) => e['type'] === 'conversation.item.create');
      const retold = creates.find((e) => (e['item'] as { id?: string }).id === answer.itemId)?.[
        'item'
      ] as { role: string; content: { type: string; text: string }[] } | undefined;
      expect(retold?.role).toBe('assistant');
      expect(retold?.content).toHaveLength(1);
      const text = retold!.content[0]!.text;
      expect(retold!.content[0]!.type).toBe('output_text');
      // what the marks confirmed (2 s of the 4.9 s answer), to the last whole word, then '...'
      expect(text.endsWith('...')).toBe(true);
      expect(LONG.startsWith(text.slice(0, -3))).toBe(true);
      const share = (LONG.length * cut.audioEndMs) / LONG_MS;
      expect(text.length - 3).toBeLessThanOrEqual(share);
      expect(text.length - 3).toBeGreaterThan(share - 10);
      // the mirror holds what the fresh server holds; a turn after the rollover is answered
      expect(call.session.chatCtxCopy().items.map((i) => i.id)).toEqual(
        fake.server.conversation.map((i) => i['id']),
      );
      fake.server.scriptTranscription('go on');
      fake.server.queueResponse((ctx) => ctx.say('Going on.'));
      call.say(600, 600);
      call.quiet(4_000);
      expect(await call.run(call.untilDone(5))).toBe(true);
      expect(call.done[4]?.text).toBe('Going on.');
      expect(call.errors).toEqual([]);
      expect(call.unhandled).toEqual([]);
    },
  );

  it('a drop while an answer is played, then a barge-in on the new connection', async () => {
    const call = await startCall({ realtimeFactor: 0.8 });
    const { fake, phone, session } = call;
    fake.server.scriptTranscription('tell me a story', 'stop');
    // the network drops after 1.5 s of the answer arrived; the phone holds ~300 ms of it
    fake.server.faults.closeAt('response.output_audio.delta', { occurrence: 16 });
    session.on('disconnected', () => fake.server.faults.clear());
    call.say(600, 600);
    call.quiet(10_000);
    expect(await call.run(() => call.reconnects.length === 1)).toBe(true);
    const lost = call.done[0]!;
    expect(lost.status).toBe('failed');
    const answer = lost.output[0]!.content[0]!;
    expect(answer.audioDurationMs).toBe(1_500);
    // the phone plays on what it holds; the caller barges in on the new connection
    expect(phone.queue.length).toBeGreaterThan(0);
    fake.server.queueResponse((ctx) => ctx.say('Sure.'));
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(4_000);
    expect(
      await call.run(() => call.interrupts.length === 2 && call.interrupts[1]!.at.settled),
    ).toBe(true);
    // the phone was still playing the lost answer: the marks had got to 1.3 s of it
    expect(call.interrupts[1]!.marked).toMatchObject({ itemId: answer.itemId, playedMs: 1_300 });
    // the drop cut the answer off: the restore re-created it on the new connection as the text
    // heard by then (README "What a reconnect does"): 1.3 s, where the marks still are when the
    // caller barges in. So the barge-in has nothing left to cut (README "Across a reconnect"): it
    // neither truncates the text (the new server would refuse) nor retells it the same again
    expect(call.reconnects[0]?.cutOffItemIds).toEqual([answer.itemId]);
    const at = call.interrupts[1]!.at.value as InterruptResult;
    expect(at).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
    });
    const conversation = fake.server.conversation;
    const told = conversation.find((i) => i['id'] === answer.itemId);
    expect(told).toMatchObject({ type: 'message', role: 'assistant' });
    const text = JSON.stringify(told!['content']);
    expect(text).toContain('...');
    expect(call.truncates()).toEqual([]);
    expect(phone.clears).toBe(2);
    expect(await call.run(call.untilDone(2))).toBe(true);
    expect(call.done[1]?.text).toBe('Sure.');
    // the drop is the only error: reported once, not fatal
    expect(call.errors).toMatchObject([{ code: 'SOCKET_CLOSED', data: { fatal: false } }]);
    expect(call.unhandled).toEqual([]);
  });

  it('a rollover while the phone still plays an answer, then a barge-in on the fresh connection', async () => {
    const MAX = 2 * 60_000;
    const call = await startCall({ maxSessionDurationMs: MAX });
    const { fake, phone, session } = call;
    fake.server.scriptTranscription('tell me a story', 'stop');
    // the caller asks just before the rollover comes due (90 s): the answer is generated in
    // 1.2 s, the rollover follows, and the phone plays the 4.9 s answer on meanwhile
    call.line.splice(0);
    call.quiet(88_000 - call.clock.now());
    await call.run();
    call.say(600, 600);
    call.quiet(8_000);
    expect(await call.run(() => call.reconnects.length === 1)).toBe(true);
    expect(call.reconnects[0]?.rollover).toBe(true);
    const answer = call.done[0]!.output[0]!.content[0]!;
    expect(call.done[0]?.status).toBe('completed');
    expect(phone.queue.length).toBeGreaterThan(0);
    const played = phone.playedMs.get(call.key(answer))!;
    expect(played).toBeLessThan(LONG_MS - 1_000);
    fake.server.queueResponse((ctx) => ctx.say('Sure.'));
    call.line.splice(0);
    call.say(600, 600);
    call.quiet(4_000);
    expect(
      await call.run(() => call.interrupts.length === 2 && call.interrupts[1]!.at.settled),
    ).toBe(true);
    const marked = (call.interrupts[1]!.marked as { playedMs: number }).playedMs;
    expect(marked).toBeGreaterThanOrEqual(1_000);
    // the fresh server holds the answer as text (a restore cannot send assistant audio): it
    // cannot be truncated, so it is replaced by the part the marks confirmed, ending with '...'
    expect(call.truncates()).toEqual([]);
    const result = call.interrupts[1]!.at;
    expect(result.error).toBeUndefined();
    const truncated = result.value!.truncated!;
    expect(truncated).toMatchObject({
      itemId: answer.itemId,
      audioEndMs: marked,
      deleted: true,
    });
    const retold = fake.server.conversation.find((i) => i['id'] === truncated.retoldItemId) as
      { role: string; content: { text: string }[] } | undefined;
    expect(fake.server.conversation.some((i) => i['id'] === answer.itemId)).toBe(false);
    expect(retold?.role).toBe('assistant');
    const text = retold!.content[0]!.text;
    expect(text.endsWith('...')).toBe(true);
    expect(LONG.startsWith(text.slice(0, -3))).toBe(true);
    expect(text.length - 3).toBeLessThanOrEqual((LONG.length * marked) / LONG_MS);
    // in the answer's place, before the caller's new turn; the next turn is answered
    expect(await call.run(call.untilDone(2))).toBe(true);
    expect(call.done[1]?.text).toBe('Sure.');
    const ids = fake.server.conversation.map((i) => i['id']);
    expect(ids.indexOf(truncated.retoldItemId)).toBe(1);
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(ids);
    expect(call.errors).toEqual([]);
    expect(call.unhandled).toEqual([]);
  });
});
