/**
 * `interrupt()` during an outage that took the app's create unanswered: the create was asked for
 * before the barge-in and is not written yet, so it is not sent again at all (its `create()`
 * resolved when it was first sent), rather than sent and its response cancelled on start.
 */
import { describe, expect, it } from 'vitest';
import { SAID, sent } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('interrupt() during the outage that took a create (%s)', (dialect) => {
  it('the create is not sent again after the restore', async () => {
    const s = setup(dialect, {
      random: () => 0,
      reconnect: { backoff: () => 1000 },
      stallTimeoutMs: false,
    });
    const session = await openSession(s);
    s.server.queueResponse(
      (ctx) => ctx.say(SAID),
      (ctx) => ctx.say(SAID),
    );
    // the connection drops before the create's response.created arrives
    s.server.faults.closeAt('response.created', { code: 1006 });
    const interrupting = new Promise((resolve) =>
      session.once('disconnected', () => {
        s.server.faults.clear();
        // the barge-in comes while the session is reconnecting
        resolve(session.interrupt());
      }),
    );
    const asked = session.response.create();
    await s.settle();
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    await interrupting;
    await s.settle();
    await expect(asked).resolves.toBe(true);
    expect(
      s.server.connections[1]?.clientEvents.filter((e) => e['type'] === 'response.create'),
    ).toEqual([]);
    expect(sent(s, 'response.cancel')).toEqual([]);
    // nothing asked for before the barge-in is answered after the restore
    expect(session.responses.every((r) => r.status !== 'completed')).toBe(true);
    await session.close();
  });
  it('interrupt() first, then a drop: the create held to be cancelled is not sent again', async () => {
    const s = setup(dialect, {
      random: () => 0,
      reconnect: { backoff: () => 1000 },
      stallTimeoutMs: false,
    });
    const session = await openSession(s, { turnDetection: null });
    s.server.queueResponse(
      (ctx) => ctx.say(SAID),
      (ctx) => ctx.say(SAID),
    );
    // the create is on its way, its response.created held back, when the user barges in; the
    // connection drops where the response.created would have come
    s.server.faults.delay('response.created', 500).closeAt('response.created', { code: 1006 });
    const asked = session.response.create();
    await s.settle();
    await session.interrupt();
    // the connection drops before the response starts
    session.once('disconnected', () => s.server.faults.clear());
    await s.clock.advanceAsync(500);
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    await expect(asked).resolves.toBe(true);
    // not asked for again: its answer would only be cancelled, and a new create wait for it
    expect(
      s.server.connections[1]?.clientEvents.filter((e) => e['type'] === 'response.create'),
    ).toEqual([]);
    // the user's new turn goes out at once and is answered
    await session.response.create();
    await s.settle();
    expect(session.responses.at(-1)?.status).toBe('completed');
    await session.close();
  });
});
