/**
 * A server whose sessions end sooner than the provider's documented limit (the caps moved from
 * 15 to 30 to 60 minutes; a gateway may cut shorter): the rollover follows the `expires_at` of the
 * session the server created, so the call moves to a fresh connection between turns instead of
 * being cut by `session_expired`.
 */
import type { Connector } from '@voxwire/protocol';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { RealtimeModel } from '../src/index.js';
import { DIALECTS, record } from './helpers.js';

const MIN = 60_000;

describe.each(DIALECTS)('rollover by the server’s session.expires_at (%s)', (dialect) => {
  it('a 20-minute server behind a connector that says 60 rolls over at 15 minutes, not expired', async () => {
    const clock = new SimulatedClock({ microtaskRounds: 400 });
    const { connector: fake, server } = createFakeServer({
      dialect,
      clock,
      maxSessionDurationMs: 20 * MIN,
    });
    // the connector reports the provider's documented limit, which this server does not keep
    const connector: Connector = async (attempt) => ({
      ...(await fake(attempt)),
      maxSessionDurationMs: 60 * MIN,
    });
    const model = new RealtimeModel({
      connector,
      clock,
      generateId: createCounterIdGenerator('t'),
      random: () => 0,
      stallTimeoutMs: false,
    });
    const session = model.session({ modalities: ['text'] });
    const events = record(session, ['reconnecting', 'error']);
    await clock.advanceAsync(0);
    await clock.advanceAsync(15 * MIN - 1_000);
    expect(events).toEqual([]);
    await clock.advanceAsync(1_000);
    expect(events[0]).toMatchObject(['reconnecting', { delayMs: 0, cause: { code: 'ROLLOVER' } }]);
    await clock.advanceAsync(0);
    expect(session.stats.rollovers).toBe(1);
    // the fresh session is planned by its own expires_at: the next one at 30 minutes
    await clock.advanceAsync(15 * MIN);
    expect(session.stats.rollovers).toBe(2);
    expect(events.filter((e) => e[0] === 'error')).toEqual([]);
    expect(server.connections).toHaveLength(3);
    await session.close();
  });
});
