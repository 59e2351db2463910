/**
 * `interrupt()` while an out-of-band response (`conversation: 'none'`: a topic label, a
 * moderation pass) runs beside the answer being spoken: the answer is what the user talks over,
 * and what must be cancelled, however recently the out-of-band one started.
 */
import { describe, expect, it } from 'vitest';
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
});
