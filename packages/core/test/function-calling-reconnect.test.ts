/**
 * Function calls across a reconnect (issue 8), GA and beta: a call the model completed is
 * answered exactly once after the restore, followed by one response request, wherever the drop
 * fell (after the call item was done, after its arguments were done, before its response was
 * done, while its tool was still running); a call cut mid-arguments is not restored and not
 * answered; a call already answered is not answered again, but its follow-up response, cut or
 * swallowed by the drop, is asked for again once. The client's mirror equals the fake
 * server's conversation after each. Deterministic: the simulated clock and deferred promises.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { Dialect } from '@voxwire/protocol';
import type { CreateFakeServerOptions } from '@voxwire/testing';
import type { ReconnectedEvent } from '../src/reconnect/reliability-events.js';
import type { SessionTool } from '../src/features/builtins.js';
import type { CalledFunction } from '../src/tools/types.js';
import { defineTool } from '../src/tools/tool.js';
import type { RealtimeSession } from '../src/session.js';
import { DIALECTS, gate, openSession, setup, type Setup } from './helpers.js';
import { mirrorView, serverView } from './fault-helpers.js';

interface Scenario {
  s: Setup;
  session: RealtimeSession;
  executions: string[];
  finished: (readonly CalledFunction[])[];
  reconnected: ReconnectedEvent[];
}

async function scenario(
  dialect: Dialect,
  tool?: SessionTool,
  server: CreateFakeServerOptions = {},
): Promise<Scenario> {
  const executions: string[] = [];
  const weather =
    tool ??
    defineTool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: v.object({ city: v.string() }),
      execute: ({ city }) => (executions.push(city), { city, tempC: 21 }),
    });
  const s = setup(dialect, { random: () => 0, tools: [weather] }, server);
  s.server.queueResponse((ctx) =>
    ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_1' }),
  );
  s.server.queueResponse((ctx) => ctx.text(`It is ${String(ctx.input.at(-1)?.['output'])}`));
  const session = await openSession(s, { modalities: ['text'] });
  session.on('error', () => undefined);
  const finished: (readonly CalledFunction[])[] = [];
  session.on('function_calls_finished', (c) => finished.push(c));
  const reconnected: ReconnectedEvent[] = [];
  session.on('reconnected', (e) => reconnected.push(e));
  await Promise.all([
    session.conversation.item.create({ role: 'user', content: 'weather in Oslo?' }),
    s.settle(),
  ]);
  return { s, session, executions, finished, reconnected };
}

/** Drops the socket right after the `occurrence`-th server event of `type` (one fault: cleared on the drop). */
function cutAfter(run: Scenario, type: string, occurrence = 1): void {
  run.s.server.faults.closeAt(type, { occurrence, when: 'after', code: 1006 });
  run.session.once('disconnected', () => run.s.server.faults.clear());
}

async function askAndRecover(run: Scenario): Promise<void> {
  void run.session.response.create();
  await run.s.settle();
  await run.s.clock.advanceAsync(1000);
  expect(run.s.server.connections).toHaveLength(2);
  expect(run.session.connectionState.status).toBe('open');
}

const items = (s: Setup) =>
  s.server.conversation.map((i) => ({
    type: i['type'],
    call_id: i['call_id'],
    status: i['status'],
    arguments: i['arguments'],
    output: i['output'],
  }));
const sentOn = (s: Setup, connection: number, type: string) =>
  (s.server.connections[connection]?.clientEvents ?? []).filter((e) => e['type'] === type);

/** Every function_call on the server has exactly one function_call_output, right after it. */
function expectAnsweredOnce(s: Setup): void {
  const conv = s.server.conversation;
  conv.forEach((item, index) => {
    if (item['type'] !== 'function_call') return;
    const outputs = conv.filter(
      (i) => i['type'] === 'function_call_output' && i['call_id'] === item['call_id'],
    );
    expect(outputs, `answers of ${String(item['call_id'])}`).toHaveLength(1);
    expect(conv[index + 1], `output right after ${String(item['call_id'])}`).toMatchObject({
      type: 'function_call_output',
      call_id: item['call_id'],
    });
  });
}

function expectRecoveredAnswer(run: Scenario): void {
  const { s, session } = run;
  expect(items(s)).toEqual([
    expect.objectContaining({ type: 'message' }),
    expect.objectContaining({
      type: 'function_call',
      call_id: 'call_1',
      status: 'completed',
      arguments: '{"city":"Oslo"}',
    }),
    expect.objectContaining({
      type: 'function_call_output',
      call_id: 'call_1',
      output: '{"city":"Oslo","tempC":21}',
    }),
    expect.objectContaining({ type: 'message' }),
  ]);
  expectAnsweredOnce(s);
  expect(run.executions).toEqual(['Oslo']);
  // one follow-up request, on the new connection, after the output
  const second = s.server.connections[1]?.clientEvents.map((e) => e['type']) ?? [];
  expect(sentOn(s, 1, 'response.create')).toHaveLength(1);
  expect(second.lastIndexOf('conversation.item.create')).toBeLessThan(
    second.indexOf('response.create'),
  );
  expect(session.responses.at(-1)).toMatchObject({
    status: 'completed',
    text: 'It is {"city":"Oslo","tempC":21}',
  });
  expect(mirrorView(session)).toEqual(serverView(s));
  expect(session.stats.pendingRequests).toBe(0);
  expect(run.finished.flat().map((f) => f.call.callId)).toEqual(['call_1']);
}

