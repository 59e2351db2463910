/**
 * A fault rule applies afresh on every connection, so an agent that reconnects and retries
 * meets the same cut for ever. `{ once: true }` fires a rule on the first connection where it
 * applies only, `{ connection: i }` on connection `i` only; `assertComplete()` reports a scoped
 * rule whose connection never opened.
 */
import { codecFor } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import {
  createFakeServer,
  FakeServerOptionsError,
  IncompleteScenarioError,
  type FakeServer,
} from '../src/index.js';

interface Leg {
  readonly types: string[];
  readonly closes: number[];
  send(event: { type: string; [k: string]: unknown }): void;
}

// one more connection from the agent, as a reconnect makes it
async function open(connector: ReturnType<typeof createFakeServer>['connector']): Promise<Leg> {
  const { transport } = await connector({ attempt: 0, signal: new AbortController().signal });
  const codec = codecFor('ga');
  const leg: Leg = {
    types: [],
    closes: [],
    send: (event) => transport.send(codec.encodeClientEvent(event as never, { validate: false })),
  };
  transport.onmessage = (frame) => leg.types.push(JSON.parse(String(frame)).type as string);
  transport.onclose = (code) => leg.closes.push(code);
  await transport.start();
  await flush();
  return leg;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

// the agent asks for a response, as a retry after a reconnect does
async function ask(leg: Leg): Promise<void> {
  leg.send({ type: 'response.create' });
  await flush();
}

function pending(server: FakeServer): readonly string[] {
  try {
    server.assertComplete();
    return [];
  } catch (e) {
    if (e instanceof IncompleteScenarioError) return e.pending;
    throw e;
  }
}

describe('fault rules scoped to a connection', () => {
  it('once: the reconnect after the cut is not cut again (unscoped, it is)', async () => {
    for (const once of [true, false]) {
      const { server, connector } = createFakeServer();
      server.onResponse((ctx) => ctx.text('hi'));
      server.faults.closeAt('response.created', { code: 1011, once });
      const first = await open(connector);
      await ask(first);
      expect(first.closes).toEqual([1011]);
      const second = await open(connector);
      await ask(second);
      if (once) {
        expect(second.closes).toEqual([]);
        expect(second.types).toContain('response.done');
        // spent: no longer an active rule, and not reported
        expect(server.faults.describe()).toEqual([]);
        expect(pending(server)).toEqual([]);
      } else {
        expect(second.closes).toEqual([1011]);
        expect(server.faults.describe()).toEqual(['close response.created']);
      }
    }
  });

  it('connection: only that connection meets the rule, whenever it is added', async () => {
    const { server, connector } = createFakeServer();
    server.onResponse((ctx) => ctx.text('hi'));
    const first = await open(connector);
    await ask(first);
    // connection 0 has sent a response.created already: a rule for connection 1 is not refused
    server.faults.closeAt('response.created', { connection: 1, code: 4001 });
    server.faults.drop('response.done', { connection: 2 });
    expect(server.faults.describe()).toEqual([
      'close response.created (connection 1)',
      'drop response.done (connection 2)',
    ]);
    await ask(first);
    expect(first.closes).toEqual([]);
    first.send({ type: 'session.update', session: { type: 'realtime' } });
    const second = await open(connector);
    await ask(second);
    expect(second.closes).toEqual([4001]);
    const third = await open(connector);
    await ask(third);
    expect(third.closes).toEqual([]);
    expect(third.types).toContain('response.created');
    expect(third.types).not.toContain('response.done');
    const fourth = await open(connector);
    await ask(fourth);
    expect(fourth.types).toContain('response.done');
    expect(pending(server)).toEqual([]);
  });

  it('applies to every kind of rule, refusals included', async () => {
    const { server, connector } = createFakeServer();
    server.onResponse((ctx) => ctx.text('hi'));
    server.faults
      .drop('response.output_text.delta', { once: true })
      .duplicate('response.done', { once: true, times: 2 })
      .delay('response.created', 0, { once: true })
      .stallAt('rate_limits.updated', { connection: 0 })
      .closeAfterEvents(100, { connection: 0 })
      .refuse('conversation.item.create', { connection: 1 });
    const first = await open(connector);
    await ask(first);
    const count = (leg: Leg, type: string) => leg.types.filter((t) => t === type).length;
    expect(count(first, 'response.output_text.delta')).toBe(0);
    expect(count(first, 'response.done')).toBe(3);
    expect(first.types).not.toContain('rate_limits.updated'); // stalled
    server.faults.release();
    await flush();
    const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] };
    first.send({ type: 'conversation.item.create', item });
    await flush();
    expect(first.types).not.toContain('error');
    first.send({ type: 'session.update', session: { type: 'realtime' } });
    const second = await open(connector);
    await ask(second);
    expect(count(second, 'response.output_text.delta')).toBeGreaterThan(0);
    expect(count(second, 'response.done')).toBe(1);
    expect(second.types).toContain('rate_limits.updated');
    second.send({ type: 'conversation.item.create', item });
    await flush();
    expect(second.types).toContain('error');
    // closeAfterEvents (connection 0) did not fire: connection 0 sent fewer than 100 events
    expect(pending(server)).toEqual([
      'fault rule never fired: close_after_count (count 100, connection 0)',
    ]);
  });

  it('assertComplete reports a rule whose connection never opened, unless optional', async () => {
    const { server, connector } = createFakeServer();
    server.faults
      .closeAt('response.created', { connection: 1 })
      .refuse('response.create', { connection: 3, occurrence: 2 })
      .drop('response.done', { connection: 2, optional: true });
    await open(connector);
    expect(pending(server)).toEqual([
      'fault rule never fired: close response.created (connection 1): connection 1 never opened',
      'fault rule never fired: refuse response.create (occurrence 2, connection 3): connection 3 never opened',
    ]);
    // opened, but the rule never met its event: the usual line
    await open(connector);
    expect(pending(server)[0]).toBe(
      'fault rule never fired: close response.created (connection 1)',
    );
  });

  it('refuses a bad connection or once, and a connection that has closed', async () => {
    const { server, connector } = createFakeServer();
    const faults = server.faults;
    for (const connection of [-1, 1.5, NaN, '1' as unknown as number])
      expect(() => faults.closeAt('response.created', { connection })).toThrow(
        /server\.faults\.closeAt: connection must be an integer ≥ 0/,
      );
    expect(() => faults.drop('response.done', { connection: -1 })).toThrow(FakeServerOptionsError);
    expect(() => faults.closeAfterEvents(3, { connection: 0.5 })).toThrow(
      /closeAfterEvents: connection/,
    );
    expect(() => faults.refuse('response.create', { connection: -2 })).toThrow(
      /refuse: connection/,
    );
    expect(() => faults.duplicate('response.done', { once: 'yes' as unknown as boolean })).toThrow(
      /server\.faults\.duplicate: once must be a boolean, got "yes"/,
    );
    expect(() => faults.stallAt('response.done', { once: 1 as unknown as boolean })).toThrow(
      FakeServerOptionsError,
    );
    const first = await open(connector);
    first.send({ type: 'session.update', session: { type: 'realtime' } });
    server.close(1000);
    await flush();
    expect(() => faults.delay('response.done', 5, { connection: 0 })).toThrow(
      /delay: connection 0 has already closed, so a rule scoped to it would never fire/,
    );
    // nothing of the refused calls was added
    expect(faults.describe()).toEqual([]);
    expect(pending(server)).toEqual([]);
  });
});
