/**
 * A sessionUpdate() the app makes while the connection is down travels in the restore's full
 * `session.update`. If the fresh server refuses it, it refuses the whole configuration: the new
 * server would run its own defaults (no instructions, no tools…) while the session believes it
 * is configured. The update rejects (as any refused one), and the session configures the fresh
 * server with what the old one had confirmed.
 */
import { describe, expect, it } from 'vitest';
import { ServerError } from '../src/errors.js';
import { DIALECTS, openSession, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('a refused restore session.update (%s)', (dialect) => {
  it('the update made during the outage rejects; the fresh server gets the confirmed configuration', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { instructions: 'Be brief.', voice: 'verse' });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.close(1006, 'network drop');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    // within what the client checks, beyond what the server takes (≤ 10000)
    const update = outcome(
      session.sessionUpdate({ turnDetection: { type: 'server_vad', silenceDurationMs: 20_000 } }),
    );
    await s.clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(update.error).toBeInstanceOf(ServerError);
    // the fresh server runs the configuration the old one had, not its defaults
    expect(s.server.sessionConfig?.['instructions']).toBe('Be brief.');
    expect(session.options.instructions).toBe('Be brief.');
    expect(session.options.turnDetection).toMatchObject({ silenceDurationMs: 500 });
    await session.close();
  });

  it('an update written just before the drop, refused by the fresh server: the same', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { instructions: 'Be brief.' });
    session.on('error', () => undefined);
    const update = outcome(
      session.sessionUpdate({ turnDetection: { type: 'server_vad', silenceDurationMs: 20_000 } }),
    );
    // written; the connection drops before the old server's answer comes back
    s.server.faults.closeAt('error', { when: 'before', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    await s.clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(s.server.connections).toHaveLength(2);
    expect(update.error).toBeInstanceOf(ServerError);
    expect(s.server.sessionConfig?.['instructions']).toBe('Be brief.');
    expect(session.options.turnDetection).toMatchObject({ silenceDurationMs: 500 });
    expect(session.stats.pendingRequests).toBe(0);
    await session.close();
  });
});