describe.each(DIALECTS)('function calls across a reconnect (%s)', (dialect) => {
  it('a response.create the drop swallowed (written, never answered) is sent again after the restore', async () => {
    const run = await scenario(dialect);
    const { s, session } = run;
    // the follow-up's response.create reaches the server, which drops before response.created
    s.server.faults.closeAt('response.created', { occurrence: 2, when: 'before', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    s.server.queueResponse((ctx) => ctx.text('Oslo is mild today'));
    await askAndRecover(run);
    expect(sentOn(s, 0, 'response.create')).toHaveLength(2);
    expect(sentOn(s, 1, 'response.create')).toHaveLength(1);
    expect(session.responses.at(-1)).toMatchObject({
      status: 'completed',
      text: 'Oslo is mild today',
    });
    expectAnsweredOnce(s);
    await session.close();
  });

  it('a call whose response.done was cut is answered after the restore, once, with one response request', async () => {
    const run = await scenario(dialect);
    cutAfter(run, 'response.output_item.done');
    await askAndRecover(run);
    expect(run.reconnected).toEqual([
      expect.objectContaining({ restoredItems: 2, skippedItems: 0 }),
    ]);
    expectRecoveredAnswer(run);
    await run.session.close();
  });

  it('a call whose arguments were done but whose item was not is restored completed and answered', async () => {
    const run = await scenario(dialect);
    cutAfter(run, 'response.function_call_arguments.done');
    await askAndRecover(run);
    expect(run.reconnected).toEqual([
      expect.objectContaining({ restoredItems: 2, skippedItems: 0 }),
    ]);
    expectRecoveredAnswer(run);
    await run.session.close();
  });

  it('a call cut mid-arguments is not restored, not run and not answered; the mirror stays the server', async () => {
    const run = await scenario(dialect);
    cutAfter(run, 'response.function_call_arguments.delta');
    await askAndRecover(run);
    expect(run.reconnected).toEqual([
      expect.objectContaining({ restoredItems: 1, skippedItems: 1 }),
    ]);
    expect(items(run.s).map((i) => i.type)).toEqual(['message']);
    expect(run.executions).toEqual([]);
    expect(run.finished).toEqual([]);
    expect(sentOn(run.s, 1, 'conversation.item.create')).toHaveLength(1);
    expect(sentOn(run.s, 1, 'response.create')).toEqual([]);
    expect(mirrorView(run.session)).toEqual(serverView(run.s));
    // the session goes on: the next request is served
    run.s.server.queueResponse((ctx) => ctx.text('again?'));
    const done = new Promise((resolve) => run.session.once('response_done', resolve));
    void run.session.response.create();
    await run.s.settle();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    await run.session.close();
  });

  it('an interrupted call (cancelled mid-arguments) of a cut response is withdrawn: not restored, not answered', async () => {
    const run = await scenario(dialect, undefined, { pacing: { textDeltaIntervalMs: 10 } });
    run.session.on('server_event', (e) => {
      if (e.kind === 'event' && e.event.type === 'response.function_call_arguments.delta')
        run.session.response.cancel();
    });
    // the call item ends `incomplete`; the drop comes before the response's response.done
    cutAfter(run, 'response.output_item.done');
    await askAndRecover(run);
    expect(run.reconnected).toEqual([
      expect.objectContaining({ restoredItems: 1, skippedItems: 1 }),
    ]);
    expect(items(run.s).map((i) => i.type)).toEqual(['message']);
    expect(run.executions).toEqual([]);
    expect(run.finished).toEqual([]);
    expect(sentOn(run.s, 1, 'conversation.item.create')).toHaveLength(1);
    expect(sentOn(run.s, 1, 'response.create')).toEqual([]);
    expect(mirrorView(run.session)).toEqual(serverView(run.s));
    expect(run.session.stats.pendingRequests).toBe(0);
    await run.session.close();
  });

  it('the output of an interrupted call, on its way when the socket dropped: the call left out of the restore, the output too, nothing reported', async () => {
    const run = await scenario(dialect, undefined, { pacing: { textDeltaIntervalMs: 10 } });
    run.session.on('server_event', (e) => {
      if (e.kind === 'event' && e.event.type === 'response.function_call_arguments.delta')
        run.session.response.cancel();
    });
    const errors: unknown[] = [];
    run.session.on('error', (e) => errors.push(e.code));
    const warnings = () =>
      run.s.logs.filter((l) => l.level !== 'debug' && l.level !== 'info').map((l) => l.message);
    // the response is done (the call `incomplete`, answered "not run"); the drop takes the output
    cutAfter(run, 'response.done');
    await askAndRecover(run);
    expect(run.reconnected).toEqual([
      expect.objectContaining({ restoredItems: 1, skippedItems: 1 }),
    ]);
    expect(items(run.s).map((i) => i.type)).toEqual(['message']);
    expect(run.executions).toEqual([]);
    expect(errors).toEqual(['SOCKET_CLOSED']);
    expect(warnings()).toEqual(['connection lost', 'reconnecting']);
    expect(mirrorView(run.session)).toEqual(serverView(run.s));
    expect(run.session.stats.pendingRequests).toBe(0);
    await run.session.close();
  });

  it('a call answered before the drop is not answered again; its cut follow-up is requested again, once', async () => {
    const run = await scenario(dialect);
    // the follow-up response was requested and had started when the socket dropped
    cutAfter(run, 'response.created', 2);
    run.s.server.queueResponse((ctx) => ctx.text('Oslo is mild today'));
    await askAndRecover(run);
    expect(items(run.s).map((i) => i.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
    ]);
    expectAnsweredOnce(run.s);
    expect(run.executions).toEqual(['Oslo']);
    expect(run.finished).toHaveLength(1);
    // nothing else would ask the model to answer its calls' outputs
    expect(sentOn(run.s, 1, 'response.create')).toHaveLength(1);
    expect(run.session.responses.at(-1)).toMatchObject({
      status: 'completed',
      text: 'Oslo is mild today',
    });
    expect(mirrorView(run.session)).toEqual(serverView(run.s));
    await run.session.close();
  });

  it('a tool still running when the socket drops is answered after the restore, right after its call', async () => {
    const slow = gate();
    const executions: string[] = [];
    const tool: SessionTool = {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      execute: async (args) => {
        await slow.promise;
        executions.push((args as { city: string }).city);
        return { city: 'Oslo', tempC: 21 };
      },
    };
    const run = await scenario(dialect, tool);
    run.executions = executions;
    cutAfter(run, 'response.output_item.done');
    await askAndRecover(run);
    // restored, not yet answered: the server waits for the output
    expect(items(run.s).map((i) => i.type)).toEqual(['message', 'function_call']);
    expect(sentOn(run.s, 1, 'response.create')).toEqual([]);
    slow.open();
    await run.s.settle();
    expectRecoveredAnswer(run);
    await run.session.close();
  });

  it('an out-of-band call the drop cut before its response.done is still reported with its result: answered nowhere, no follow-up', async () => {
    const slow = gate();
    const tool: SessionTool = {
      name: 'get_weather',
      execute: async () => (await slow.promise, 'sunny'),
    };
    const run = await scenario(dialect, tool);
    const collected: string[] = [];
    run.session.on('function_calls_collected', (c) => collected.push(...c.map((x) => x.callId)));
    cutAfter(run, 'response.output_item.done');
    void run.session.response.create({ response: { conversation: 'none' } }).catch(() => undefined);
    await run.s.settle();
    await run.s.clock.advanceAsync(1000);
    expect(run.s.server.connections).toHaveLength(2);
    expect(run.session.connectionState.status).toBe('open');
    slow.open();
    await run.s.settle();
    // the tool ran: the app hears of it, with its result, as of an out-of-band call not cut
    expect(collected).toEqual(['call_1']);
    expect(run.finished.flat().map((f) => [f.call.callId, f.output])).toEqual([
      ['call_1', 'sunny'],
    ]);
    // its item is in no conversation: no output, no response asked for
    expect(items(run.s).map((i) => i.type)).toEqual(['message']);
    expect(
      sentOn(run.s, 1, 'conversation.item.create').filter(
        (e) => (e['item'] as { type: string }).type === 'function_call_output',
      ),
    ).toEqual([]);
    expect(sentOn(run.s, 1, 'response.create')).toEqual([]);
    await run.session.close();
  });
});

describe('function calls across a reconnect (ga only)', () => {
  it('a call whose conversation.item.done arrived but whose response.output_item.done was cut is answered', async () => {
    // GA sends conversation.item.done before response.output_item.done (beta has no item.done)
    const run = await scenario('ga');
    cutAfter(run, 'conversation.item.done', 2);
    await askAndRecover(run);
    expect(run.reconnected).toEqual([
      expect.objectContaining({ restoredItems: 2, skippedItems: 0 }),
    ]);
    expectRecoveredAnswer(run);
    await run.session.close();
  });
});
