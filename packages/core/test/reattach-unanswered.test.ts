/**
 * A request the side-band's old socket took unanswered, on a session the server keeps (a call):
 * unlike a fresh server after a restore, the call's session may have applied it before the drop.
 * An item create or delete is therefore not sent again blind: a `conversation.item.retrieve` asks
 * the session first, and the request settles as the lost answer would have settled it — the
 * create resolves with the item the session holds, the delete resolves when the item is gone —
 * or is sent again when the session never applied it. Nothing of it reaches `error` (the drop
 * does): the probe's refusal (an unknown item) is its answer.
 */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../src/conversation/chat-context.js';
import { mirrorView } from './fault-helpers.js';
import { DIALECTS, record } from './helpers.js';
import { sideBand } from './side-band-helpers.js';

const codes = (errors: readonly unknown[][]) => errors.map((e) => (e[1] as { code: string }).code);

const ofType = (events: readonly Record<string, unknown>[], type: string) =>
  events.filter((e) => e['type'] === type);

/** What `promise` settles to, its value or its error: it never rejects. */
const outcome = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => value,
    (error: unknown) => error,
  );

/** A session attached to a side-band (persistent) or an ordinary connection, open. */
async function attached(dialect: 'ga' | 'beta', persistentSession = true) {
  const { clock, server, model } = sideBand(dialect, persistentSession);
  const session = model.session({ modalities: ['text'] });
  const errors = record(session, ['error']);
  await clock.advanceAsync(0);
  return { clock, server, session, errors };
}

