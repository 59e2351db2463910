/**
 * The README's recipe for GA session fields that have no option of their own (`truncation`,
 * `include`, `prompt`, …): a feature that adds them to every `session.update`. They must reach
 * the server at the start, with every later update, and in the restore after a drop.
 */
import { describe, expect, it } from 'vitest';
import type { SessionFeatureFactory } from '../src/index.js';
import { openSession, setup } from './helpers.js';

// as written in the README ("Extending")
const gaExtras: SessionFeatureFactory = () => ({
  name: 'ga-extras',
  contributeSessionUpdate: (session) => ({
    ...session,
    truncation: { type: 'retention_ratio', retention_ratio: 0.8 },
    include: ['item.input_audio_transcription.logprobs'],
  }),
});

describe('GA session fields without an option, through a feature', () => {
  it('reach the server with the first update, every later one and the restore', async () => {
    const s = setup('ga', { features: [gaExtras], random: () => 0 });
    const session = await openSession(s);
    const updates = () =>
      s.server.clientEvents
        .filter((e) => e['type'] === 'session.update')
        .map((e) => e['session'] as Record<string, unknown>);
    const expected = {
      truncation: { type: 'retention_ratio', retention_ratio: 0.8 },
      include: ['item.input_audio_transcription.logprobs'],
    };
    expect(s.server.sessionConfig).toMatchObject(expected);

    await session.sessionUpdate({ instructions: 'Be brief.' });
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(10_000);
    expect(session.connectionState.status).toBe('open');
    // the fresh server got them from the restore
    expect(s.server.sessionConfig).toMatchObject({ ...expected, instructions: 'Be brief.' });
    expect(updates()).toHaveLength(3);
    for (const update of updates()) expect(update).toMatchObject(expected);
    await session.close();
  });
});
