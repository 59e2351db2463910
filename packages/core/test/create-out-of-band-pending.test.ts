/**
 * An out-of-band `response.create` (`conversation: 'none'`) runs beside the conversation's
 * response: written while the conversation's create still waits for its `response.created`, it
 * must not take that create's place (the one a drop sends again). Fake server, simulated clock; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, openSession, outcome, setup, createsOn } from './helpers.js';

describe.each(DIALECTS)('an out-of-band create beside a pending one (%s)', (dialect) => {
  it('a drop before either started sends the conversation’s create again', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    s.server.queueResponse(
      (ctx) => ctx.text('lost'),
      (ctx) => ctx.text('lost too'),
      (ctx) => ctx.text('the answer'),
    );
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    // both creates reach the server; the connection drops before any response.created
    s.server.faults.delay('response.created', 50).closeAt('response.created', { code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    const answer = outcome(session.response.create());
    const label = outcome(
      session.response.create({
        response: { conversation: 'none', instructions: 'Label the topic.' },
      }),
    );
    await s.settle();
    expect(createsOn(s, 0)).toHaveLength(2);
    await s.clock.advanceAsync(1_000);
    await s.settle();
    expect(s.server.connections).toHaveLength(2);
    expect(answer.value).toBe(true);
    expect(label.value).toBe(true);
    // the conversation's answer is asked for again (the user is waiting for it)
    const again = createsOn(s, 1);
    expect(again.filter((r) => r['conversation'] !== 'none')).toHaveLength(1);
    // and the out-of-band one too, as it was before
    expect(again.filter((r) => r['conversation'] === 'none')).toHaveLength(1);
    expect(session.responses.some((r) => r.text === 'the answer')).toBe(true);
    await session.close();
  });
});
