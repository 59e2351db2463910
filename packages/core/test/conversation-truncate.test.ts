/**
 * An answer truncated while it is still streaming (protocol.md §7.7: the server cuts the audio
 * and drops the transcript, "to ensure there is no text in the context that hasn't been heard"):
 * the rest of the response's events describe the item as it was generated, not as the
 * conversation now holds it, so the mirror must not take the transcript back from them.
 */
import { describe, expect, it } from 'vitest';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('truncating an answer still streaming (%s)', (dialect) => {
  it('the mirror keeps the transcript dropped through the done events, and a restore sends no unheard text', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    const said = 'A long enough spoken answer to cut in the middle of it all.';
    s.server.queueResponse((ctx) => ctx.say(said));
    void session.response.create();
    await s.clock.advanceAsync(1500);
    const response = session.responses[0]!;
    expect(response.status).toBe('in_progress');
    const itemId = response.output[0]!.itemId;
    const cut = session.conversation.item.truncate({ itemId, contentIndex: 0, audioEndMs: 500 });
    await s.clock.advanceAsync(10_000);
    await expect(cut).resolves.toBeUndefined();
    expect(response.status).not.toBe('in_progress');
    // the response still tells what it generated; the conversation holds only what was heard
    expect(response.output[0]!.content[0]!.text).toBe(said);
    const [item] = session.chatCtxCopy().items;
    expect(item).toMatchObject({ id: itemId, content: [{ type: 'audio' }] });
    const part = item?.type === 'message' ? item.content[0] : undefined;
    expect(part?.type === 'audio' ? (part.transcript ?? '') : 'no part').toBe('');
    expect(s.server.conversation.map((i) => conversationItemToChatItem(i as never))).toMatchObject([
      { id: itemId, content: [{ type: 'audio', transcript: '' }] },
    ]);

    // a reconnect re-creates the conversation from the mirror: the unheard text stays out
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    const resent = JSON.stringify(s.server.clientEvents.slice(before));
    expect(resent).not.toContain('middle of it all');
    await session.close();
  });
});
