/**
 * A server error no retry can fix (`FATAL_ERROR_CODES`) ends the session, as LiveKit's does
 * (agents-js#2031's test: an `insufficient_quota` answer to `response.create` on a socket that
 * stays open, one connection, no reconnect loop). A server that closes right after it keeps
 * its close's own classification. Deterministic: the in-memory fake and the simulated clock.
 */
import { describe, expect, it } from 'vitest';
import type { ServerError, SessionError } from '../src/errors.js';
import { FATAL_ERROR_CLOSE_GRACE_MS } from '../src/fatal-server-error.js';
import { DIALECTS, openSession, outcome, setup } from './helpers.js';

const QUOTA = {
  type: 'insufficient_quota',
  code: 'insufficient_quota',
  message: 'You exceeded your current quota, please check your plan and billing details.',
  param: null,
};

describe.each(DIALECTS)('a fatal server error (%s)', (dialect) => {
  it('on a socket the server keeps open: the request rejects, then the session ends with FATAL_SERVER_ERROR, no reconnect', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    const closed: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    session.on('closed', (e) => closed.push(e.error));
    s.server.faults.refuse('response.create', { error: QUOTA });
    const first = outcome(session.response.generate());
    await s.settle();
    expect(first.error).toMatchObject({ name: 'ServerError', code: 'insufficient_quota' });
    expect(closed).toEqual([]);
    await s.clock.advanceAsync(FATAL_ERROR_CLOSE_GRACE_MS);
    expect(closed).toEqual([
      expect.objectContaining({
        code: 'FATAL_SERVER_ERROR',
        data: { code: 'insufficient_quota', param: null },
        cause: expect.objectContaining({ code: 'insufficient_quota' }),
      }),
    ]);
    expect(errors.map((e) => e.code)).toEqual(['insufficient_quota', 'FATAL_SERVER_ERROR']);
    // one connection: nothing retried
    await s.clock.advanceAsync(60_000);
    expect(s.server.connections).toHaveLength(1);
    // a later call says why
    await expect(session.response.generate()).rejects.toMatchObject({
      code: 'SESSION_CLOSED',
      cause: expect.objectContaining({ code: 'FATAL_SERVER_ERROR' }),
    });
  });

  it("a server that closes right after it keeps its close's classification (close 3000: AUTH_FAILED)", async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { modalities: ['text'] });
    const closed: unknown[] = [];
    session.on('error', () => undefined);
    session.on('closed', (e) => closed.push(e.error));
    s.server.emit({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided',
        param: null,
      },
    } as never);
    s.server.close(3000, 'invalid_request_error.invalid_api_key');
    await s.settle();
    await s.clock.advanceAsync(FATAL_ERROR_CLOSE_GRACE_MS * 2);
    expect(closed).toEqual([expect.objectContaining({ code: 'AUTH_FAILED' })]);
    expect(s.server.connections).toHaveLength(1);
  });

  it('an ordinary server error leaves the session running, and a session closed first leaves no timer', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    s.server.faults.refuse('response.create');
    const r = outcome(session.response.generate());
    await s.settle();
    expect((r.error as ServerError).code).toBeNull();
    await s.clock.advanceAsync(FATAL_ERROR_CLOSE_GRACE_MS * 2);
    expect(session.connectionState.status).toBe('open');
    // a fatal one, then the app's own close within the grace: the timer goes with it
    s.server.faults.refuse('response.create', { error: QUOTA, occurrence: 2 });
    void session.response.generate().catch(() => undefined);
    await s.settle();
    await session.close();
    expect(s.clock.pendingTimers).toBe(0);
  });
});
