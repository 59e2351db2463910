/**
 * A browser-like push-to-talk client over a real loopback socket to the fake server, both on one
 * simulated clock: 48 kHz PCM16 microphone frames (resampled to the session's 24 kHz), no turn
 * detection, a manual commit and `generate()` per turn, and the network dropping once mid-answer
 * and once mid-tool-call. What the app sees: the events in order, typed errors, and nothing lost
 * or duplicated on the server. Waits are on socket events (a few event loop turns per clock
 * step), never on wall time.
 */
import { defineTool, type RealtimeResponse } from '@voxwire/core';
import { deferred, SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIRealtimeModel } from '../src/index.js';
import {
  type Cleanups,
  io,
  loopbackModelOptions,
  pumpUntil,
  recordUnhandledRejections,
  watch,
} from './scenario-helpers.js';

const KEY = 'sk-proj-SCENARIO-ptt-0000';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An item's PCM16 audio length in ms at 24 kHz (as `retrieve` hands it over). */
function pcmMs(item: unknown): number {
  const audio = (item as { content: { audio?: unknown }[] }).content[0]?.audio;
  if (typeof audio !== 'string') throw new Error(`no audio in ${JSON.stringify(item)}`);
  return (Buffer.from(audio, 'base64').length / 2 / 24_000) * 1000;
}

