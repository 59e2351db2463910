/**
 * Every conversation create asked for before `interrupt()` and not started yet is dealt with, not
 * only the one written last: one not written yet (waiting its turn, `keep_both`; lost with the
 * connection and waiting to be sent again) is not sent at all, and its `create()` resolves `true`
 * as one whose response is cancelled on start does; a `generate()` request (the engine's tool
 * follow-up, say) is sent and its response cancelled when it starts, as it resolves with that
 * response. A create made after `interrupt()` is the user's new turn and is answered. Fake
 * server, simulated clock; nothing sleeps.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, createsOn, gate, openSession, outcome, setup, tagOf } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

describe.each(DIALECTS)('interrupt() and the creates asked for before it (%s)', (dialect) => {
  it('a keep_both create waiting its turn is not sent; one made after interrupt() is answered', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    const held = gate();
    s.server.queueResponse(
      async (ctx) => {
        await held.promise;
        ctx.text('first');
      },
      (ctx) => ctx.text('stale follow-up'),
      (ctx) => ctx.text('new turn'),
    );
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    void session.response.create();
    await s.settle();
    const stale = outcome(session.response.create({ onDuplicate: 'keep_both' }));
    const staleRequest = outcome(session.response.generate({ onDuplicate: 'keep_both' }));
    await s.settle();
    expect(createsOn(s, 0)).toHaveLength(1);
    const interrupting = session.interrupt();
    const fresh = outcome(session.response.create({ onDuplicate: 'keep_both' }));
    held.open();
    await interrupting;
    await s.settle();
    // settled as a create whose response is cancelled on start settles
    expect(stale.value).toBe(true);
    expect(fresh.value).toBe(true);
    // the stale generate() request went out and was cancelled as it started; the plain stale
    // create never went out; the new turn's did, and was answered
    const creates = createsOn(s, 0);
    expect(creates).toHaveLength(3);
    const request = staleRequest.value!;
    expect(tagOf(creates[1])).toBe(request.resource.metadata?.['voxwire_request']);
    expect(request.status).toBe('cancelled');
    expect(session.responses.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'completed']);
    expect(session.responses[2]!.text).toBe('new turn');
    await session.close();
  });

  it('two creates lost together: the follow-up is cancelled on start, the app’s is not sent again', async () => {
    const s = setup(dialect, {
      random: () => 0,
      tools: [weather],
      requestTimeoutMs: 1000,
      stallTimeoutMs: false,
    });
    s.server.queueResponse(
      (ctx) => ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_1' }),
      (ctx) => ctx.text('lost follow-up'),
    );
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    session.on('error', () => undefined);
    s.server.faults
      .delay('response.created', 1500, 2)
      .closeAt('response.created', { occurrence: 2, code: 1006 });
    const interrupting = new Promise((resolve) =>
      session.once('disconnected', () => {
        s.server.faults.clear();
        resolve(session.interrupt());
      }),
    );
    await session.response.create();
    await s.settle();
    // the bound lets the app's create go out behind the unanswered follow-up
    await s.clock.advanceAsync(1000);
    const app = outcome(session.response.create());
    await s.settle();
    expect(app.value).toBe(true);
    expect(createsOn(s, 0)).toHaveLength(3);
    const followUpTag = tagOf(createsOn(s, 0)[1]);
    await s.clock.advanceAsync(5000);
    await interrupting;
    await s.settle();
    expect(session.connectionState.status).toBe('open');
    // only the follow-up is asked for again (its request waits for a response), and cancelled
    expect(createsOn(s, 1).map(tagOf)).toEqual([followUpTag]);
    const again = session.responses.at(-1)!;
    expect(again.resource.metadata?.['voxwire_request']).toBe(followUpTag);
    expect(again.status).toBe('cancelled');
    // nothing the user talked over is answered after the restore
    expect(session.responses.filter((r) => r.status === 'completed')).toHaveLength(1);
    await session.close();
  });

  it('cancel_new right after interrupt() is not declined by the stale create', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    const held = gate();
    s.server.queueResponse(
      async (ctx) => {
        await held.promise;
        ctx.text('stale');
      },
      (ctx) => ctx.text('new turn'),
    );
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    s.server.faults.delay('response.created', 500);
    void session.response.create();
    await s.settle();
    void session.interrupt();
    const fresh = outcome(session.response.create({ onDuplicate: 'cancel_new' }));
    await s.settle();
    s.server.faults.clear();
    await s.clock.advanceAsync(500);
    held.open();
    await s.settle();
    expect(fresh.value).toBe(true);
    expect(createsOn(s, 0)).toHaveLength(2);
    expect(session.responses.map((r) => [r.text, r.status])).toEqual([
      ['', 'cancelled'],
      ['new turn', 'completed'],
    ]);
    await session.close();
  });
});
