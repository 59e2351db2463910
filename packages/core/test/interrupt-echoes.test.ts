/**
 * Reports of audio the speaker never played. Twilio acknowledges a `clear` by sending back every
 * `mark` still pending, so a bridge that forwards each mark to `session.playback.played()`
 * reports the cleared audio as heard; a browser worklet may post a last position after the app
 * flushed it. Once an interruption (or `playback.stopped()`) settled where a part stopped, such
 * reports must not move it past that point: a second barge-in would cut the answer at the wrong
 * place (before what was heard, or after it).
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeContent } from '../src/index.js';
import { SAID, sent, errors, answered } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('playback reports after a clear (%s)', (dialect) => {
  it('marks echoed after interrupt() are not heard: a second barge-in does not cut the answer again', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    session.playback.played(content, 500);
    session.playback.played(content, 500);
    const [first] = await Promise.all([session.interrupt(), s.settle()]);
    expect(first.truncated).toMatchObject({ itemId: content.itemId, audioEndMs: 1000 });
    // the bridge sent `clear`: Twilio hands back the marks of the audio it dropped
    session.playback.played(content, 400);
    session.playback.played(content, 400);
    session.playback.played(content, 0); // at the cut: harmless
    expect(session.playback.position).toBeUndefined();
    // the user barges in again: what was heard is not cut short, nor cut again
    const [second] = await Promise.all([session.interrupt(), s.settle()]);
    expect(second.truncated).toBeUndefined();
    expect(sent(s, 'conversation.item.truncate')).toHaveLength(1);
    expect(sent(s, 'conversation.item.truncate')).toMatchObject([{ audio_end_ms: 1000 }]);
    // a new answer is tracked as usual
    s.server.queueResponse((ctx) => ctx.say('Sure.'));
    const response = await session.response.generate();
    await s.settle();
    const next = response.output[0]!.content[0]!;
    session.playback.played(next, 300);
    expect(session.playback.position).toMatchObject({ itemId: next.itemId, playedMs: 300 });
    // a late echo of the old answer does not take the place of the one playing
    session.playback.played(content, 100);
    expect(session.playback.position).toMatchObject({ itemId: next.itemId, playedMs: 300 });
    expect(seen).toEqual([]);
    await session.close();
  });

  it('marks echoed after stopped() (the app cleared its speaker) are not heard either', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await answered(s, session);
    session.playback.played(content, 1000);
    // push-to-talk: the app clears its speaker and says so; the cleared marks come back
    session.playback.stopped();
    session.playback.played(content, 600);
    expect(session.playback.position).toBeUndefined();
    const [result] = await Promise.all([
      session.interrupt({ at: { itemId: content.itemId, contentIndex: 0, playedMs: 1000 } }),
      s.settle(),
    ]);
    expect(result.truncated).toMatchObject({ audioEndMs: 1000 });
    await session.close();
  });

  it('after a drain the same part plays on with the audio that arrived since, not past it', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    let content: RealtimeContent | undefined;
    session.on('response_audio', (_frame, c) => (content = c));
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.generate();
    await s.clock.advanceAsync(250);
    const before = content!.audioDurationMs;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(1000);
    // the speaker played all that had arrived and ran dry (the generator stalled)
    session.playback.played(content!, before);
    session.playback.stopped();
    await s.clock.advanceAsync(300);
    const arrived = content!.audioDurationMs - before;
    expect(arrived).toBeGreaterThan(0);
    session.playback.played(content!, arrived);
    expect(session.playback.position?.playedMs).toBe(before + arrived);
    // a report past the audio received since the drain is capped by it
    session.playback.played(content!, 5000);
    expect(session.playback.position?.playedMs).toBe(before + arrived);
    await session.close();
  });
});
