/**
 * A barge-in under server VAD (the default) and the app's own `response.create()` sent but not
 * started yet: its response is cancelled the moment it starts (told by the tag every create
 * carries), so the model does not speak the stale answer after the user interrupted; the
 * response VAD starts for the user's new turn (untagged) is left alone, and so is a create the
 * app makes after `interrupt()`. Fake server, simulated clock; nothing sleeps.
 */
import { speechThenSilence } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import type { RealtimeSession } from '../src/index.js';
import { SAID, errors, sent } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

/** Counts the audio frames handed over (to be played) per response id. */
function heard(session: RealtimeSession): Map<string, number> {
  const frames = new Map<string, number>();
  session.on('response_audio', (_, content) =>
    frames.set(content.responseId, (frames.get(content.responseId) ?? 0) + 1),
  );
  return frames;
}

describe.each(DIALECTS)('interrupt() and the app’s create under server VAD (%s)', (dialect) => {
  it('cancels the create’s response when it starts, and leaves the VAD answer to the new turn alone', async () => {
    const s = setup(dialect, { random: () => 0 });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.say('Sure.'));
    const session = await openSession(s);
    const seen = errors(session);
    const played = heard(session);
    s.server.faults.stallAt('response.created');
    void session.response.create();
    await s.settle();
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.cancelledResponseId).toBeUndefined();
    s.server.faults.release();
    await s.settle();
    const stale = session.responses.at(-1)!;
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: stale.id }]);
    // nothing of the stale answer is handed over to be played
    expect(played.get(stale.id)).toBeUndefined();
    // the user's new turn: server VAD answers it, untagged, and that answer is not cancelled
    for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
    await s.clock.advanceAsync(2_000);
    const answer = session.responses.at(-1)!;
    expect(answer.id).not.toBe(stale.id);
    expect(answer.status).toBe('completed');
    expect(played.get(answer.id)).toBeGreaterThan(0);
    expect(sent(s, 'response.cancel')).toHaveLength(1);
    expect(seen).toEqual([]);
    await session.close();
  });

  it('cancels the create’s response when it starts also when a VAD response was in progress at the barge-in', async () => {
    const s = setup(dialect, { random: () => 0 });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.say('The answer asked for before the barge-in.'));
    const session = await openSession(s);
    const seen = errors(session);
    const played = heard(session);
    // server VAD answers a turn: its events are held on the way, so the engine sees nothing in
    // progress and the app's create goes out (the server starts it once the VAD answer ended);
    // then the VAD answer arrives but its end (and the create's response.created) is slow
    s.server.faults.stallAt('response.created').delay('response.done', 100);
    for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
    await s.settle();
    expect(await Promise.all([session.response.create(), s.settle()])).toEqual([true, undefined]);
    s.server.faults.release();
    await s.settle();
    const vad = session.responses.at(-1)!;
    expect(vad.isDone).toBe(false);
    // the user barges in over the VAD answer: it is cancelled, and so is the create's
    // (it resolves once the VAD answer ended: its unheard audio is deleted then)
    const interrupted = session.interrupt();
    await s.clock.advanceAsync(100);
    await s.settle();
    expect((await interrupted).cancelledResponseId).toBe(vad.id);
    const stale = session.responses.at(-1)!;
    expect(stale.id).not.toBe(vad.id);
    expect(sent(s, 'response.cancel')).toMatchObject([
      { response_id: vad.id },
      { response_id: stale.id },
    ]);
    expect(played.get(stale.id)).toBeUndefined();
    expect(seen).toEqual([]);
    await session.close();
  });

  it('does not cancel a create the app makes after interrupt(), nor when a stale one was cancelled first', async () => {
    const s = setup(dialect, { random: () => 0 });
    s.server.queueResponse((ctx) => ctx.say('stale'));
    s.server.queueResponse((ctx) => ctx.say('fresh'));
    s.server.queueResponse((ctx) => ctx.say('later'));
    const session = await openSession(s);
    const seen = errors(session);
    const played = heard(session);
    s.server.faults.stallAt('response.created');
    void session.response.create();
    await s.settle();
    await Promise.all([session.interrupt(), s.settle()]);
    // made after the barge-in: waits for the stale one's response, then goes out, and plays
    const fresh = session.response.create();
    await s.settle();
    s.server.faults.release();
    await s.settle();
    expect(await fresh).toBe(true);
    await s.clock.advanceAsync(1_000);
    const [stale, asked] = session.responses.slice(-2);
    // the stale one's audio is not handed over (it had all arrived before the cancel got there)
    expect(played.get(stale!.id)).toBeUndefined();
    expect(asked?.status).toBe('completed');
    expect(played.get(asked!.id)).toBeGreaterThan(0);
    // an interruption with nothing pending, then a create: not cancelled either
    await Promise.all([session.interrupt(), s.settle()]);
    await Promise.all([session.response.create(), s.settle()]);
    await s.clock.advanceAsync(1_000);
    const later = session.responses.at(-1)!;
    expect(later.status).toBe('completed');
    expect(played.get(later.id)).toBeGreaterThan(0);
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: stale!.id }]);
    expect(seen).toEqual([]);
    await session.close();
  });
});
