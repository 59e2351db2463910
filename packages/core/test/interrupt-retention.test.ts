/**
 * `maxRetainedResponses: 0` (the performance guide's advice for servers holding many calls) keeps
 * no finished response, but the player goes on playing the last answer for seconds after it
 * finished streaming: the barge-in still needs that answer's audio length (the clock estimate,
 * the cap on what was heard) and its transcript (the heard text a restore re-creates).
 */
import { describe, expect, it } from 'vitest';
import { SAID, answered, sent, serverItems } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('session.interrupt() with maxRetainedResponses: 0 (%s)', (dialect) => {
  it('estimates the position of the last answer from the clock after its response ended', async () => {
    const s = setup(dialect, { random: () => 0, maxRetainedResponses: 0 });
    const session = await openSession(s);
    const content = await answered(s, session);
    expect(session.responses).toEqual([]);
    await s.clock.advanceAsync(1000);
    expect(session.playback.position).toMatchObject({
      itemId: content.itemId,
      playedMs: 1000,
      source: 'clock',
    });
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.truncated).toMatchObject({ itemId: content.itemId, audioEndMs: 1000 });
    await s.clock.advanceAsync(5000);
    expect(session.playback.position).toBeUndefined();
    await session.close();
  });

  it('caps what was heard at the audio received, and restores the heard text after a drop', async () => {
    const s = setup(dialect, { random: () => 0, maxRetainedResponses: 0 });
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e.code));
    const content = await answered(s, session);
    // the app's own position, past the end of what arrived
    const [result] = await Promise.all([
      session.interrupt({ at: { itemId: content.itemId, contentIndex: 0, playedMs: 9999 } }),
      s.settle(),
    ]);
    expect(result.truncated).toMatchObject({ audioEndMs: 2880 });
    expect(sent(s, 'conversation.item.truncate')).toMatchObject([{ audio_end_ms: 2880 }]);
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    expect(serverItems(s)).toMatchObject([
      { id: content.itemId, content: [{ type: 'text', text: SAID }] },
    ]);
    expect(errors).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });
});
