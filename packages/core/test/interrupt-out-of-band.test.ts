/**
 * `interrupt()` while an out-of-band response (`conversation: 'none'`: a topic label, a
 * moderation pass) runs beside the answer being spoken: the answer is what the user talks over,
 * and what must be cancelled, however recently the out-of-band one started.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeResponse } from '../src/index.js';
import { SAID, sent, errors } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('interrupt() beside an out-of-band response (%s)', (dialect) => {
  it('cancels the answer being spoken, not the out-of-band response started after it', async () => {
    const s = setup(
      dialect,
      { random: () => 0 },
      { pacing: { realtimeFactor: 1, textDeltaIntervalMs: 30 } },
    );
    // push-to-talk: no server VAD cancels the answer for the app
    const session = await openSession(s, { turnDetection: null });
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.text('a topic label that takes a while to write out'));
    const answer = await session.response.generate();
    await s.clock.advanceAsync(500);
    const content = answer.output[0]!.content[0]!;
    session.playback.played(content, 400);
    const label = await session.response.generate({
      response: { conversation: 'none' },
    });
    await s.clock.advanceAsync(100);
    expect(label.isDone).toBe(false);
    expect(answer.isDone).toBe(false);
    const [result] = await Promise.all([session.interrupt(), s.clock.advanceAsync(5000)]);
    expect(result.cancelledResponseId).toBe(answer.id);
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: answer.id }]);
    expect(answer.status).toBe('cancelled');
    expect(label.status).toBe('completed');
    expect(result.truncated).toMatchObject({ itemId: content.itemId, audioEndMs: 400 });
    expect(seen).toEqual([]);
    await session.close();
  });

  it('with nothing playing (at: null) it is the conversation response too, once the other shows it is out of band', async () => {
    const s = setup(
      dialect,
      { random: () => 0 },
      { pacing: { realtimeFactor: 1, textDeltaIntervalMs: 30 } },
    );
    const session = await openSession(s, { turnDetection: null });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.text('a topic label that takes a while to write out'));
    const answer = await session.response.generate();
    await s.clock.advanceAsync(100);
    const label = await session.response.generate({ response: { conversation: 'none' } });
    await s.clock.advanceAsync(100);
    expect(label.output).toHaveLength(1);
    const [result] = await Promise.all([
      session.interrupt({ at: null }),
      s.clock.advanceAsync(5000),
    ]);
    expect(result.cancelledResponseId).toBe(answer.id);
    expect(label.status).toBe('completed');
    await session.close();
  });

  it('the answer being played has finished generating: a text-only out-of-band response running is left alone', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { textDeltaIntervalMs: 30 } });
    const session = await openSession(s, { turnDetection: null });
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.text('a topic label that takes a while to write out'));
    const answer = await session.response.generate();
    await answer.done;
    // the answer was generated faster than it plays: the speaker is still on it
    const content = answer.output[0]!.content[0]!;
    session.playback.played(content, 400);
    // the app labels each answer as it ends, beside the conversation
    const label = await session.response.generate({ response: { conversation: 'none' } });
    await s.clock.advanceAsync(100);
    expect(label.output).toHaveLength(1);
    expect(label.isDone).toBe(false);
    const [result] = await Promise.all([session.interrupt(), s.clock.advanceAsync(5000)]);
    expect(result.cancelledResponseId).toBeUndefined();
    expect(sent(s, 'response.cancel')).toEqual([]);
    expect(label.status).toBe('completed');
    expect(result.truncated).toMatchObject({ itemId: content.itemId, audioEndMs: 400 });
    expect(seen).toEqual([]);
    await session.close();
  });

  it('an out-of-band response started just now, with no output yet: the answer still generating is cancelled', async () => {
    const s = setup(
      dialect,
      { random: () => 0 },
      { pacing: { realtimeFactor: 1, textDeltaIntervalMs: 30 } },
    );
    const session = await openSession(s, { turnDetection: null });
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.text('a topic label that takes a while to write out'));
    const answer = await session.response.generate();
    await s.clock.advanceAsync(100);
    // the barge-in comes in the label's response_created: nothing of it is out yet, but the
    // request that asked for it said conversation: 'none'
    let seenAtStart: { outputs: number; outOfBand: boolean | undefined } | undefined;
    const interrupted = new Promise<Awaited<ReturnType<typeof session.interrupt>>>((resolve) =>
      session.once('response_created', (r) => {
        seenAtStart = { outputs: r.output.length, outOfBand: r.outOfBand };
        resolve(session.interrupt({ at: null }));
      }),
    );
    const label = await session.response.generate({ response: { conversation: 'none' } });
    const [result] = await Promise.all([interrupted, s.clock.advanceAsync(5000)]);
    expect(seenAtStart).toEqual({ outputs: 0, outOfBand: true });
    expect(result.cancelledResponseId).toBe(answer.id);
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: answer.id }]);
    expect(answer.status).toBe('cancelled');
    expect(label.status).toBe('completed');
    expect(answer.outOfBand).toBe(false);
    expect(seen).toEqual([]);
    await session.close();
  });

  it('the answer being played has finished generating, the out-of-band response has no output yet: it is left alone', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { textDeltaIntervalMs: 30 } });
    const session = await openSession(s, { turnDetection: null });
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.text('a topic label that takes a while to write out'));
    const answer = await session.response.generate();
    await answer.done;
    const content = answer.output[0]!.content[0]!;
    session.playback.played(content, 400);
    let outputsAtStart: number | undefined;
    const interrupted = new Promise<Awaited<ReturnType<typeof session.interrupt>>>((resolve) =>
      session.once('response_created', (r) => {
        outputsAtStart = r.output.length;
        resolve(session.interrupt());
      }),
    );
    const label = await session.response.generate({ response: { conversation: 'none' } });
    const [result] = await Promise.all([interrupted, s.clock.advanceAsync(5000)]);
    expect(outputsAtStart).toBe(0);
    expect(result.cancelledResponseId).toBeUndefined();
    expect(sent(s, 'response.cancel')).toEqual([]);
    expect(label.status).toBe('completed');
    expect(result.truncated).toMatchObject({ itemId: content.itemId, audioEndMs: 400 });
    expect(seen).toEqual([]);
    await session.close();
  });

  it('a bare out-of-band create() is tagged too: known out of band from its response_created', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { textDeltaIntervalMs: 30 } });
    const session = await openSession(s, { turnDetection: null });
    s.server.queueResponse((ctx) => ctx.text('a topic label'));
    const started = new Promise<RealtimeResponse>((resolve) =>
      session.once('response_created', resolve),
    );
    await session.response.create({ response: { conversation: 'none' } });
    const label = await started;
    expect(label.output).toHaveLength(0);
    expect(label.outOfBand).toBe(true);
    await s.clock.advanceAsync(5000);
    expect(label.status).toBe('completed');
    await session.close();
  });
});
