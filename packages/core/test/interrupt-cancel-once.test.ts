/**
 * A response `interrupt()` has cancelled (or will cancel the moment it starts) is not cancelled a
 * second time by another of the engine's cancels: the second `response.cancel` reaches a
 * response already over and the server answers `response_cancel_not_active`, which the app sees
 * on `error` although it did nothing wrong. And a `cancel_existing` create asked for before the
 * barge-in, stale and never sent, cancels nothing that starts after it (the user's new turn).
 * Fake server, simulated clock; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { errors, sent } from './interrupt-helpers.js';
import { DIALECTS, createsOn, gate, openSession, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('interrupt() cancels a response once (%s)', (dialect) => {
  it.each(['after', 'before'] as const)(
    'a generate() request aborted %s interrupt(): its response is cancelled once, no error',
    async (order) => {
      const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
      const held = gate();
      s.server.queueResponse(async (ctx) => {
        await held.promise;
        ctx.text('stale');
      });
      const session = await openSession(s, { modalities: ['text'], turnDetection: null });
      const seen = errors(session);
      s.server.faults.delay('response.created', 500);
      const abort = new AbortController();
      const request = outcome(session.response.generate({ signal: abort.signal }));
      await s.settle();
      expect(createsOn(s, 0)).toHaveLength(1);
      // the caller gives up too (a tool follow-up the engine drops, an app's own timeout)
      if (order === 'before') abort.abort(new Error('gave up'));
      void session.interrupt();
      await s.settle();
      if (order === 'after') abort.abort(new Error('gave up'));
      await s.clock.advanceAsync(500);
      held.open();
      await s.settle();
      expect(request.error).toEqual(new Error('gave up'));
      const stale = session.responses.at(-1)!;
      expect(stale.status).toBe('cancelled');
      expect(seen).toEqual([]);
      expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: stale.id }]);
      await session.close();
    },
  );
});

describe.each(DIALECTS)('interrupt() and cancel_existing (%s)', (dialect) => {
  it('a cancel_existing create right after interrupt() does not cancel the interrupted response again', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    const held = gate();
    s.server.queueResponse(
      async (ctx) => {
        await held.promise;
        ctx.text('interrupted');
      },
      (ctx) => ctx.text('new turn'),
    );
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    const seen = errors(session);
    void session.response.create();
    await s.settle();
    const interrupted = session.responses.at(-1)!;
    expect(interrupted.isDone).toBe(false);
    // push-to-talk released: the app barges in and asks for the new turn's answer at once
    const interrupting = session.interrupt();
    const fresh = outcome(session.response.create({ onDuplicate: 'cancel_existing' }));
    await s.settle();
    held.open();
    await interrupting;
    await s.settle();
    expect(fresh.value).toBe(true);
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: interrupted.id }]);
    expect(seen).toEqual([]);
    expect(session.responses.map((r) => [r.text, r.status])).toEqual([
      ['', 'cancelled'],
      ['new turn', 'completed'],
    ]);
    await session.close();
  });

  it('a cancel_existing create asked for before interrupt() cancels nothing started after it', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    const held = gate();
    const labelling = gate();
    s.server.queueResponse(
      async (ctx) => {
        await held.promise;
        ctx.text('stale');
      },
      async (ctx) => {
        await labelling.promise;
        ctx.text('label');
      },
    );
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    const seen = errors(session);
    // the first create's response.created is slow: the cancel_existing create waits for it
    s.server.faults.delay('response.created', 500);
    void session.response.create();
    await s.settle();
    const stale = outcome(session.response.create({ onDuplicate: 'cancel_existing' }));
    await s.settle();
    expect(createsOn(s, 0)).toHaveLength(1);
    void session.interrupt();
    // after the barge-in the app labels the user's turn out of band: it starts while the stale
    // create still waits its turn
    const label = outcome(session.response.generate({ response: { conversation: 'none' } }));
    await s.clock.advanceAsync(500);
    await s.settle();
    const labelResponse = label.value!;
    labelling.open();
    held.open();
    await s.settle();
    expect(stale.value).toBe(true);
    expect([labelResponse.text, labelResponse.status]).toEqual(['label', 'completed']);
    // the first create's response, cancelled on start, once; the stale create never went out
    expect(createsOn(s, 0)).toHaveLength(2);
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: session.responses[0]!.id }]);
    expect(seen).toEqual([]);
    await session.close();
  });
});
