/**
 * `session.responseRequested`: true from the moment `response.create()` / `generate()` accepts a
 * request until the response it asked for started, was refused, declined, or the session
 * closed — `activeResponse` is `undefined` in between, and a hang-up looking at it alone cut
 * the goodbye it had just asked for. Fake server, simulated clock; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeSession } from '../src/session.js';
import { DIALECTS, gate, openSession, outcome, setup, type Setup } from './helpers.js';

/** A response in progress (asked for with `create()`) that ends once `open()` is called. */
async function heldResponse(s: Setup, session: RealtimeSession) {
  const hold = gate();
  s.server.queueResponse(async (ctx) => {
    await hold.promise;
    ctx.text('first');
  });
  void session.response.create();
  await s.settle();
  return hold;
}

describe.each(DIALECTS)('session.responseRequested (%s)', (dialect) => {
  it('is true from create() until its response_created, false when that event is emitted', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    s.server.queueResponse((ctx) => ctx.text('goodbye'));
    s.server.faults.delay('response.created', 100);
    const seen: boolean[] = [];
    session.on('response_created', () => seen.push(session.responseRequested));
    expect(session.responseRequested).toBe(false);
    void session.response.create();
    // at once: nothing is in progress yet, but a response is on its way
    expect(session.responseRequested).toBe(true);
    await s.clock.advanceAsync(99);
    expect(session.activeResponse).toBeUndefined();
    expect(session.responseRequested).toBe(true);
    await s.clock.advanceAsync(1);
    await s.settle();
    expect(seen).toEqual([false]);
    expect(session.responseRequested).toBe(false);
    await session.close();
  });

  it('counts a keep_both create waiting its turn, and a generate() request', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await heldResponse(s, session);
    expect(session.responseRequested).toBe(false);
    s.server.queueResponse((ctx) => ctx.text('second'));
    const second = outcome(session.response.generate());
    expect(session.responseRequested).toBe(true);
    await s.settle();
    expect(session.responseRequested).toBe(true);
    // the first ends: the second is sent and waits for its response.created
    const atDone: boolean[] = [];
    session.once('response_done', () => atDone.push(session.responseRequested));
    hold.open();
    await s.settle();
    expect(atDone).toEqual([true]);
    expect(second.done).toBe(true);
    expect(session.responseRequested).toBe(false);
    await session.close();
  });

  it('never counts a request cancel_new declines', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await heldResponse(s, session);
    const declined = outcome(session.response.create({ onDuplicate: 'cancel_new' }));
    const rejected = outcome(session.response.generate({ onDuplicate: 'cancel_new' }));
    expect(session.responseRequested).toBe(false);
    await s.settle();
    expect(declined.value).toBe(false);
    expect(rejected.error).toMatchObject({ code: 'RESPONSE_IN_PROGRESS' });
    expect(session.responseRequested).toBe(false);
    hold.open();
    await s.settle();
    await session.close();
  });

  it('turns false on the error that refuses the request', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    s.server.faults.refuse('response.create');
    const atError: boolean[] = [];
    session.on('error', () => atError.push(session.responseRequested));
    void session.response.create();
    expect(session.responseRequested).toBe(true);
    await s.settle();
    expect(atError).toEqual([false]);
    expect(session.responseRequested).toBe(false);
    await session.close();
  });

  it('counts a create queued while reconnecting until its response starts', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    s.server.queueResponse((ctx) => ctx.text('after the outage'));
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    s.server.connections[0]!.close(1006, '');
    await s.settle();
    expect(session.connectionState.status).not.toBe('open');
    void session.response.create();
    expect(session.responseRequested).toBe(true);
    const atCreated: boolean[] = [];
    session.on('response_created', () => atCreated.push(session.responseRequested));
    await s.clock.advanceAsync(1_000);
    await s.settle();
    expect(session.connectionState.status).toBe('open');
    expect(atCreated).toEqual([false]);
    expect(session.responseRequested).toBe(false);
    await session.close();
  });

  it('counts an out-of-band request until it starts', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    s.server.queueResponse((ctx) => ctx.text('label'));
    s.server.faults.delay('response.created', 100);
    void session.response.create({ response: { conversation: 'none' } });
    expect(session.responseRequested).toBe(true);
    await s.clock.advanceAsync(100);
    await s.settle();
    expect(session.responses).toHaveLength(1);
    expect(session.responseRequested).toBe(false);
    await session.close();
  });

  it('stops counting a generate() aborted while it waits its turn', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await heldResponse(s, session);
    const abort = new AbortController();
    const r = outcome(session.response.generate({ signal: abort.signal }));
    expect(session.responseRequested).toBe(true);
    abort.abort(new Error('not wanted'));
    expect(session.responseRequested).toBe(false);
    hold.open();
    await s.settle();
    expect(r.error).toMatchObject({ message: 'not wanted' });
    expect(session.responses).toHaveLength(1);
    await session.close();
  });

  it('is false when closed is emitted with a create still waiting its turn', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    await heldResponse(s, session);
    void session.response.create().catch(() => undefined);
    expect(session.responseRequested).toBe(true);
    const atClosed: boolean[] = [];
    session.on('closed', () => atClosed.push(session.responseRequested));
    await session.close();
    expect(atClosed).toEqual([false]);
    expect(session.responseRequested).toBe(false);
  });
});
