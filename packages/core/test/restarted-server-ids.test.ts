/**
 * A reconnect that reaches a server which hands out the previous connection's ids again (the
 * fake server's CLI restarted during the outage: its counters start over). The real API's ids
 * are unique, but a server's ids belong to its session: nothing the engine remembers of an
 * earlier connection may capture, drop or silence the new connection's events.
 */
import { describe, expect, it } from 'vitest';
import type { SessionError } from '../src/errors.js';
import type { RealtimeSession } from '../src/session.js';
import { DIALECTS, openSession, outcome, type Setup } from './helpers.js';
import { restartable } from './restartable-server.js';

// never awaits the engine (a request it loses must fail the test, not hang it)
async function answer(s: Setup, session: RealtimeSession, user: string, said: string) {
  const item = outcome(session.conversation.item.create({ role: 'user', content: user }));
  s.server.queueResponse((ctx) => ctx.say(said));
  void session.response.create();
  await s.settle();
  expect([item.done, item.error]).toEqual([true, undefined]);
}

describe.each(DIALECTS)('a reconnect to a server that re-uses ids (%s)', (dialect) => {
  it("the new connection's events are not dropped as duplicates of the old one's: its response streams and its session.update is acknowledged", async () => {
    const { s, restart } = restartable(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    await answer(s, session, 'one', 'first answer');
    await answer(s, session, 'two', 'second answer');
    const old = session.responses.map((r) => r.id);
    expect(old).toHaveLength(2);

    await restart();
    expect(session.connectionState.status).toBe('open');
    expect(session.chatCtxCopy().items).toHaveLength(4);

    const done = outcome(new Promise((resolve) => session.once('response_done', resolve)));
    await answer(s, session, 'three', 'third answer');
    const third = session.responses.at(-1)!;
    // the fake's counter started over: the new response carries an id of the old connection's
    expect(third.id).toBe(old[0]);
    expect(done.done).toBe(true);
    expect(third).toMatchObject({ status: 'completed', text: 'third answer' });

    const update = outcome(session.sessionUpdate({ instructions: 'Be brief.' }));
    await s.settle();
    expect([update.done, update.error]).toEqual([true, undefined]);
    expect(session.stats.duplicateEvents).toBe(0);
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('a frame delivered twice on the new connection is still applied once', async () => {
    const { s, restart } = restartable(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    await answer(s, session, 'one', 'first answer');
    await restart();
    s.server.faults.duplicate('response.output_text.delta').duplicate('response.done');
    const done: unknown[] = [];
    session.on('response_done', (r) => done.push(r));
    await answer(s, session, 'two', 'once only');
    expect(done).toHaveLength(1);
    expect(session.responses.at(-1)?.text).toBe('once only');
    expect(session.stats.duplicateEvents).toBe(2);
    await session.close();
  });
});
