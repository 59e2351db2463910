/**
 * `interrupt()` with no response in progress and an untagged `session.response.create()` sent
 * but not started yet: one whose metadata already held the API's 16 pairs, leaving no room for
 * the tag every other create gets. With turn detection that cannot start a response
 * (push-to-talk: `turnDetection: null`, or VAD with `createResponse: false`) the next
 * `response.created` can only be that create's: it is cancelled the moment it starts, as a
 * tagged one is, instead of speaking over the user's new turn. With VAD that answers turns it
 * may be VAD's answer to the new turn, and is left alone.
 */
import { describe, expect, it } from 'vitest';
import type { SessionOptionsInput } from '../src/index.js';
import { SAID, sent, errors } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

// no room for the engine's tag: the create goes untagged
const FULL = {
  response: {
    metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`])),
  },
};

const NO_AUTO_ANSWER: [string, SessionOptionsInput['turnDetection']][] = [
  ['turn detection off', null],
  ['server VAD that does not answer', { type: 'server_vad', createResponse: false }],
  ['semantic VAD that does not answer', { type: 'semantic_vad', createResponse: false }],
];

describe.each(DIALECTS)('interrupt() and an untagged create not started yet (%s)', (dialect) => {
  it.each(NO_AUTO_ANSWER)(
    '%s: its response is cancelled the moment it starts',
    async (_, turnDetection) => {
      const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
      const session = await openSession(s, { turnDetection });
      const seen = errors(session);
      s.server.queueResponse((ctx) => ctx.say(SAID));
      s.server.faults.stallAt('response.created');
      void session.response.create(FULL);
      await s.settle();
      expect(sent(s, 'response.create')).toHaveLength(1);
      const [result] = await Promise.all([session.interrupt(), s.settle()]);
      expect(result.cancelledResponseId).toBeUndefined();
      s.server.faults.release();
      await s.settle();
      await s.clock.advanceAsync(1000);
      const started = session.responses.at(-1)!;
      expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: started.id }]);
      expect(started.status).toBe('cancelled');
      expect(seen).toEqual([]);
      await session.close();
    },
  );

  it('VAD that answers turns: the next response may be its answer to the new turn, not cancelled', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s, {
      turnDetection: { type: 'semantic_vad', createResponse: true },
    });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.faults.stallAt('response.created');
    void session.response.create(FULL);
    await s.settle();
    // sent as the app gave it: no room for the tag
    expect(sent(s, 'response.create')[0]?.['response']).toEqual(FULL.response);
    await Promise.all([session.interrupt(), s.settle()]);
    s.server.faults.release();
    await s.settle();
    await s.clock.advanceAsync(5000);
    expect(sent(s, 'response.cancel')).toEqual([]);
    expect(session.responses.at(-1)?.status).toBe('completed');
    await session.close();
  });

  it('VAD with createResponse: false but an idle timeout: the timeout may answer, so it is left alone', async () => {
    // protocol.md §7: a response follows the idle timeout; whether create_response: false holds
    // it back is not documented, so the next response.created may be the timeout's
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', createResponse: false, idleTimeoutMs: 5_000 },
    });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.faults.stallAt('response.created');
    void session.response.create(FULL);
    await s.settle();
    await Promise.all([session.interrupt(), s.settle()]);
    s.server.faults.release();
    await s.settle();
    await s.clock.advanceAsync(1000);
    expect(sent(s, 'response.cancel')).toEqual([]);
    expect(session.responses.at(-1)?.status).not.toBe('cancelled');
    await session.close();
  });

  it('an update turning VAD answers off that the server has not confirmed yet: still left alone', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    // the update is on its way: until its echo, the server's VAD may still answer the turn
    s.server.faults.stallAt('session.updated', 2);
    void session.sessionUpdate({ turnDetection: null }).catch(() => undefined);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.create(FULL);
    await s.settle();
    await Promise.all([session.interrupt(), s.settle()]);
    s.server.faults.release();
    await s.settle();
    await s.clock.advanceAsync(5000);
    expect(sent(s, 'response.cancel')).toEqual([]);
    await session.close();
  });
});
