/**
 * A planned rollover near the session's maximum duration while the user begins to speak: the
 * server reports speech a little after it began, so the rollover can pick a moment that looks
 * quiet while the old server already holds the first words of a turn. Those words must reach the
 * fresh server, or the new session hears the sentence from its middle.
 */
import { describe, expect, it } from 'vitest';
import type { ReconnectedEvent } from '../src/reconnect/reliability-events.js';
import { firstAppendedSamples, openSession, setup, taggedFrame } from './helpers.js';

describe('rollover while the user begins to speak', () => {
  it('the onset the old server held, not yet reported as speech, is written to the fresh server', async () => {
    const s = setup(
      'ga',
      { random: () => 0, stallTimeoutMs: false, reconnect: { rolloverMarginMs: 60_000 } },
      { maxSessionDurationMs: 10 * 60_000 },
    );
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', createResponse: false },
    });
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    const started: number[] = [];
    session.on('input_speech_started', (e) => started.push(e.audioStartMs));
    // silence for a while: between turns
    for (let i = 0; i < 50; i++) session.inputAudioBuffer.append(taggedFrame(0));
    await s.settle();
    await s.clock.advanceAsync(9 * 60_000 - 2_000);
    // the user starts to speak: the frames are on the old socket, its speech_started on its way
    for (let i = 0; i < 5; i++) session.inputAudioBuffer.append(taggedFrame(9000 + i));
    // ... when the rollover comes due: to the engine it looks like a quiet moment
    s.clock.advance(2_000);
    await s.clock.advanceAsync(1_000);
    expect(reconnected).toHaveLength(1);
    expect(reconnected[0]?.rollover).toBe(true);
    const fresh = firstAppendedSamples(s.server.connections[1]!.clientEvents);
    // the five words' frames reached the fresh server, once each, in order
    expect(fresh.filter((v) => v !== 0)).toEqual([9000, 9001, 9002, 9003, 9004]);
    // and its VAD hears the turn
    expect(started.length).toBeGreaterThanOrEqual(1);
    await session.close();
  });
});
