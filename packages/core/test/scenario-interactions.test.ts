/**
 * Today's features together, as a demanding app meets them: tool time limits across a drop and
 * a close, per-response executable tools cut by a drop, a setTools cut by a drop while a call
 * of the old set runs. The simulated clock and deferred promises; nothing sleeps.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { SessionTool } from '../src/features/builtins.js';
import type { CalledFunction } from '../src/tools/types.js';
import { defineTool } from '../src/tools/tool.js';
import { gate, openSession, setup } from './helpers.js';

const conv = (s: ReturnType<typeof setup>) =>
  s.server.conversation.map((i) => ({
    type: i['type'],
    call_id: i['call_id'],
    output: i['output'],
  }));
const sentOn = (s: ReturnType<typeof setup>, connection: number, type: string) =>
  (s.server.connections[connection]?.clientEvents ?? []).filter((e) => e['type'] === type);

describe('interactions of tool time limits, per-response tools, setTools and drops', () => {
  it('a tool timing out while the connection is down is answered once after the restore', async () => {
    const started: AbortSignal[] = [];
    const hung: SessionTool = {
      name: 'hung',
      timeoutMs: 3_000,
      execute: (_args, context) => {
        started.push(context.signal);
        return gate().promise;
      },
    };
    const s = setup('ga', { random: () => 0, tools: [hung], stallTimeoutMs: false });
    s.server.queueResponse((ctx) => ctx.callFunction('hung', {}, { callId: 'call_h' }));
    s.server.queueResponse((ctx) => ctx.text('sorry'));
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    const finished: (readonly CalledFunction[])[] = [];
    session.on('function_calls_finished', (c) => finished.push(c));
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'go' }),
      s.settle(),
    ]);
    void session.response.create();
    await s.settle();
    expect(started).toHaveLength(1);
    // the drop, then an outage longer than the limit (connects refused)
    s.server.faults.rejectConnects(3);
    s.server.connections[0]!.close(1006, 'gone');
    await s.clock.advanceAsync(20_000);
    expect(session.connectionState.status).toBe('open');
    await s.settle();
    expect(started).toHaveLength(1);
    expect(finished.flat().map((f) => f.error?.kind)).toEqual(['timeout']);
    expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([
      expect.objectContaining({ call_id: 'call_h' }),
    ]);
    expect(session.responses.at(-1)?.text).toBe('sorry');
    await session.close();
    expect(s.clock.pendingTimers).toBe(0);
  });

  it('close() while a limited tool runs leaves no timer on the clock', async () => {
    const hung: SessionTool = { name: 'hung', execute: () => gate().promise };
    const s = setup('ga', { tools: [hung], toolTimeoutMs: 60_000 });
    s.server.queueResponse((ctx) => ctx.callFunction('hung', {}, { callId: 'call_h' }));
    const session = await openSession(s, { modalities: ['text'] });
    const finished: (readonly CalledFunction[])[] = [];
    session.on('function_calls_finished', (c) => finished.push(c));
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'go' }),
      s.settle(),
    ]);
    void session.response.create();
    await s.settle();
    await session.close();
    await s.settle();
    expect(s.clock.pendingTimers).toBe(0);
  });

  it.each([
    ['with tools', 'response.output_item.done'],
    ['with tools', 'response.function_call_arguments.done'],
    ['without tools', 'response.output_item.done'],
    ['without tools', 'response.function_call_arguments.done'],
  ] as const)(
    'a per-response executable tool whose response the drop cut (session %s, after %s) is run and answered once',
    async (which, cutAfter) => {
      const runs: string[] = [];
      const lookupOrder = defineTool({
        name: 'lookup_order',
        parameters: v.object({ id: v.string() }),
        execute: ({ id }) => (runs.push(id), { id, ships: 'tomorrow' }),
      });
      const weather = defineTool({
        name: 'get_weather',
        parameters: v.object({ city: v.string() }),
        execute: () => 'sunny',
      });
      const s = setup('ga', {
        random: () => 0,
        tools: which === 'with tools' ? [weather] : [],
        stallTimeoutMs: false,
      });
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_own' }),
      );
      s.server.queueResponse((ctx) => ctx.text('ships tomorrow'));
      const session = await openSession(s, { modalities: ['text'] });
      session.on('error', () => undefined);
      await Promise.all([
        session.conversation.item.create({ role: 'user', content: 'my order?' }),
        s.settle(),
      ]);
      s.server.faults.closeAt(cutAfter, { when: 'after', code: 1006 });
      session.once('disconnected', () => s.server.faults.clear());
      void session.response.generate({ response: { tools: [lookupOrder] } }).catch(() => undefined);
      await s.settle();
      await s.clock.advanceAsync(2_000);
      await s.settle();
      expect(s.server.connections).toHaveLength(2);
      expect(runs).toEqual(['42']);
      const outputs = conv(s).filter((i) => i.type === 'function_call_output');
      expect(outputs).toEqual([
        expect.objectContaining({ call_id: 'call_own', output: '{"id":"42","ships":"tomorrow"}' }),
      ]);
      expect(session.responses.at(-1)?.text).toBe('ships tomorrow');
      await session.close();
      expect(s.clock.pendingTimers).toBe(0);
    },
  );

  it('setTools cut by a drop while a call of the old set runs: the call is answered, the new set settles', async () => {
    const release = gate();
    const old = defineTool({
      name: 'old_tool',
      parameters: v.object({}),
      execute: async () => {
        await release.promise;
        return 'old done';
      },
    });
    const fresh = defineTool({ name: 'new_tool', parameters: v.object({}), execute: () => 'n' });
    const s = setup('ga', { random: () => 0, tools: [old], stallTimeoutMs: false });
    s.server.queueResponse((ctx) => ctx.callFunction('old_tool', {}, { callId: 'call_o' }));
    s.server.queueResponse((ctx) => ctx.text('done'));
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'go' }),
      s.settle(),
    ]);
    void session.response.create();
    await s.settle();
    // the update goes out and the socket drops before its echo (the connection's second
    // session.updated; the first answered the session's own configuration)
    s.server.faults.drop('session.updated', 2);
    const updating = session.setTools([fresh]);
    let settled: unknown = 'pending';
    updating.then(
      () => (settled = 'ok'),
      (e: unknown) => (settled = e),
    );
    await s.settle();
    // the echo was dropped: the update is still unanswered when the socket goes
    expect(settled).toBe('pending');
    s.server.faults.clear();
    s.server.connections[0]!.close(1006, 'gone');
    await s.clock.advanceAsync(2_000);
    expect(session.connectionState.status).toBe('open');
    release.open();
    await s.settle();
    await s.clock.advanceAsync(100);
    expect(settled).toBe('ok');
    expect(session.tools.map((t) => t.name)).toEqual(['new_tool']);
    const updates = sentOn(s, 1, 'session.update');
    expect(
      (updates.at(-1)?.['session'] as { tools: { name: string }[] }).tools.map((t) => t.name),
    ).toEqual(['new_tool']);
    expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([
      expect.objectContaining({ call_id: 'call_o', output: 'old done' }),
    ]);
    expect(session.responses.at(-1)?.text).toBe('done');
    await session.close();
    expect(s.clock.pendingTimers).toBe(0);
  });

  it('a tool timing out across a planned rollover is answered once, on the fresh connection', async () => {
    const hung: SessionTool = { name: 'hung', timeoutMs: 5_000, execute: () => gate().promise };
    const s = setup(
      'ga',
      {
        random: () => 0,
        tools: [hung],
        stallTimeoutMs: false,
        reconnect: { rolloverMarginMs: 60_000 },
      },
      { maxSessionDurationMs: 10 * 60_000 },
    );
    s.server.queueResponse((ctx) => ctx.callFunction('hung', {}, { callId: 'call_h' }));
    s.server.queueResponse((ctx) => ctx.text('sorry'));
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    const finished: (readonly CalledFunction[])[] = [];
    session.on('function_calls_finished', (c) => finished.push(c));
    const rollovers: boolean[] = [];
    session.on('reconnected', (e) => rollovers.push(e.rollover));
    await s.clock.advanceAsync(9 * 60_000 - 2_000);
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'go' }),
      s.settle(),
    ]);
    void session.response.create();
    await s.settle();
    // the rollover comes due while the tool runs
    await s.clock.advanceAsync(2_500);
    expect(rollovers).toEqual([true]);
    await s.clock.advanceAsync(5_000);
    await s.settle();
    expect(finished.flat().map((f) => f.error?.kind)).toEqual(['timeout']);
    expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([
      expect.objectContaining({ call_id: 'call_h' }),
    ]);
    expect(sentOn(s, 1, 'response.create')).toHaveLength(1);
    expect(session.responses.at(-1)?.text).toBe('sorry');
    await session.close();
    expect(s.clock.pendingTimers).toBe(0);
  });
});
