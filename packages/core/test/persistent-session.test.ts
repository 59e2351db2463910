/**
 * A connection whose session outlives it (`Connection.persistentSession`: a side-band WebSocket to
 * a WebRTC or SIP call, `?call_id=`). The call goes on when the side-band socket drops, and a
 * reconnect attaches to the same session, conversation and all: restoring into it as into a fresh
 * server would create every item a second time and replay audio the call already heard. A call
 * cannot be rolled over to a fresh session either: its session is the call's.
 */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../src/conversation/chat-context.js';
import { mirrorView } from './fault-helpers.js';
import { DIALECTS, record } from './helpers.js';
import { MIN, sideBand } from './side-band-helpers.js';

const creates = (events: readonly Record<string, unknown>[]) =>
  events.filter((e) => e['type'] === 'conversation.item.create');

describe.each(DIALECTS)('a session the server keeps across connections (%s)', (dialect) => {
  it('a reconnect re-attaches without re-creating the conversation: no item twice on the server', async () => {
    const { clock, server, model } = sideBand(dialect, true);
    const session = model.session({ modalities: ['text'] });
    const events = record(session, ['reconnected']);
    await clock.advanceAsync(0);
    await Promise.all([
      session.setChatCtx([userMessage('u1', 'hello'), userMessage('u2', 'again')]),
      clock.advanceAsync(0),
    ]);
    const sentBefore = creates(server.clientEvents).length;
    expect(sentBefore).toBe(2);

    server.close(1006, 'network');
    await clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(server.connections).toHaveLength(2);
    // nothing created again: the call's session still holds both items
    expect(creates(server.clientEvents)).toHaveLength(sentBefore);
    expect(server.conversation.map((i) => i['id'])).toEqual(['u1', 'u2']);
    expect(mirrorView(session)).toEqual(
      server.conversation.map((i) => `${String(i['id'])}:message:user`),
    );
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['u1', 'u2']);
    expect(events).toEqual([
      ['reconnected', expect.objectContaining({ restoredItems: 0, skippedItems: 0 })],
    ]);
    await session.close();
  });

  it('the same drop on an ordinary connection restores the conversation (the contrast)', async () => {
    const { clock, server, model } = sideBand(dialect, false);
    const session = model.session({ modalities: ['text'] });
    await clock.advanceAsync(0);
    await Promise.all([
      session.setChatCtx([userMessage('u1', 'hello'), userMessage('u2', 'again')]),
      clock.advanceAsync(0),
    ]);
    server.close(1006, 'network');
    await clock.advanceAsync(5_000);
    // a fresh server needs them again; this fake kept them, so they arrive twice
    expect(creates(server.clientEvents)).toHaveLength(4);
    await session.close();
  });

  it('a normal close (1000) from the server ends it cleanly: the call is over, nothing to re-attach to', async () => {
    const { clock, server, model } = sideBand(dialect, true);
    const session = model.session({ modalities: ['text'] });
    const events = record(session, ['disconnected', 'reconnecting', 'error', 'closed']);
    await clock.advanceAsync(0);
    server.close(1000, 'call ended');
    await clock.advanceAsync(5_000);
    expect(session.connectionState).toEqual({ status: 'closed', error: undefined });
    expect(server.connections).toHaveLength(1);
    expect(events.map((e) => e[0])).toEqual(['disconnected', 'closed']);
    expect(events.at(-1)).toEqual(['closed', { error: undefined }]);
  });

  it('any other close of a kept session is a drop: it re-attaches', async () => {
    const { clock, server, model } = sideBand(dialect, true);
    const session = model.session({ modalities: ['text'] });
    await clock.advanceAsync(0);
    server.close(1011, 'server restart');
    await clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(server.connections).toHaveLength(2);
    await session.close();
  });

  it('no rollover: the call’s session is not moved to a fresh one before its limit', async () => {
    const { clock, model } = sideBand(dialect, true);
    const session = model.session({ modalities: ['text'] });
    const events = record(session, ['reconnecting']);
    await clock.advanceAsync(0);
    // past the provider's limit less any rollover margin, and past the server's expires_at
    await clock.advanceAsync(59 * MIN);
    expect(session.stats.rollovers).toBe(0);
    expect(
      events.filter((e) => (e[1] as { cause?: { code?: string } }).cause?.code === 'ROLLOVER'),
    ).toEqual([]);
    await session.close();
  });
});
