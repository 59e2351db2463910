/**
 * `assertComplete()` lists every fault rule that never fired on any connection, as it lists
 * unused scripted responses: a test that sets up `faults.drop('response.done')` for a scenario
 * where the fake never sends `response.done` would otherwise pass while testing nothing. A rule
 * set up "in case" says so with `optional: true`.
 */
import { describe, expect, it } from 'vitest';
import {
  ConnectRejectedError,
  createFakeServer,
  FakeServerOptionsError,
  IncompleteScenarioError,
  SimulatedClock,
  type FakeServer,
} from '../src/index.js';
import { connect } from './helpers.js';

// what assertComplete reports, or [] when it passes
function pending(server: FakeServer): readonly string[] {
  try {
    server.assertComplete();
    return [];
  } catch (e) {
    if (e instanceof IncompleteScenarioError) return e.pending;
    throw e;
  }
}

const signal = () => new AbortController().signal;

describe('assertComplete and fault rules', () => {
  it('lists a rule that never fired, in the words of describe(), and not one that fired', async () => {
    const c = await connect();
    c.server.faults.drop('response.done', 2).drop('response.created');
    c.server.queueResponse((ctx) => ctx.text('one'));
    c.send({ type: 'response.create' });
    await c.flush();
    // the first rule fired: response.created never reached the client
    expect(c.types()).not.toContain('response.created');
    expect(c.server.faults.describe()).toEqual([
      'drop response.done (occurrence 2)',
      'drop response.created',
    ]);
    expect(pending(c.server)).toEqual([
      'fault rule never fired: drop response.done (occurrence 2)',
    ]);
    expect(() => c.server.assertComplete()).toThrow(
      /fault rule never fired: drop response\.done \(occurrence 2\)/,
    );
  });

  it('leaves out a rule marked optional, in every form of options', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock });
    const optional = { optional: true } as const;
    c.server.faults
      .drop('response.done', { occurrence: 2, optional: true })
      .delay('response.done', 10, { occurrence: 3, ...optional })
      .stallAt('response.done', { occurrence: 4, ...optional })
      .duplicate('response.done', { occurrence: 5, ...optional })
      .closeAt('response.done', { occurrence: 6, ...optional })
      .closeAfterEvents(10_000, optional)
      .refuse('response.cancel', optional)
      .rejectConnects(1, { error: new ConnectRejectedError(), optional: true });
    c.server.faults.expireSession(60_000, optional);
    c.server.queueResponse((ctx) => ctx.text('one'));
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types()).toContain('response.done');
    expect(pending(c.server)).toEqual([]);
    // the same rules, not optional, are each reported
    const d = await connect({ clock });
    d.server.faults
      .drop('response.done', { occurrence: 2 })
      .delay('response.done', 10, 3)
      .stallAt('response.done', { occurrence: 4 })
      .duplicate('response.done', { occurrence: 5 })
      .closeAt('response.done', { occurrence: 6, when: 'after' })
      .closeAfterEvents(10_000)
      .refuse('response.cancel')
      .rejectConnects(2);
    d.server.faults.expireSession(60_000);
    d.server.queueResponse((ctx) => ctx.text('one'));
    d.send({ type: 'response.create' });
    await d.flush();
    expect(pending(d.server)).toEqual([
      'fault rule never fired: drop response.done (occurrence 2)',
      'fault rule never fired: delay response.done (occurrence 3)',
      'fault rule never fired: stall response.done (occurrence 4)',
      'fault rule never fired: duplicate response.done (occurrence 5)',
      'fault rule never fired: close response.done (occurrence 6)',
      'fault rule never fired: close_after_count (count 10000)',
      'fault rule never fired: refuse response.cancel',
      'fault rule never fired: expireSession (after 60000 ms)',
      '2 connect rejection(s) (faults.rejectConnects) never used',
    ]);
  });

  it('counts a rule that fired only on the second connection as fired', async () => {
    const { server, connector } = createFakeServer();
    server.faults.drop('response.done', 2);
    const run = async (attempt: number, responses: number) => {
      const { transport } = await connector({ attempt, signal: signal() });
      const types: string[] = [];
      transport.onmessage = (f) => types.push(String(JSON.parse(String(f)).type));
      transport.onclose = () => undefined;
      await transport.start();
      for (let i = 0; i < responses; i++) {
        server.queueResponse((ctx) => ctx.text(`answer ${i}`));
        transport.send(JSON.stringify({ type: 'response.create' }));
        for (let j = 0; j < 50; j++) await Promise.resolve();
      }
      await transport.close(1000, 'done');
      return types.filter((t) => t === 'response.done').length;
    };
    // the first connection sends one response.done: occurrence 2 never comes there
    expect(await run(0, 1)).toBe(1);
    expect(pending(server)).toEqual(['fault rule never fired: drop response.done (occurrence 2)']);
    // the second connection's second response.done is dropped
    expect(await run(1, 2)).toBe(1);
    expect(pending(server)).toEqual([]);
  });

  it('tracks refusals, connect rejections and expiries by use', async () => {
    const clock = new SimulatedClock();
    const { server, connector } = createFakeServer({ clock });
    server.faults.refuse('response.cancel').rejectConnects(1);
    server.faults.expireSession(1_000);
    await expect(connector({ attempt: 0, signal: signal() })).rejects.toThrow(/refused/);
    const { transport } = await connector({ attempt: 1, signal: signal() });
    transport.onmessage = () => undefined;
    transport.onclose = () => undefined;
    await transport.start();
    expect(pending(server)).toEqual([
      'fault rule never fired: refuse response.cancel',
      'fault rule never fired: expireSession (after 1000 ms)',
    ]);
    transport.send(JSON.stringify({ type: 'response.cancel' }));
    await clock.advanceAsync(1_000);
    expect(server.current?.closeInfo?.code).toBe(1001);
    expect(pending(server)).toEqual([]);
  });

  it('an expiry whose connection closed first never fired', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock });
    c.server.faults.expireSession(1_000);
    await c.transport.close(1000, 'bye');
    await clock.advanceAsync(2_000);
    expect(pending(c.server)).toEqual(['fault rule never fired: expireSession (after 1000 ms)']);
  });

  it('still reports a rule cleared before it ever fired; one that fired first is not', async () => {
    const c = await connect();
    c.server.faults.drop('conversation.item.added').refuse('response.cancel');
    c.server.faults.rejectConnects(1);
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] },
    });
    await c.flush();
    c.server.faults.clear();
    expect(c.server.faults.describe()).toEqual([]);
    expect(pending(c.server)).toEqual([
      'fault rule never fired: refuse response.cancel',
      '1 connect rejection(s) (faults.rejectConnects) never used',
    ]);
  });

  it('refuses an optional that is not a boolean', async () => {
    const c = await connect();
    const bad = { optional: 'yes' } as unknown as { optional: boolean };
    for (const add of [
      () => c.server.faults.drop('response.done', bad),
      () => c.server.faults.closeAt('response.done', bad),
      () => c.server.faults.refuse('response.cancel', bad),
      () => c.server.faults.expireSession(0, bad),
      () => c.server.faults.rejectConnects(1, bad),
    ]) {
      expect(add).toThrow(FakeServerOptionsError);
      expect(add).toThrow(/optional must be a boolean/);
    }
    expect(c.server.faults.describe()).toEqual([]);
    expect(pending(c.server)).toEqual([]);
  });
});