describe.each(DIALECTS)('a request the old side-band took unanswered (%s)', (dialect) => {
  it('a create the call’s session applied resolves with its item: not created twice, no error', async () => {
    const { clock, server, session, errors } = await attached(dialect);
    // the server applies the create; the socket drops before its answer leaves
    server.faults.closeAt('conversation.item.added', { code: 1006 });
    const created = outcome(session.conversation.item.create(userMessage('u1', 'hello')));
    await clock.advanceAsync(5_000);
    expect(server.connections).toHaveLength(2);
    expect(server.conversation.map((i) => i['id'])).toEqual(['u1']);
    expect(ofType(server.clientEvents, 'conversation.item.create')).toHaveLength(1);
    expect(ofType(server.clientEvents, 'conversation.item.retrieve')).toHaveLength(1);
    expect(await created).toMatchObject({ id: 'u1', type: 'message', role: 'user' });
    // the drop itself, and nothing of the request
    expect(codes(errors)).toEqual(['SOCKET_CLOSED']);
    expect(mirrorView(session)).toEqual(['u1:message:user']);
    expect(session.stats.pendingRequests).toBe(0);
    await session.close();
  });

  it('a probe whose answer a second drop loses is made again on the next re-attach', async () => {
    const { clock, server, session, errors } = await attached(dialect);
    server.faults.closeAt('conversation.item.added', { code: 1006 });
    const created = outcome(session.conversation.item.create(userMessage('u1', 'hello')));
    // the first re-attach: its probe's answer is lost to a second drop
    await clock.advanceAsync(0);
    expect(server.connections).toHaveLength(1);
    server.faults.closeAt('conversation.item.retrieved', { code: 1006 });
    for (let ms = 0; ms < 10_000 && server.connections.length < 2; ms += 10)
      await clock.advanceAsync(10);
    for (let ms = 0; ms < 1_000 && session.connectionState.status === 'open'; ms += 1)
      await clock.advanceAsync(1);
    expect(session.connectionState.status).not.toBe('open');
    server.faults.clear();
    await clock.advanceAsync(10_000);
    expect(server.connections).toHaveLength(3);
    expect(ofType(server.clientEvents, 'conversation.item.create')).toHaveLength(1);
    expect(ofType(server.clientEvents, 'conversation.item.retrieve')).toHaveLength(2);
    expect(await created).toMatchObject({ id: 'u1', type: 'message' });
    expect(codes(errors)).toEqual(['SOCKET_CLOSED', 'SOCKET_CLOSED']);
    expect(mirrorView(session)).toEqual(['u1:message:user']);
    expect(session.stats.pendingRequests).toBe(0);
    await session.close();
  });

  it('a create the call’s session never got is sent again after the probe', async () => {
    const { clock, server, session, errors } = await attached(dialect);
    const created = outcome(session.conversation.item.create(userMessage('u1', 'hello')));
    // the socket drops with the create still on its way: the call's session never hears it
    server.close(1006, 'network');
    await clock.advanceAsync(5_000);
    expect(server.connections).toHaveLength(2);
    expect(server.conversation.map((i) => i['id'])).toEqual(['u1']);
    // the fake records what reached it: the create once, after the probe found nothing
    const types = server.clientEvents.map((e) => e['type']);
    expect(ofType(server.clientEvents, 'conversation.item.retrieve')).toHaveLength(1);
    expect(ofType(server.clientEvents, 'conversation.item.create')).toHaveLength(1);
    expect(types.indexOf('conversation.item.retrieve')).toBeLessThan(
      types.indexOf('conversation.item.create'),
    );
    expect(await created).toMatchObject({ id: 'u1', type: 'message' });
    // the drop itself, and nothing of the request
    expect(codes(errors)).toEqual(['SOCKET_CLOSED']);
    expect(mirrorView(session)).toEqual(['u1:message:user']);
    await session.close();
  });

  it('a delete the call’s session applied resolves, and the item leaves the mirror: no error', async () => {
    const { clock, server, session, errors } = await attached(dialect);
    await Promise.all([
      session.conversation.item.create(userMessage('u1', 'hello')),
      clock.advanceAsync(0),
    ]);
    server.faults.closeAt('conversation.item.deleted', { code: 1006 });
    const deleted = outcome(
      session.conversation.item.delete({ itemId: 'u1' }).then(() => 'deleted'),
    );
    await clock.advanceAsync(5_000);
    expect(server.connections).toHaveLength(2);
    expect(server.conversation).toEqual([]);
    expect(ofType(server.clientEvents, 'conversation.item.delete')).toHaveLength(1);
    expect(await deleted).toBe('deleted');
    // the drop itself, and nothing of the request
    expect(codes(errors)).toEqual(['SOCKET_CLOSED']);
    expect(mirrorView(session)).toEqual([]);
    await session.close();
  });

  it('a delete the call’s session never got is sent again after the probe finds the item', async () => {
    const { clock, server, session, errors } = await attached(dialect);
    await Promise.all([
      session.conversation.item.create(userMessage('u1', 'hello')),
      clock.advanceAsync(0),
    ]);
    const deleted = outcome(
      session.conversation.item.delete({ itemId: 'u1' }).then(() => 'deleted'),
    );
    server.close(1006, 'network');
    await clock.advanceAsync(5_000);
    // the fake records what reached it: the delete once, after the probe found the item
    const types = server.clientEvents.map((e) => e['type']);
    expect(ofType(server.clientEvents, 'conversation.item.delete')).toHaveLength(1);
    expect(types.indexOf('conversation.item.retrieve')).toBeLessThan(
      types.indexOf('conversation.item.delete'),
    );
    expect(server.conversation).toEqual([]);
    expect(await deleted).toBe('deleted');
    // the drop itself, and nothing of the request
    expect(codes(errors)).toEqual(['SOCKET_CLOSED']);
    expect(mirrorView(session)).toEqual([]);
    await session.close();
  });

  it('on an ordinary connection the create is sent again unprobed (what a side-band did before)', async () => {
    const { clock, server, session } = await attached(dialect, false);
    server.faults.closeAt('conversation.item.added', { code: 1006 });
    const created = outcome(session.conversation.item.create(userMessage('u1', 'hello')));
    await clock.advanceAsync(5_000);
    expect(ofType(server.clientEvents, 'conversation.item.retrieve')).toHaveLength(0);
    // a fresh server needs it again; this fake kept the conversation, so it refuses the repeat
    expect(ofType(server.clientEvents, 'conversation.item.create')).toHaveLength(2);
    expect(await created).toMatchObject({
      name: 'ServerError',
      message: "Item with id 'u1' already exists.",
    });
    await session.close();
  });
});
