/**
 * A response the side-band's drop cut: the call's session may go on with it (its audio plays on
 * the call), and a re-attached side-band may receive the rest of its events. This side ended it
 * at the drop (`failed`, `connection_lost`), so its later events are dropped quietly, as those of
 * any response ended locally are: not a `PROTOCOL_VIOLATION` on `error` for every delta.
 */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../src/conversation/chat-context.js';
import { DIALECTS, record } from './helpers.js';
import { sideBand } from './side-band-helpers.js';

describe.each(DIALECTS)('the rest of a response a side-band drop cut (%s)', (dialect) => {
  it('arrives on the re-attached side-band and is dropped quietly', async () => {
    const { clock, server, model } = sideBand(dialect, true);
    const session = model.session({ modalities: ['text'] });
    const errors = record(session, ['error']);
    const done = record(session, ['response_done']);
    await clock.advanceAsync(0);
    await Promise.all([
      session.conversation.item.create(userMessage('u1', 'hello')),
      clock.advanceAsync(0),
    ]);
    server.queueResponse((ctx) => ctx.text('One two three four five six.'));
    server.faults.closeAt('response.output_text.delta', { code: 1006, occurrence: 2 });
    session.once('disconnected', () => server.faults.clear());
    void session.response.create();
    await clock.advanceAsync(5_000);
    expect(server.connections).toHaveLength(2);
    const cut = session.responses.at(-1)!;
    expect(cut.status).toBe('failed');
    const itemId = cut.output[0]!.itemId;
    // the call's session goes on with the answer; the new side-band hears the rest of it
    server.emit({
      type: 'response.output_text.delta',
      response_id: cut.id,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: ' seven',
    });
    server.emit({
      type: 'response.done',
      response: { id: cut.id, object: 'realtime.response', status: 'completed', output: [] },
    });
    await clock.advanceAsync(0);
    expect(errors.map((e) => (e[1] as { code: string }).code)).toEqual(['SOCKET_CLOSED']);
    // reported done once, at the drop
    expect(done.filter((e) => (e[1] as { id: string }).id === cut.id)).toHaveLength(1);
    await session.close();
  });
});
