/**
 * `session.interrupt()` across a drop: a truncate queued during an outage goes out after the
 * restore, on a fresh server that holds the answer as text (or not at all), and a text item
 * cannot be truncated (protocol.md §7.7: `unsupported_content_type`). During an outage the cut
 * is made in the mirror, which the restore re-creates the conversation from (the heard text);
 * an item the restore re-created as text, or left out, has nothing left to cut.
 */
import { describe, expect, it } from 'vitest';
import { SAID, sent, errors, serverItems, answered } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('session.interrupt() across a drop (%s)', (dialect) => {
  it('during the outage: the answer is cut in the mirror and restored as the text heard; no truncate is sent', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    s.server.close(1006, 'network');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    session.playback.played(content, 1440);
    const interrupting = session.interrupt();
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    await expect(interrupting).resolves.toEqual({
      cancelledResponseId: undefined,
      truncated: { itemId: content.itemId, contentIndex: 0, audioEndMs: 1440, deleted: false },
      deletedItemIds: [],
    });
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(serverItems(s)).toMatchObject([
      { id: content.itemId, content: [{ type: 'text', text: 'one two three four five...' }] },
    ]);
    expect(seen.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('the connection drops after the truncate went out, before its ack: the cut is made in the mirror, and it resolves', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    // the server takes the truncate; its ack is lost with the socket
    s.server.faults.closeAt('conversation.item.truncated');
    session.playback.played(content, 1440);
    const interrupting = session.interrupt();
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    // the README's `void session.interrupt()` must not become an unhandled rejection
    await expect(interrupting).resolves.toEqual({
      cancelledResponseId: undefined,
      truncated: { itemId: content.itemId, contentIndex: 0, audioEndMs: 1440, deleted: false },
      deletedItemIds: [],
    });
    expect(sent(s, 'conversation.item.truncate')).toHaveLength(1);
    // the fresh server holds the answer as the text heard
    expect(serverItems(s)).toMatchObject([
      { id: content.itemId, content: [{ type: 'text', text: 'one two three four five...' }] },
    ]);
    expect(seen.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('the drop takes the delete of an answer nothing of was heard: it is sent again, and it resolves', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    s.server.faults.closeAt('conversation.item.deleted');
    session.once('disconnected', () => s.server.faults.clear());
    session.playback.played(content, 0);
    const interrupting = session.interrupt({
      at: { itemId: content.itemId, contentIndex: 0, playedMs: 0 },
    });
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    await expect(interrupting).resolves.toEqual({
      cancelledResponseId: undefined,
      truncated: { itemId: content.itemId, contentIndex: 0, audioEndMs: 0, deleted: true },
      deletedItemIds: [],
    });
    expect(serverItems(s)).toEqual([]);
    expect(session.chatCtxCopy().items).toEqual([]);
    expect(seen.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('after the restore re-created the cut answer as text: a second barge-in has nothing to cut', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    session.playback.played(content, 1440);
    await Promise.all([session.interrupt(), s.settle()]);
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    // a late report from the player, on the answer the restore re-created as text
    session.playback.played(content, 100);
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
    });
    expect(sent(s, 'conversation.item.truncate')).toHaveLength(1);
    expect(serverItems(s)).toMatchObject([
      { id: content.itemId, content: [{ type: 'text', text: 'one two three four five...' }] },
    ]);
    expect(seen.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('the connection drops while it waits for the cancelled response: it settles without an error', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate();
    await s.clock.advanceAsync(600);
    const content = response.output[0]!.content[0]!;
    session.playback.played(content, 400);
    const interrupting = session.interrupt();
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    const result = await interrupting;
    expect(result.cancelledResponseId).toBe(response.id);
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(seen.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('closed while it waits for the cancelled response: rejects SESSION_CLOSED, no timer left', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate();
    await s.clock.advanceAsync(600);
    session.playback.played(response.output[0]!.content[0]!, 400);
    const interrupting = session.interrupt();
    await session.close();
    await expect(interrupting).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    expect(s.clock.pendingTimers).toBe(0);
  });
});

describe.each(DIALECTS)('a second interruption of an answer already cut (%s)', (dialect) => {
  it('without reports: the estimate stops at the interruption, so the second cuts nothing', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    await s.clock.advanceAsync(1000);
    const [first] = await Promise.all([session.interrupt(), s.settle()]);
    expect(first.truncated).toMatchObject({ itemId: content.itemId, audioEndMs: 1000 });
    // the speaker was cleared: nothing plays on by the clock either
    await s.clock.advanceAsync(500);
    expect(session.playback.position).toBeUndefined();
    const [second] = await Promise.all([session.interrupt(), s.settle()]);
    expect(second).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
    });
    expect(sent(s, 'conversation.item.truncate')).toHaveLength(1);
    expect(seen).toEqual([]);
    // the next answer is estimated again
    const next = await answered(s, session);
    await s.clock.advanceAsync(300);
    expect(session.playback.position).toMatchObject({ itemId: next.itemId, playedMs: 300 });
    await session.close();
  });

  it('a position past the cut (a stale at) has nothing left to cut', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    const at = (playedMs: number) => ({ itemId: content.itemId, contentIndex: 0, playedMs });
    await Promise.all([session.interrupt({ at: at(1000) }), s.settle()]);
    const [later] = await Promise.all([session.interrupt({ at: at(1500) }), s.settle()]);
    expect(later.truncated).toBeUndefined();
    // an earlier position still cuts further
    const [earlier] = await Promise.all([session.interrupt({ at: at(400) }), s.settle()]);
    expect(earlier.truncated).toMatchObject({ audioEndMs: 400 });
    expect(sent(s, 'conversation.item.truncate')).toMatchObject([
      { audio_end_ms: 1000 },
      { audio_end_ms: 400 },
    ]);
    expect(seen).toEqual([]);
    await session.close();
  });
});
