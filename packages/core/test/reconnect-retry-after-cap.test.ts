/**
 * A `Retry-After` longer than `reconnect.maxRetryAfterMs` (60 s by default): a live call cannot
 * hold its caller for the hour a gateway may ask, so the session ends at once with
 * `RECONNECT_FAILED` naming the wait asked for, instead of sitting in `reconnecting`; one within
 * the bound is waited for as before. Simulated clock; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { createFakeServer } from '@voxwire/testing';
import type { Connector } from '../src/index.js';
import { VoxwireError } from '../src/errors.js';
import { resolveReconnect } from '../src/reconnect/policy.js';
import { DIALECTS, record, setup } from './helpers.js';

/** A connector refused once with HTTP 429 and `retryAfterMs`, then connecting to the fake. */
function throttledOnce(dialect: (typeof DIALECTS)[number], retryAfterMs: number) {
  const inner = setup(dialect).server;
  const base = createFakeServer({ server: inner, dialect }).connector;
  let calls = 0;
  const connector: Connector = async (a) => {
    calls++;
    if (calls === 1)
      throw Object.assign(new Error('HTTP 429'), {
        code: 'CONNECT_FAILED',
        httpStatus: 429,
        retryAfterMs,
        fatal: false,
      });
    return base(a);
  };
  return { connector, calls: () => calls };
}

describe.each(DIALECTS)('reconnect.maxRetryAfterMs (%s)', (dialect) => {
  it('a Retry-After of an hour ends the session at once with RECONNECT_FAILED', async () => {
    const { connector, calls } = throttledOnce(dialect, 3_600_000);
    const s = setup(dialect, { connector, random: () => 0 });
    const session = s.model.session();
    const seen = record(session, ['reconnecting', 'closed']);
    await s.settle();
    expect(seen).toHaveLength(1);
    const [name, payload] = seen[0]!;
    expect(name).toBe('closed');
    const error = (payload as { error: VoxwireError }).error;
    expect(error).toBeInstanceOf(VoxwireError);
    expect(error.code).toBe('RECONNECT_FAILED');
    expect(error.data).toMatchObject({ retryAfterMs: 3_600_000, lastCode: 'CONNECT_FAILED' });
    expect(error.message).toContain('3600 s');
    expect(calls()).toBe(1);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it('a Retry-After at the bound (60 s) is waited for', async () => {
    const { connector, calls } = throttledOnce(dialect, 60_000);
    const s = setup(dialect, { connector, random: () => 0 });
    const session = s.model.session();
    const delays: number[] = [];
    session.on('reconnecting', (e) => delays.push(e.delayMs));
    await s.settle();
    expect(delays).toEqual([60_000]);
    await s.clock.advanceAsync(60_000);
    expect(session.connectionState.status).toBe('open');
    expect(calls()).toBe(2);
    await session.close();
  });

  it('maxRetryAfterMs raises the bound', async () => {
    const { connector } = throttledOnce(dialect, 3_600_000);
    const s = setup(dialect, {
      connector,
      random: () => 0,
      reconnect: { maxRetryAfterMs: 4_000_000 },
    });
    const session = s.model.session();
    const delays: number[] = [];
    session.on('reconnecting', (e) => delays.push(e.delayMs));
    await s.settle();
    expect(delays).toEqual([3_600_000]);
    await session.close();
  });
});

describe('reconnect.maxRetryAfterMs validation', () => {
  it.each([-1, Number.NaN, '60000'])('%s is INVALID_ARGUMENT', (value) => {
    expect(() => resolveReconnect({ maxRetryAfterMs: value as never })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'reconnect.maxRetryAfterMs' },
      }),
    );
  });

  it('defaults to 60 s', () => {
    expect(resolveReconnect(undefined).maxRetryAfterMs).toBe(60_000);
  });
});
