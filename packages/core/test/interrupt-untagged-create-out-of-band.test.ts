/**
 * `interrupt()` with push-to-talk and an untagged conversation create (its metadata held the
 * API's 16 pairs) not started yet, while a tagged out-of-band request (a topic label) was sent
 * too. The label's `response.created` echoes the label's own tag: it is known not to answer the
 * untagged create, so it is not the response cancelled for the barge-in, nor the one that lets
 * later creates go; the conversation's answer, which starts after it, is.
 */
import { describe, expect, it } from 'vitest';
import { SAID, sent, errors } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

// no room for the engine's tag: the create goes untagged
const FULL = {
  response: {
    metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`])),
  },
};

describe.each(DIALECTS)(
  'interrupt(), an untagged create and a tagged out-of-band one (%s)',
  (dialect) => {
    it('the out-of-band response that starts first is left alone; the answer is cancelled', async () => {
      const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
      const session = await openSession(s, { turnDetection: null });
      const seen = errors(session);
      s.server.queueResponse((ctx) => ctx.text('a topic label'));
      s.server.queueResponse((ctx) => ctx.say(SAID));
      s.server.faults.stallAt('response.created');
      const label = session.response.generate({ response: { conversation: 'none' } });
      void session.response.create(FULL);
      await s.settle();
      expect(sent(s, 'response.create')).toHaveLength(2);
      const [result] = await Promise.all([session.interrupt(), s.settle()]);
      expect(result.cancelledResponseId).toBeUndefined();
      s.server.faults.release();
      await s.settle();
      await s.clock.advanceAsync(5000);
      const labelled = await label;
      const answer = session.responses.find((r) => r.id !== labelled.id)!;
      expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: answer.id }]);
      expect(answer.status).toBe('cancelled');
      expect(labelled.status).toBe('completed');
      expect(seen).toEqual([]);
      await session.close();
    });
  },
);
