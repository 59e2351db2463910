/**
 * A rollover that came due while the session was busy keeps a recheck timer armed: closing the
 * session then must leave no timer behind (a process waiting for its timers to end would hang).
 */
import { describe, expect, it } from 'vitest';
import { ROLLOVER_RECHECK_MS } from '../src/reconnect/rollover.js';
import { DIALECTS, openSession, setup } from './helpers.js';

const MIN = 60_000;

describe.each(DIALECTS)('rollover due at a busy moment, then close (%s)', (dialect) => {
  it('close() leaves no timer pending', async () => {
    const s = setup(
      dialect,
      { random: () => 0, stallTimeoutMs: false, reconnect: { rolloverMarginMs: MIN } },
      { maxSessionDurationMs: 10 * MIN },
    );
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', createResponse: false },
    });
    await s.clock.advanceAsync(8 * MIN);
    // the user speaks across the rollover's time: busy
    s.server.connections[0]!.emit({
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: 0,
      item_id: 'item_speech',
    });
    await s.clock.advanceAsync(MIN + 3 * ROLLOVER_RECHECK_MS + 10);
    expect(session.stats.rollovers).toBe(0);
    expect(s.server.connections).toHaveLength(1);
    expect(s.clock.pendingTimers).toBeGreaterThan(0);
    await session.close();
    await s.settle();
    expect(s.clock.pendingTimers).toBe(0);
  });
});
