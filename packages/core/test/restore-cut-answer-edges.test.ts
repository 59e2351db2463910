/**
 * Edge cases of an answer the drop cut off mid-stream (restore-cut-answer.test.ts): responses not
 * retained, a reconnect attempt that fails before the restore, an answer in two audio items.
 */
import { describe, expect, it } from 'vitest';
import type { ReconnectedEvent } from '../src/index.js';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const SAID = 'one two three four five six seven eight nine ten';

function serverTexts(s: Setup): unknown[] {
  return s.server.conversation.map((i) => conversationItemToChatItem(i as never));
}

describe.each(DIALECTS)('an answer the drop cut off: edges (%s)', (dialect) => {
  it('maxRetainedResponses: 0, interrupted during the outage by the clock: cut where the interruption was', async () => {
    const s = setup(dialect, {
      random: () => 0,
      maxRetainedResponses: 0,
      reconnect: { backoff: () => 1000 },
    });
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    session.on('disconnected', () => s.server.faults.clear());
    s.server.faults.closeAt('response.output_audio.delta', { occurrence: 21 });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate();
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    const itemId = response.output[0]!.itemId;
    await s.clock.advanceAsync(500);
    await Promise.all([session.interrupt(), s.settle()]);
    await s.clock.advanceAsync(500);
    expect(reconnected).toMatchObject([{ cutOffItemIds: [itemId] }]);
    // 2000 ms received, 500 ms of it played when the user barged in (not 1000 by the restore)
    expect(serverTexts(s)).toMatchObject([
      { id: itemId, content: [{ type: 'text', text: 'one two...' }] },
    ]);
    await session.close();
  });

  it('a reconnect attempt refused before the restore: the next one still restores the answer as heard', async () => {
    const s = setup(dialect, { random: () => 0, reconnect: { backoff: () => 1000 } });
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    session.on('disconnected', () => s.server.faults.clear());
    s.server.faults.closeAt('response.output_audio.delta', { occurrence: 21 });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate();
    await s.settle();
    s.server.faults.rejectConnects(1);
    const content = response.output[0]!.content[0]!;
    session.playback.played(content, 1000);
    await s.clock.advanceAsync(1000);
    expect(session.connectionState.status).toBe('reconnecting');
    await s.clock.advanceAsync(1000);
    expect(session.connectionState.status).toBe('open');
    expect(reconnected).toMatchObject([{ restoredItems: 1, cutOffItemIds: [content.itemId] }]);
    expect(serverTexts(s)).toMatchObject([
      { id: content.itemId, content: [{ type: 'text', text: 'one two three...' }] },
    ]);
    await session.close();
  });

  it('an answer in two audio items, reports still on the first: the first whole, the cut one left out', async () => {
    const s = setup(dialect, { random: () => 0, reconnect: { backoff: () => 1000 } });
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    session.on('disconnected', () => s.server.faults.clear());
    // the first item is 29 chunks; cut in the second
    s.server.faults.closeAt('response.output_audio.delta', { occurrence: 29 + 11 });
    s.server.queueResponse((ctx) => {
      ctx.say(SAID);
      ctx.say(SAID);
    });
    const response = await session.response.generate();
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    const [first, second] = response.output;
    expect(second!.content[0]!.audioDurationMs).toBeGreaterThan(0);
    session.playback.played(first!.content[0]!, 1500);
    await s.clock.advanceAsync(1000);
    expect(reconnected).toMatchObject([{ cutOffItemIds: [] }]);
    expect(serverTexts(s)).toMatchObject([
      { id: first!.itemId, content: [{ type: 'text', text: SAID }] },
    ]);
    expect(serverTexts(s)).toHaveLength(1);
    await session.close();
  });
});
