import { describe, expect, it } from 'vitest';
import { audioFrame } from '@voxwire/protocol';
import type { ReconnectedEvent } from '../src/index.js';
import { openSession, setup } from './helpers.js';

const ZERO = () => 0;

describe('the ids restores left out', () => {
  // A session open all day (a phone line) goes through a restore every rollover; each item a
  // restore cannot make again is remembered for the requests still naming it. Only the newest
  // are: before, every id ever left out was kept, and copied again by each restore.
  it('are remembered up to 4,096, however many restores leave out', async () => {
    // no sent samples kept: each audio item the app created is left out of the next restore
    const s = setup('ga', { random: ZERO, keepSentAudioMs: 0 });
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    const perRestore = 700;
    for (let round = 0; round < 7; round++) {
      const creates: Promise<unknown>[] = [];
      for (let i = 0; i < perRestore; i++)
        creates.push(
          session.conversation.item.create({
            role: 'user',
            content: audioFrame(new Int16Array(240)),
          }),
        );
      await Promise.all([...creates, s.settle()]);
      s.server.close(1006, '');
      // drops in quick succession back off longer each time
      await s.clock.advanceAsync(60_000);
      expect(reconnected).toHaveLength(round + 1);
      expect(reconnected.at(-1)).toMatchObject({ skippedItems: perRestore });
      expect(session.stats.leftOutIds).toBe(Math.min((round + 1) * perRestore, 4096));
    }
    expect(reconnected).toHaveLength(7);
    await session.close();
  }, 60_000);
});
