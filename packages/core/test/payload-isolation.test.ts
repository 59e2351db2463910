/**
 * What the session hands the app (event payloads, getters, resolved values) is the app's: an app
 * that edits it, to build the next configuration say, changes nothing the engine keeps or sends.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, openSession, setup } from './helpers.js';

/** The instructions of the last `session.update` the server received. */
function lastInstructions(s: ReturnType<typeof setup>): unknown {
  const updates = s.server.clientEvents.filter((e) => e.type === 'session.update');
  return (updates.at(-1) as { session?: { instructions?: unknown } }).session?.instructions;
}

describe.each(DIALECTS)('session options handed to the app (%s)', (dialect) => {
  it('editing the session_updated payload, session.options or the sessionUpdate result does not change the session', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { instructions: 'Be brief.' });
    session.on('session_updated', (options) => {
      options.instructions = 'edited in session_updated';
      options.modalities.push('text');
    });
    const confirmed = await Promise.all([session.sessionUpdate({ voice: 'echo' }), s.settle()]);
    confirmed[0].instructions = 'edited result';
    session.options.instructions = 'edited getter';
    if (session.options.turnDetection?.type === 'server_vad')
      session.options.turnDetection.threshold = 0.99;
    expect(session.options.instructions).toBe('Be brief.');
    expect(session.options.modalities).toEqual(['text', 'audio']);
    expect(session.options.turnDetection).toMatchObject({ threshold: 0.5 });
    // the restore after a drop configures the fresh server as the old one was
    s.server.close(1006, 'drop');
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    expect(lastInstructions(s)).toBe('Be brief.');
    expect(s.server.sessionConfig).toMatchObject({ instructions: 'Be brief.' });
    await session.close();
  });
});
