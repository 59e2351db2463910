/**
 * Session options against the fake server, which answers each session.update with the full
 * effective session: validation before anything is sent, the documented defaults being what the
 * server applies, partial updates, and `session.options` following the server's echo.
 */
import { describe, expect, it } from 'vitest';
import type { SessionOptionsInput } from '../src/options.js';
import { DIALECTS, openSession, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('session options (%s)', (dialect) => {
  // values the API refuses (protocol.md §7.11, Appendix C): a refused first session.update
  // closes the session, so these must be refused locally, naming the option
  const refusedByTheApi: [string, SessionOptionsInput][] = [
    [
      'turnDetection.idleTimeoutMs',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 1_000 } },
    ],
    [
      'turnDetection.idleTimeoutMs',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 60_000 } },
    ],
    [
      'turnDetection.idleTimeoutMs',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 5_000.5 } },
    ],
    [
      'turnDetection.prefixPaddingMs',
      { turnDetection: { type: 'server_vad', prefixPaddingMs: 300.5 } },
    ],
    [
      'turnDetection.silenceDurationMs',
      { turnDetection: { type: 'server_vad', silenceDurationMs: 99.9 } },
    ],
    ['temperature', { temperature: 0.3 }],
    ['temperature', { temperature: 1.5 }],
  ];
  it.each(refusedByTheApi)(
    'a value the API refuses (%s) is INVALID_ARGUMENT before anything is sent',
    async (argument, bad) => {
      const s = setup(dialect);
      expect(() => s.model.session(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument } }),
      );
      const session = await openSession(s);
      const before = s.server.clientEvents.length;
      const update = outcome(session.sessionUpdate(bad));
      await s.settle();
      expect(update.error).toMatchObject({ code: 'INVALID_ARGUMENT', data: { argument } });
      expect(s.server.clientEvents.length).toBe(before);
      expect(session.connectionState.status).toBe('open');
      await session.close();
    },
  );

  it('the limits themselves are taken, and idleTimeoutMs null turns the idle timeout off', async () => {
    const s = setup(dialect);
    const session = await openSession(s, {
      temperature: 0.6,
      turnDetection: { type: 'server_vad', idleTimeoutMs: 30_000 },
    });
    expect(session.options.turnDetection).toMatchObject({ idleTimeoutMs: 30_000 });
    const update = outcome(
      session.sessionUpdate({
        temperature: 1.2,
        turnDetection: { type: 'server_vad', idleTimeoutMs: null },
      }),
    );
    await s.settle();
    expect(update.error).toBeUndefined();
    expect(session.options.turnDetection).toMatchObject({ idleTimeoutMs: null });
    await session.close();
  });
});
