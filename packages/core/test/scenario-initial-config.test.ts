/**
 * A session whose very first `session.update` the server refuses: the server keeps its own
 * defaults (another audio format, no tools, other turn detection…), which is not the session the
 * app asked for. It must not run on as if configured, nor hang: it ends with a typed error.
 */
import { describe, expect, it } from 'vitest';
import { ServerError, VoxwireError } from '../src/errors.js';
import { DIALECTS, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('a refused initial session.update (%s)', (dialect) => {
  it('closes the session with SESSION_CONFIG_REFUSED (the server error as cause); every pending promise settles with it', async () => {
    const s = setup(dialect);
    // within what the client checks, beyond what the server takes (silence_duration_ms ≤ 10000)
    const session = s.model.session({
      turnDetection: { type: 'server_vad', silenceDurationMs: 20_000 },
    });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const closed: unknown[] = [];
    session.on('closed', (e) => closed.push(e.error));
    const started: unknown[] = [];
    session.on('response_created', (r) => started.push(r));
    // the app asks for an answer at once, as a phone bridge greeting the caller would
    const generated = outcome(session.response.generate());
    const created = outcome(session.conversation.item.create({ role: 'user', content: 'Hi' }));
    await s.clock.advanceAsync(100);
    expect(session.connectionState.status).toBe('closed');
    const error = closed[0] as VoxwireError;
    expect(error).toBeInstanceOf(VoxwireError);
    expect(error.code).toBe('SESSION_CONFIG_REFUSED');
    expect(error.cause).toBeInstanceOf(ServerError);
    expect(error.data).toMatchObject({
      code: 'integer_above_max_value',
      param: expect.stringContaining('silence_duration_ms'),
    });
    // the server's error and then the session's end, each reported once
    expect(errors.filter((e) => e instanceof ServerError)).toHaveLength(1);
    expect(errors.filter((e) => e === error)).toHaveLength(1);
    expect(generated.error).toBe(error);
    expect(created.error).toBe(error);
    // the server's refusal came before anything it did with its own defaults: no response of a
    // configuration the app did not get reached the app
    expect(started).toHaveLength(0);
    await session.close();
  });

  it('a later refused update does not close the session (it falls back to the confirmed state)', async () => {
    const s = setup(dialect);
    const session = s.model.session();
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    await s.settle();
    const refused = outcome(
      session.sessionUpdate({ turnDetection: { type: 'server_vad', silenceDurationMs: 20_000 } }),
    );
    await s.settle();
    expect(refused.error).toBeInstanceOf(ServerError);
    expect(session.connectionState.status).toBe('open');
    expect(session.options.turnDetection).toMatchObject({ silenceDurationMs: 500 });
    await session.close();
  });

  it('an initial update nobody ever answers is reported as TIMEOUT (not swallowed); the session goes on', async () => {
    const s = setup(dialect);
    s.server.faults.drop('session.updated');
    const session = s.model.session();
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    await s.clock.advanceAsync(9_999);
    expect(errors).toHaveLength(0);
    await s.clock.advanceAsync(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'TIMEOUT', data: { operation: 'session.update' } });
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });

  it("a restore's update nobody answers is reported as TIMEOUT too (not swallowed); the session goes on", async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = s.model.session();
    await s.settle();
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    // the fresh connection never echoes the restore's session.update (added once the old one is
    // gone: it already sent its session.updated, and occurrences count per connection)
    session.once('disconnected', () => s.server.faults.drop('session.updated'));
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(1_000);
    expect(session.connectionState.status).toBe('open');
    const before = errors.length;
    await s.clock.advanceAsync(10_000);
    const timeouts = errors.slice(before).filter((e) => (e as VoxwireError).code === 'TIMEOUT');
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toMatchObject({ data: { operation: 'session.update' } });
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });
});