describe('push-to-talk at 48 kHz with network drops', () => {
  it('mid-answer and mid-tool-call drops: events in order, typed errors, nothing lost or duplicated', async () => {
    const clock = new SimulatedClock();
    const fake = await startFakeWsServer({
      apiKey: KEY,
      clock,
      pingIntervalMs: false,
      pacing: { realtimeFactor: 1, audioChunkMs: 100 },
      behaviour: (ctx) => ctx.say(`You said ${ctx.userText ?? 'nothing'}.`),
    });
    cleanups.push(() => fake.close());
    const unhandled = recordUnhandledRejections(cleanups);

    const toolGate = deferred<void>();
    const toolRuns: string[] = [];
    const weather = defineTool<{ city: string }>({
      name: 'weather',
      description: 'the weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      execute: async ({ city }) => {
        toolRuns.push(city);
        await toolGate.promise;
        return { city, sky: 'clear' };
      },
    });
    const model = createOpenAIRealtimeModel({
      ...loopbackModelOptions(fake, KEY, clock),
      reconnect: { backoff: () => 0 },
      turnDetection: null,
      tools: [weather],
    });
    const session = model.session();
    cleanups.push(() => model.close());

    const seen: string[] = [];
    const errors: { code?: unknown; data?: unknown }[] = [];
    session.on('error', (e) => (errors.push(e), seen.push(`error:${String(e.code)}`)));
    for (const name of ['disconnected', 'reconnecting', 'connected', 'reconnected'] as const)
      session.on(name, () => seen.push(name));
    const done: RealtimeResponse[] = [];
    session.on('response_done', (r) => {
      done.push(r);
      seen.push(`response_done:${r.status}:${r.statusDetails?.reason ?? ''}`);
    });
    session.on('disconnected', () => fake.server.faults.clear());
    // fault rules count a type's events per connection, from its start
    let sentHere = new Map<string, number>();
    session.on('connected', () => (sentHere = new Map()));
    session.on('server_event', (e) => {
      const type = e.kind === 'event' ? e.event.type : e.type;
      sentHere.set(type, (sentHere.get(type) ?? 0) + 1);
    });
    const nth = (type: string, n: number) => (sentHere.get(type) ?? 0) + n;

    const pump = (until: () => boolean) => pumpUntil(clock, until);
    /** Holds the button for `ms` of 48 kHz tone, releases it: commit and ask for the answer. */
    const talk = (ms: number) => {
      for (const frame of speechThenSilence(ms, 0, { sampleRate: 48_000, frameMs: 20 }))
        session.inputAudioBuffer.append(frame);
      session.inputAudioBuffer.commit();
      return { answer: watch(session.response.generate()) };
    };

    expect(
      await pump(() => fake.server.sessionConfig !== undefined && seen.includes('connected')),
    ).toBe(true);
    fake.server.scriptTranscription('hello', 'tell me more', 'weather in Oslo');

    // turn 1: pressed for 600 ms, answered in full
    const t1 = talk(600);
    expect(await pump(() => t1.answer.settled && done.length === 1)).toBe(true);
    expect(done[0]).toMatchObject({ status: 'completed', text: 'You said hello.' });
    const user1 = session
      .chatCtxCopy()
      .items.find((i) => i.type === 'message' && i.role === 'user');
    const heard1 = watch(session.conversation.item.retrieve({ itemId: user1!.id }));
    expect(await pump(() => heard1.settled)).toBe(true);
    // all 600 ms of 48 kHz microphone audio reached the server, at 24 kHz
    expect(pcmMs(heard1.value)).toBeCloseTo(600, 0);

    // turn 2: the network drops after the third audio chunk of the answer
    fake.server.faults.closeAt('response.output_audio.delta', {
      occurrence: nth('response.output_audio.delta', 3),
    });
    seen.length = 0;
    const t2 = talk(500);
    expect(await pump(() => seen.includes('reconnected'))).toBe(true);
    expect(t2.answer.error).toBeUndefined();
    const cut = t2.answer.value!;
    expect(cut.status).toBe('failed');
    expect(cut.statusDetails?.reason).toBe('connection_lost');
    expect(seen).toEqual([
      'error:SOCKET_CLOSED',
      'response_done:failed:connection_lost',
      'disconnected',
      'reconnecting',
      'connected',
      'reconnected',
    ]);
    expect(errors.at(-1)?.data).toMatchObject({ code: 1006, fatal: false });
    // the app asks again once the session is back (README: "What a reconnect does")
    const again = watch(session.response.generate());
    expect(await pump(() => again.settled && session.activeResponse === undefined)).toBe(true);
    expect(again.value?.text).toBe('You said tell me more.');

    // turn 3: the model calls a tool; the network drops while the tool runs
    fake.server.queueResponse((ctx) =>
      ctx.callFunction('weather', { city: 'Oslo' }, { callId: 'call_oslo' }),
    );
    fake.server.queueResponse((ctx) => ctx.say('It is clear in Oslo.'));
    fake.server.faults.closeAt('response.done', { occurrence: nth('response.done', 1) });
    seen.length = 0;
    const t3 = talk(500);
    expect(await pump(() => seen.includes('reconnected'))).toBe(true);
    expect(toolRuns).toEqual(['Oslo']);
    toolGate.resolve();
    expect(await pump(() => done.some((r) => r.text === 'It is clear in Oslo.'))).toBe(true);
    expect(await pump(() => session.activeResponse === undefined)).toBe(true);
    expect(t3.answer.settled).toBe(true);
    // the call's response was cut before its response.done; the call itself was complete, so it
    // ran once, was answered on the fresh server, and the model answered the result
    expect(t3.answer.value?.statusDetails?.reason).toBe('connection_lost');
    expect(seen).toEqual([
      'error:SOCKET_CLOSED',
      'response_done:failed:connection_lost',
      'disconnected',
      'reconnecting',
      'connected',
      'reconnected',
      'response_done:completed:',
    ]);
    expect(done.map((r) => r.status)).toEqual([
      'completed',
      'failed',
      'completed',
      'failed',
      'completed',
    ]);
    expect(toolRuns).toEqual(['Oslo']);

    // turn 4: the network drops while the button is held; the rest of the turn is spoken while
    // disconnected, and the release (commit + generate) comes before the session is back
    fake.server.scriptTranscription('are you there');
    seen.length = 0;
    for (const frame of speechThenSilence(300, 0, { sampleRate: 48_000, frameMs: 20 }))
      session.inputAudioBuffer.append(frame);
    // the old server heard those 300 ms before the drop
    const appends = () =>
      fake.server.current?.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append')
        .length ?? 0;
    expect(await pump(() => appends() >= 14)).toBe(true);
    fake.server.close(1006);
    expect(await pump(() => seen.includes('reconnecting'))).toBe(true);
    const t4 = talk(300);
    expect(await pump(() => t4.answer.settled && session.activeResponse === undefined)).toBe(true);
    expect(t4.answer.value?.text).toBe('You said are you there.');
    const user4 = session
      .chatCtxCopy()
      .items.filter((i) => i.type === 'message' && i.role === 'user')
      .at(-1);
    const heard4 = watch(session.conversation.item.retrieve({ itemId: user4!.id }));
    expect(await pump(() => heard4.settled)).toBe(true);
    // the 300 ms the old server had, written again, and the 300 ms spoken while disconnected
    expect(pcmMs(heard4.value)).toBeCloseTo(600, 0);

    // nothing lost, nothing twice: each user turn once, the call answered once right after it
    const conv = fake.server.conversation;
    const users = conv.filter((i) => i['role'] === 'user');
    expect(users).toHaveLength(4);
    const callAt = conv.findIndex((i) => i['type'] === 'function_call');
    expect(conv.filter((i) => i['type'] === 'function_call')).toHaveLength(1);
    expect(conv.filter((i) => i['type'] === 'function_call_output')).toHaveLength(1);
    expect(conv[callAt + 1]).toMatchObject({ type: 'function_call_output', call_id: 'call_oslo' });
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(conv.map((i) => i['id']));
    expect(errors.map((e) => e.code)).toEqual(['SOCKET_CLOSED', 'SOCKET_CLOSED', 'SOCKET_CLOSED']);

    await session.close();
    await io();
    expect(clock.pendingTimers).toBe(0);
    expect(unhandled).toEqual([]);
  });
});
