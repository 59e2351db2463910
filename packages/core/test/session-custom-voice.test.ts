/**
 * GA custom voices (`{ id: 'voice_…' }`, protocol.md §2 "voices"): sent as the object, kept as
 * the object through the server's echo, and refused with ENCODE_FAILED on a beta server, which
 * has no form for them.
 */
import { describe, expect, it } from 'vitest';
import { VoxwireError } from '../src/errors.js';
import { openSession, outcome, setup } from './helpers.js';

const sentVoice = (s: ReturnType<typeof setup>): unknown => {
  const update = s.server.clientEvents.filter((e) => e['type'] === 'session.update').at(-1)!;
  return (update['session'] as Record<string, any>)['audio']['output']['voice'];
};

describe('custom voices', () => {
  it('GA: a custom voice is sent as { id } and session.options keeps it through the echo', async () => {
    const s = setup('ga');
    const session = await openSession(s, { voice: { id: 'voice_123' } });
    expect(sentVoice(s)).toEqual({ id: 'voice_123' });
    expect(s.server.sessionConfig?.['audio']).toMatchObject({
      output: { voice: { id: 'voice_123' } },
    });
    expect(session.options.voice).toEqual({ id: 'voice_123' });
    // a later update sends it back as the object it is, not as a voice name
    const update = outcome(session.sessionUpdate({ instructions: 'Be brief.' }));
    await s.settle();
    expect(update.error).toBeUndefined();
    expect(sentVoice(s)).toEqual({ id: 'voice_123' });
    // and a named voice replaces it
    const named = outcome(session.sessionUpdate({ voice: 'marin' }));
    await s.settle();
    expect(named.error).toBeUndefined();
    expect(session.options.voice).toBe('marin');
    await session.close();
  });

  it('a custom voice without an id is INVALID_ARGUMENT', () => {
    const s = setup('ga');
    for (const voice of [{ id: '' }, { name: 'x' }, 42]) {
      expect(() => s.model.session({ voice: voice as never })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'voice' } }),
      );
    }
  });

  it('beta: sessionUpdate with a custom voice rejects with ENCODE_FAILED, and the session keeps its voice', async () => {
    const s = setup('beta');
    const session = await openSession(s, { voice: 'ash' });
    const before = s.server.clientEvents.length;
    const update = outcome(session.sessionUpdate({ voice: { id: 'voice_123' } }));
    await s.settle();
    expect(update.error).toBeInstanceOf(VoxwireError);
    expect((update.error as VoxwireError).code).toBe('ENCODE_FAILED');
    expect(s.server.clientEvents.length).toBe(before);
    expect(session.options.voice).toBe('ash');
    // the next update is sendable: the unsendable voice did not stay in the options
    const later = outcome(session.sessionUpdate({ instructions: 'Be brief.' }));
    await s.settle();
    expect(later.error).toBeUndefined();
    expect(s.server.sessionConfig?.['instructions']).toBe('Be brief.');
    await session.close();
  });

  it('beta: a first configuration that cannot be written closes the session, as a refused one does', async () => {
    const s = setup('beta');
    const session = s.model.session({ voice: { id: 'voice_123' } });
    const closed: unknown[] = [];
    session.on('closed', (e) => closed.push(e.error));
    session.on('error', () => undefined);
    await s.clock.advanceAsync(100);
    expect(session.connectionState.status).toBe('closed');
    expect(closed[0]).toMatchObject({ code: 'ENCODE_FAILED' });
    expect(s.server.clientEvents.filter((e) => e['type'] === 'session.update')).toHaveLength(0);
  });
});
