/**
 * `interrupt()` during an outage that took the app's create unanswered: the create was asked for
 * before the barge-in and is sent again after the restore, so its response is cancelled the
 * moment it starts, as it is when the barge-in comes before the drop.
 */
import { describe, expect, it } from 'vitest';
import { SAID, sent } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('interrupt() during the outage that took a create (%s)', (dialect) => {
  it('the create sent again after the restore has its response cancelled when it starts', async () => {
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
    void session.response.create();
    await s.settle();
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    await interrupting;
    await s.settle();
    // sent again after the restore, with its tag
    expect(
      s.server.connections[1]?.clientEvents.filter((e) => e['type'] === 'response.create'),
    ).toHaveLength(1);
    const stale = session.responses.at(-1)!;
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: stale.id }]);
    expect(stale.status).toBe('cancelled');
    await session.close();
  });
});
