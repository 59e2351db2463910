/**
 * A side-band's drop can lose the events of an item the call's session added meanwhile (an
 * answer cut with the socket, or given whole while it was down): no event lists a conversation
 * to resync from, but the next item the session adds names it as its `previous_item_id`. The
 * engine then retrieves that item and puts it back in the mirror, right before the item that
 * named it, so the mirror matches the session again. The retrieve is the engine's own: its
 * answer never reaches `error`.
 */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../src/conversation/chat-context.js';
import { mirrorView, serverView } from './fault-helpers.js';
import { captureLogger, DIALECTS, record } from './helpers.js';
import { sideBand } from './side-band-helpers.js';

const ofType = (events: readonly Record<string, unknown>[], type: string) =>
  events.filter((e) => e['type'] === type);

describe.each(DIALECTS)('an item a side-band drop left unknown (%s)', (dialect) => {
  it('is retrieved when the next item names it, and takes its place in the mirror', async () => {
    const { logger, lines } = captureLogger();
    const { clock, server, model } = sideBand(dialect, true, logger);
    const session = model.session({ modalities: ['text'] });
    const errors = record(session, ['error']);
    await clock.advanceAsync(0);
    await Promise.all([
      session.conversation.item.create(userMessage('u1', 'hello')),
      clock.advanceAsync(0),
    ]);
    server.queueResponse((ctx) => ctx.text('Hi there.'));
    // the answer's item is added on the server; the socket drops before its events leave
    server.faults.closeAt('response.output_item.added', { code: 1006 });
    session.once('disconnected', () => server.faults.clear());
    void session.response.create();
    await clock.advanceAsync(5_000);
    expect(server.connections).toHaveLength(2);
    const answer = server.conversation[1]!;
    expect(answer['role']).toBe('assistant');
    expect(mirrorView(session)).toEqual(['u1:message:user']);

    await Promise.all([
      session.conversation.item.create(userMessage('u2', 'still there?')),
      clock.advanceAsync(0),
    ]);
    await clock.advanceAsync(1_000);
    expect(ofType(server.clientEvents, 'conversation.item.retrieve')).toEqual([
      expect.objectContaining({ item_id: answer['id'] }),
    ]);
    expect(mirrorView(session)).toEqual(serverView({ server } as never));
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['u1', answer['id'], 'u2']);
    expect(errors.map((e) => (e[1] as { code: string }).code)).toEqual(['SOCKET_CLOSED']);
    // the gap the next item revealed is healing, not an anomaly to warn of
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).not.toContain(
      'conversation mirror anomaly',
    );
    await session.close();
  });
});
