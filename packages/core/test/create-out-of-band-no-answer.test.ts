/**
 * An out-of-band request (`conversation: 'none'`) whose `response.created` never comes is bounded
 * by `requestTimeoutMs` of connected time, as a conversation create is: `generate()` rejects with
 * `TIMEOUT`, and the create is given up, so a drop long after does not ask for it again. Fake
 * server, simulated clock; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { VoxwireError } from '../src/errors.js';
import { DIALECTS, createsOn, openSession, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('an out-of-band request never answered (%s)', (dialect) => {
  it('generate() rejects with TIMEOUT after requestTimeoutMs, and a later drop sends neither again', async () => {
    const s = setup(dialect, { random: () => 0, requestTimeoutMs: 1000, stallTimeoutMs: false });
    s.server.queueResponse(
      (ctx) => ctx.text('never seen'),
      (ctx) => ctx.text('never seen'),
    );
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    s.server.faults.drop('response.created').drop('response.created', { occurrence: 2 });
    const label = outcome(session.response.generate({ response: { conversation: 'none' } }));
    const plain = outcome(session.response.create({ response: { conversation: 'none' } }));
    await s.settle();
    expect(createsOn(s, 0)).toHaveLength(2);
    expect(plain.value).toBe(true);
    await s.clock.advanceAsync(999);
    expect(label.done).toBe(false);
    await s.clock.advanceAsync(1);
    expect(label.error).toBeInstanceOf(VoxwireError);
    expect((label.error as VoxwireError).code).toBe('TIMEOUT');
    // given up, as a conversation create is at its bound: a drop minutes later does not ask for
    // either again (a label nobody waits for, one a rejected generate() asked for)
    await s.clock.advanceAsync(60_000);
    s.server.faults.clear();
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(5_000);
    expect(s.server.connections).toHaveLength(2);
    expect(session.connectionState.status).toBe('open');
    expect(createsOn(s, 1)).toEqual([]);
    await session.close();
  });
});
