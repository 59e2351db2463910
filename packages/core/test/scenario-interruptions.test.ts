/**
 * Many quick interruptions: the app asks for a new answer again and again while the last one is
 * starting or speaking (`cancel_existing`), and the user barges in with speech (server VAD
 * cancels the answer in progress). Every request settles, the server never sees two responses
 * at once, and only the last answer runs to its end.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeResponse } from '../src/responses/tree.js';
import { DIALECTS, openSession, outcome, setup } from './helpers.js';

const frame = (level: number) => ({
  data: new Int16Array(480).fill(level),
  sampleRate: 24000,
  channels: 1,
});

describe.each(DIALECTS)('many quick interruptions (%s)', (dialect) => {
  it('five cancel_existing requests in a row: each settles, one response at a time, the last completes', async () => {
    const s = setup(dialect, {}, { pacing: { realtimeFactor: 1 } });
    s.server.onResponse((ctx) => ctx.say('A long answer that takes a few seconds to speak aloud.'));
    const session = await openSession(s, { turnDetection: null });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const requests = [];
    for (let i = 0; i < 5; i++) {
      requests.push(outcome(session.response.generate({ onDuplicate: 'cancel_existing' })));
      await s.clock.advanceAsync(i % 2 === 0 ? 0 : 150);
    }
    await s.clock.advanceAsync(20_000);
    expect(requests.every((r) => r.done && r.error === undefined)).toBe(true);
    const responses = requests.map((r) => r.value as RealtimeResponse);
    expect(new Set(responses.map((r) => r.id)).size).toBe(5);
    expect(responses.slice(0, 4).map((r) => r.status)).toEqual(Array(4).fill('cancelled'));
    expect(responses[4]!.status).toBe('completed');
    expect(errors).toEqual([]);
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.create')).toHaveLength(5);
    await session.close();
  });

  it('the user barges in on each answer: the VAD cancels it, the next turn is answered, nothing hangs', async () => {
    const s = setup(dialect, {}, { pacing: { realtimeFactor: 1 } });
    s.server.onResponse((ctx) => ctx.say('A long answer that takes a few seconds to speak aloud.'));
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    });
    const done: RealtimeResponse[] = [];
    session.on('response_done', (r) => done.push(r));
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const speak = async (ms: number) => {
      for (let i = 0; i < ms / 20; i++) {
        session.inputAudioBuffer.append(frame(8000));
        await s.clock.advanceAsync(20);
      }
      for (let i = 0; i < 15; i++) {
        session.inputAudioBuffer.append(frame(0));
        await s.clock.advanceAsync(20);
      }
    };
    for (let turn = 0; turn < 4; turn++) {
      await speak(200);
      // the answer starts speaking; the user cuts in 400 ms later
      await s.clock.advanceAsync(400);
    }
    await s.clock.advanceAsync(20_000);
    expect(done.length).toBeGreaterThanOrEqual(4);
    expect(done.slice(0, -1).every((r) => r.status === 'cancelled')).toBe(true);
    expect(done.at(-1)?.status).toBe('completed');
    expect(session.activeResponse).toBeUndefined();
    expect(errors).toEqual([]);
    await session.close();
  });
});
