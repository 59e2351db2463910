import { getEventListeners } from 'node:events';
/**
 * Function calling against the in-memory fake server, GA and beta: single and parallel calls,
 * every error path, cancelled and slow calls, the required-loop cap, tool-set updates and the
 * AbortSignal on close. Deterministic: the simulated clock and deferred promises only.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ServerError, type SessionError } from '../src/errors.js';
import type { SessionTool } from '../src/features/builtins.js';
import { defineTool } from '../src/tools/tool.js';
import type { CalledFunction, FunctionCallInfo } from '../src/tools/types.js';
import type { RealtimeSession } from '../src/session.js';
import { DIALECTS, gate, openSession, outcome, setup, type Setup } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.pipe(v.string(), v.minLength(1)) }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});
const time: SessionTool = {
  name: 'get_time',
  description: 'The time',
  parameters: { type: 'object', properties: {} },
  execute: () => '12:00',
};

function calls(session: RealtimeSession) {
  const collected: (readonly FunctionCallInfo[])[] = [];
  const finished: (readonly CalledFunction[])[] = [];
  const errors: SessionError[] = [];
  session.on('function_calls_collected', (c) => collected.push(c));
  session.on('function_calls_finished', (c) => finished.push(c));
  session.on('error', (e) => errors.push(e));
  return { collected, finished, errors };
}

const sent = (s: Setup, type: string) => s.server.clientEvents.filter((e) => e['type'] === type);

/** The server refuses the `session.update` with `eventId` over its tools (an error, no echo). */
const refuseToolsUpdate = (s: Setup, eventId: unknown) =>
  s.server.emit({
    type: 'error',
    event_id: 'event_refused',
    error: {
      type: 'invalid_request_error',
      code: 'invalid_value',
      message: 'Invalid schema for function',
      param: 'session.tools[0].parameters',
      event_id: eventId as string | undefined,
    },
  });
const conv = (s: Setup) =>
  s.server.conversation.map((i) => ({
    id: i['id'],
    type: i['type'],
    call_id: i['call_id'],
    output: i['output'],
  }));

async function userTurn(s: Setup, session: RealtimeSession, text: string): Promise<void> {
  await Promise.all([
    session.conversation.item.create({ role: 'user', content: text }),
    s.settle(),
  ]);
  await Promise.all([session.response.create(), s.settle()]);
  await s.settle();
}

describe.each(DIALECTS)('function calling (%s)', (dialect) => {
  it('runs a single call, answers it right after its call item, and requests ONE follow-up response', async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_1' }),
    );
    s.server.queueResponse((ctx) => ctx.text(`It is ${ctx.input.at(-1)?.['output'] as string}`));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'weather in Oslo?');

    expect(seen.collected).toEqual([
      [
        expect.objectContaining({
          callId: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Oslo"}',
        }),
      ],
    ]);
    expect(seen.finished[0]).toEqual([
      expect.objectContaining({
        parsedArguments: { city: 'Oslo' },
        result: { city: 'Oslo', tempC: 21 },
        output: '{"city":"Oslo","tempC":21}',
      }),
    ]);
    const items = conv(s);
    expect(items.map((i) => i.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
    ]);
    expect(items[2]).toMatchObject({ call_id: 'call_1', output: '{"city":"Oslo","tempC":21}' });
    expect(sent(s, 'response.create')).toHaveLength(2);
    expect(session.responses.at(-1)?.text).toBe('It is {"city":"Oslo","tempC":21}');
    expect(seen.errors).toEqual([]);
    await session.close();
  });

  it('runs parallel calls concurrently and answers them with one response request after all outputs exist', async () => {
    const slow = gate();
    const order: string[] = [];
    const a: SessionTool = {
      name: 'slow_a',
      execute: async () => (await slow.promise, order.push('a'), 'A'),
    };
    const b: SessionTool = { name: 'fast_b', execute: () => (order.push('b'), 'B') };
    const s = setup(dialect, { tools: [a, b] });
    s.server.queueResponse((ctx) => {
      ctx.callFunction('slow_a', {}, { callId: 'call_a' });
      ctx.callFunction('fast_b', {}, { callId: 'call_b' });
    });
    s.server.queueResponse((ctx) => ctx.text('done'));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'both please');
    // b finished, a still running: nothing answered, no response requested yet
    expect(order).toEqual(['b']);
    expect(seen.collected[0]?.map((c) => c.callId)).toEqual(['call_a', 'call_b']);
    expect(
      sent(s, 'conversation.item.create').filter(
        (e) => (e['item'] as { type: string }).type === 'function_call_output',
      ),
    ).toHaveLength(0);
    expect(sent(s, 'response.create')).toHaveLength(1);

    slow.open();
    await s.settle();
    expect(order).toEqual(['b', 'a']);
    const items = conv(s);
    expect(items.map((i) => i.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'function_call',
      'function_call_output',
      'message',
    ]);
    expect([items[2]?.call_id, items[4]?.call_id]).toEqual(['call_a', 'call_b']);
    const types = s.server.clientEvents.map((e) => e['type']);
    expect(types.filter((t) => t === 'response.create')).toHaveLength(2);
    // the follow-up goes out after both outputs were created
    expect(types.lastIndexOf('conversation.item.create')).toBeLessThan(
      types.lastIndexOf('response.create'),
    );
    expect(seen.finished[0]?.map((f) => f.output)).toEqual(['A', 'B']);
    await session.close();
  });

  it('answers every failure with a clear error text: unknown tool, bad JSON, invalid arguments, thrown error', async () => {
    const boom: SessionTool = {
      name: 'boom',
      execute: () => {
        throw new Error('disk on fire');
      },
    };
    const s = setup(dialect, { tools: [weather, boom] });
    s.server.queueResponse((ctx) => {
      ctx.callFunction('nope', {}, { callId: 'c1' });
      ctx.callFunction('get_weather', '{"city": "Os', { callId: 'c2' });
      ctx.callFunction('get_weather', { city: '' }, { callId: 'c3' });
      ctx.callFunction('boom', {}, { callId: 'c4' });
    });
    s.server.queueResponse((ctx) => ctx.text('sorry'));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'go');

    const finished = seen.finished[0] ?? [];
    expect(finished.map((f) => f.error?.kind)).toEqual([
      'unknown_tool',
      'invalid_json',
      'invalid_arguments',
      'execution_error',
    ]);
    const outputs = s.server.conversation
      .filter((i) => i['type'] === 'function_call_output')
      .map((i) => i['output']);
    expect(outputs).toEqual([
      'Error: there is no function named "nope". Available functions: get_weather, boom.',
      expect.stringMatching(/^Error: the arguments for get_weather are not valid JSON/),
      expect.stringMatching(/^Error: invalid arguments for get_weather: city: /),
      'Error: boom failed: disk on fire',
    ]);
    expect(sent(s, 'response.create')).toHaveLength(2);
    expect(seen.errors).toEqual([]);
    await session.close();
  });

  it('answers a tool that throws something with no text form (a null-prototype object, a plain object, an empty Error) and still answers the other calls', async () => {
    const tools: SessionTool[] = [
      {
        name: 'throws_bare',
        execute: () => {
          // String() of a null-prototype object throws: it has no toString
          throw Object.create(null) as unknown;
        },
      },
      {
        name: 'throws_object',
        execute: () => {
          throw { code: 'E_QUOTA', retryAfterS: 30 };
        },
      },
      {
        name: 'throws_empty',
        execute: () => Promise.reject(new RangeError()),
      },
      { name: 'works', execute: () => 'fine' },
    ];
    const s = setup(dialect, { tools });
    s.server.queueResponse((ctx) => tools.forEach((t) => ctx.callFunction(t.name, {})));
    s.server.queueResponse((ctx) => ctx.text('sorry'));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'go');

    expect(seen.finished[0]?.map((f) => f.error?.kind)).toEqual([
      'execution_error',
      'execution_error',
      'execution_error',
      undefined,
    ]);
    expect(
      s.server.conversation
        .filter((i) => i['type'] === 'function_call_output')
        .map((i) => i['output']),
    ).toEqual([
      'Error: throws_bare failed: [object Object]',
      'Error: throws_object failed: {"code":"E_QUOTA","retryAfterS":30}',
      'Error: throws_empty failed: RangeError',
      'fine',
    ]);
    expect(sent(s, 'response.create')).toHaveLength(2);
    await session.close();
  });

  it('a formatToolError that throws or returns no string falls back to the default text: every call is still answered', async () => {
    const boom: SessionTool = {
      name: 'boom',
      execute: () => {
        throw new Error('disk on fire');
      },
    };
    const s = setup(dialect, {
      tools: [boom, weather],
      formatToolError: (failure) => {
        if (failure.kind === 'execution_error') throw new Error('formatter bug');
        return undefined as unknown as string;
      },
    });
    s.server.queueResponse((ctx) => {
      ctx.callFunction('boom', {}, { callId: 'c1' });
      ctx.callFunction('nope', {}, { callId: 'c2' });
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'c3' });
    });
    s.server.queueResponse((ctx) => ctx.text('sorry'));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'go');

    expect(seen.finished[0]?.map((f) => f.output)).toEqual([
      'Error: boom failed: disk on fire',
      'Error: there is no function named "nope". Available functions: boom, get_weather.',
      '{"city":"Oslo","tempC":21}',
    ]);
    expect(
      s.server.conversation
        .filter((i) => i['type'] === 'function_call_output')
        .map((i) => i['call_id']),
    ).toEqual(['c1', 'c2', 'c3']);
    expect(sent(s, 'response.create')).toHaveLength(2);
    expect(seen.errors).toEqual([]);
    await session.close();
  });

  it('holds arguments to a plain JSON Schema: a call that breaks it is answered with the reasons, and the corrected call runs', async () => {
    const executed: unknown[] = [];
    const lookup: SessionTool = {
      name: 'lookup_order',
      parameters: {
        type: 'object',
        properties: { orderId: { type: 'string', pattern: '^ord_' } },
        required: ['orderId'],
      },
      execute: (args) => (executed.push(args), 'shipped'),
    };
    const s = setup(dialect, { tools: [lookup] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { orderId: 42 }, { callId: 'c1' }),
    );
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { orderId: 'ord_42' }, { callId: 'c2' }),
    );
    s.server.queueResponse((ctx) => ctx.text('It has shipped.'));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'where is my order?');

    expect(seen.finished.map((round) => round.map((f) => f.error?.issues))).toEqual([
      [[{ path: 'orderId', message: 'Instance type "number" is invalid. Expected "string"' }]],
      [undefined],
    ]);
    expect(executed).toEqual([{ orderId: 'ord_42' }]);
    expect(
      s.server.conversation
        .filter((i) => i['type'] === 'function_call_output')
        .map((i) => i['output']),
    ).toEqual([
      'Error: invalid arguments for lookup_order: orderId: Instance type "number" is invalid. Expected "string". Call it again with corrected arguments.',
      'shipped',
    ]);
    expect(sent(s, 'response.create')).toHaveLength(3);
    await session.close();
  });

  it('answers a call whose response was cancelled while the arguments were being written', async () => {
    const s = setup(dialect, { tools: [weather] }, { pacing: { textDeltaIntervalMs: 10 } });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Reykjavik and beyond' }, { callId: 'c_cut' }),
    );
    s.server.queueResponse((ctx) => ctx.text('ok'));
    const session = await openSession(s);
    const seen = calls(session);
    session.on('server_event', (e) => {
      if (e.kind === 'event' && e.event.type === 'response.function_call_arguments.delta')
        session.response.cancel();
    });
    await userTurn(s, session, 'weather?');
    await s.clock.advanceAsync(1000);

    expect(session.responses[0]?.status).toBe('cancelled');
    expect(seen.finished[0]?.[0]?.error?.kind).toBe('interrupted');
    const out = s.server.conversation.find((i) => i['type'] === 'function_call_output');
    expect(out).toMatchObject({ call_id: 'c_cut', output: expect.stringMatching(/interrupted/) });
    // the app cancelled: the call is answered, but no follow-up response is asked for
    expect(sent(s, 'response.create')).toHaveLength(1);
    await session.close();
  });

  it.each([
    [undefined, 1],
    [true, 2],
  ])(
    'a response cancelled after its call was complete (a barge-in): the call runs and is answered; followUpCancelledCalls %s → %i response.create',
    async (followUpCancelledCalls, creates) => {
      const s = setup(
        dialect,
        { tools: [weather], followUpCancelledCalls },
        { pacing: { textDeltaIntervalMs: 10 } },
      );
      s.server.queueResponse((ctx) => {
        ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'c_done' });
        ctx.say('Let me check the weather in Oslo for you, it takes a moment.');
      });
      if (followUpCancelledCalls) s.server.queueResponse((ctx) => ctx.text('It is 21 degrees.'));
      s.server.queueResponse((ctx) => ctx.text('Sure, what else?'));
      const session = await openSession(s);
      const seen = calls(session);
      let cancelled = false;
      session.on('server_event', (e) => {
        // the user talks over the announcement that follows the complete call
        if (
          !cancelled &&
          e.kind === 'event' &&
          (e.event.type === 'response.output_audio_transcript.delta' ||
            e.event.type === 'response.output_text.delta')
        ) {
          cancelled = true;
          session.response.cancel();
        }
      });
      await userTurn(s, session, 'weather in Oslo?');
      await s.clock.advanceAsync(1000);

      expect(session.responses[0]?.status).toBe('cancelled');
      expect(seen.finished[0]?.[0]).toMatchObject({ call: { callId: 'c_done' } });
      expect(seen.finished[0]?.[0]?.error).toBeUndefined();
      expect(conv(s).find((i) => i.type === 'function_call_output')).toMatchObject({
        call_id: 'c_done',
        output: JSON.stringify({ city: 'Oslo', tempC: 21 }),
      });
      // by default the user moved on: the old question is not answered over the new one
      await s.clock.advanceAsync(1000);
      expect(sent(s, 'response.create')).toHaveLength(creates);
      expect(seen.errors).toEqual([]);

      // the user's next turn gets the answer, and that response sees the output
      await userTurn(s, session, 'never mind');
      await s.clock.advanceAsync(1000);
      expect(sent(s, 'response.create')).toHaveLength(creates + 1);
      expect(session.responses.at(-1)?.status).toBe('completed');
      expect(session.responses.at(-1)?.output[0]?.content[0]?.text).toBe('Sure, what else?');
      await session.close();
    },
  );

  it('a slow tool interrupted by a new user turn is still answered, right after its call item', async () => {
    const slow = gate();
    const lookup: SessionTool = {
      name: 'lookup',
      execute: async () => (await slow.promise, 'found it'),
    };
    const s = setup(dialect, { tools: [lookup] });
    s.server.queueResponse((ctx) => ctx.callFunction('lookup', {}, { callId: 'c_slow' }));
    s.server.queueResponse((ctx) => ctx.text('meanwhile: hello'));
    s.server.queueResponse((ctx) => ctx.text('the lookup says: found it'));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'look it up');
    expect(seen.finished).toEqual([]);

    // the user moves on while the tool runs
    await userTurn(s, session, 'actually, hello');
    expect(conv(s).map((i) => i.type)).toEqual(['message', 'function_call', 'message', 'message']);

    slow.open();
    await s.settle();
    const items = conv(s);
    expect(items.map((i) => i.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
      'message',
      'message',
    ]);
    expect(items[2]).toMatchObject({ call_id: 'c_slow', output: 'found it' });
    expect(seen.finished[0]?.[0]?.output).toBe('found it');
    expect(sent(s, 'response.create')).toHaveLength(3);
    expect(session.responses.at(-1)?.text).toBe('the lookup says: found it');
    await session.close();
  });

  it('stops a tool_choice "required" loop after maxToolOnlyRounds with a TOOL_LOOP_LIMIT error', async () => {
    const s = setup(dialect, { tools: [weather], toolChoice: 'required', maxToolOnlyRounds: 2 });
    s.server.onResponse((ctx) => ctx.callFunction('get_weather', { city: 'Oslo' }));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'weather');
    await s.settle();

    // the app's request + 2 follow-ups; the third tool-only response gets no follow-up
    expect(sent(s, 'response.create')).toHaveLength(3);
    expect(seen.finished).toHaveLength(3);
    expect(s.server.conversation.filter((i) => i['type'] === 'function_call_output')).toHaveLength(
      3,
    );
    expect(seen.errors).toEqual([
      expect.objectContaining({
        name: 'ToolError',
        code: 'TOOL_LOOP_LIMIT',
        data: { maxToolOnlyRounds: 2 },
      }),
    ]);

    // a user turn resets the count: the loop may run again, up to the cap
    await userTurn(s, session, 'again');
    await s.settle();
    expect(sent(s, 'response.create')).toHaveLength(6);
    expect(seen.errors).toHaveLength(2);
    await session.close();
  });

  it.each(['incomplete', 'failed'] as const)(
    'counts a tool-only response that ended %s toward the loop cap: its follow-ups are not endless',
    async (ending) => {
      const s = setup(dialect, { tools: [weather], maxToolOnlyRounds: 2 });
      // five responses call, then end short of completed (a token limit, a server failure);
      // scripted, not endless: uncounted, the follow-ups would never stop
      for (let i = 0; i < 5; i++)
        s.server.queueResponse((ctx) => {
          ctx.callFunction('get_weather', { city: 'Oslo' });
          if (ending === 'incomplete') ctx.incomplete();
          else ctx.fail();
        });
      s.server.queueResponse((ctx) => ctx.text('done'));
      const session = await openSession(s);
      const seen = calls(session);
      await userTurn(s, session, 'weather');
      await s.settle();

      // the app's request + 2 follow-ups; the third tool-only response gets no follow-up
      expect(sent(s, 'response.create')).toHaveLength(3);
      expect(seen.errors.filter((e) => e.code === 'TOOL_LOOP_LIMIT')).toHaveLength(1);
      await session.close();
    },
  );

  it('sends tools in session.update and again whenever the tool set changes', async () => {
    const s = setup(dialect, { tools: [weather] });
    const session = await openSession(s);
    const updates = () =>
      sent(s, 'session.update').map((e) =>
        (e['session'] as { tools?: { name: string }[] }).tools?.map((t) => t.name),
      );
    expect(updates()).toEqual([['get_weather']]);
    expect(session.tools).toEqual([weather]);

    await Promise.all([session.setTools([weather, time]), s.settle()]);
    expect(updates()).toEqual([['get_weather'], ['get_weather', 'get_time']]);
    expect((s.server.sessionConfig?.['tools'] as { name: string }[]).map((t) => t.name)).toEqual([
      'get_weather',
      'get_time',
    ]);
    const [first] = sent(s, 'session.update');
    expect((first?.['session'] as { tools: unknown[] }).tools[0]).toEqual({
      type: 'function',
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', minLength: 1 } },
        required: ['city'],
      },
    });

    // the same set again: nothing to tell the server
    await Promise.all([session.setTools([weather, time]), s.settle()]);
    expect(updates()).toHaveLength(2);

    // a bad set is refused with a typed error and the old one stays
    await expect(session.setTools([{ name: 'bad name!', execute: () => 1 }])).rejects.toMatchObject(
      { name: 'ToolError', code: 'INVALID_TOOL' },
    );
    await expect(session.setTools([weather, weather])).rejects.toMatchObject({
      code: 'DUPLICATE_TOOL',
    });
    // a set that is no list: INVALID_ARGUMENT naming it, not a bare TypeError from inside
    for (const bad of [null, undefined, 'get_weather', { weather }])
      await expect(session.setTools(bad as never), String(bad)).rejects.toMatchObject({
        name: 'VoxwireError',
        code: 'INVALID_ARGUMENT',
        data: { argument: 'tools' },
      });
    await expect(session.sessionUpdate({ tools: 'x' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument: 'tools' },
    });
    // an update that is no object is refused, not sent unchanged (or read as options 0, 1, …)
    for (const bad of [null, 42, 'x', [1]])
      await expect(session.sessionUpdate(bad as never), String(bad)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'partial' },
      });
    expect(session.tools.map((t) => t.name)).toEqual(['get_weather', 'get_time']);

    // sessionUpdate takes tools too; removing every tool is sent as []
    await Promise.all([session.sessionUpdate({ tools: [], voice: 'marin' }), s.settle()]);
    expect(updates().at(-1)).toEqual([]);
    await session.close();
  });

  it('a setTools the server refuses leaves the tools it has: later updates and calls use them, as after a refused sessionUpdate', async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'c1' }),
    );
    s.server.queueResponse((ctx) => ctx.text('mild'));
    const session = await openSession(s);
    const seen = calls(session);
    // the server refuses the update carrying the new tools (an error naming it, no echo)
    s.server.faults.drop('session.updated', 2);
    const refused = outcome(session.setTools([time]));
    await s.settle();
    const update = sent(s, 'session.update').at(-1);
    refuseToolsUpdate(s, update?.['event_id']);
    await s.settle();
    expect(refused.error).toBeInstanceOf(ServerError);
    expect(session.tools.map((t) => t.name)).toEqual(['get_weather']);

    // the next update carries the tools the server has, not the refused ones
    await Promise.all([session.sessionUpdate({ instructions: 'Be brief.' }), s.settle()]);
    const tools = sent(s, 'session.update').at(-1)?.['session'] as { tools?: { name: string }[] };
    expect(tools.tools?.map((t) => t.name)).toEqual(['get_weather']);
    await userTurn(s, session, 'weather in Oslo?');
    expect(seen.finished[0]?.[0]).toMatchObject({ output: '{"city":"Oslo","tempC":21}' });
    await session.close();
  });

  it('a setTools of the tools still waiting for their echo settles with that update: refused, both reject and the tools fall back', async () => {
    const s = setup(dialect, { tools: [weather] });
    const session = await openSession(s);
    s.server.faults.drop('session.updated', 2);
    const updatesBefore = sent(s, 'session.update').length;
    const first = outcome(session.setTools([time]));
    await s.settle();
    // the same set again (a copy: same wire form, new object) while the first is unconfirmed
    const second = outcome(session.setTools([{ ...time }]));
    await s.settle();
    expect(second.done).toBe(false);
    expect(sent(s, 'session.update')).toHaveLength(updatesBefore + 1);
    refuseToolsUpdate(s, sent(s, 'session.update').at(-1)?.['event_id']);
    await s.settle();
    expect(first.error).toBeInstanceOf(ServerError);
    expect(second.error).toBe(first.error);
    expect(session.tools.map((t) => t.name)).toEqual(['get_weather']);
    await session.close();
  });

  it('a setTools of the tools a sessionUpdate still waits for settles with it: refused, both reject and the tools fall back', async () => {
    const s = setup(dialect, { tools: [weather] });
    const session = await openSession(s);
    s.server.faults.drop('session.updated', 2);
    const updatesBefore = sent(s, 'session.update').length;
    const updating = outcome(session.sessionUpdate({ tools: [time] }));
    await s.settle();
    const again = outcome(session.setTools([time]));
    await s.settle();
    expect(again.done).toBe(false);
    expect(sent(s, 'session.update')).toHaveLength(updatesBefore + 1);
    refuseToolsUpdate(s, sent(s, 'session.update').at(-1)?.['event_id']);
    await s.settle();
    expect(updating.error).toBeInstanceOf(ServerError);
    expect(again.error).toBe(updating.error);
    expect(session.tools.map((t) => t.name)).toEqual(['get_weather']);
    await session.close();
  });

  it('a setTools the drop cut before its echo: the restore sends the tools the server had confirmed, then the new set again, which settles setTools', async () => {
    const s = setup(dialect, { random: () => 0, tools: [weather] });
    const session = await openSession(s);
    session.on('error', () => undefined);
    // written to the socket; the connection drops before the echo comes back
    s.server.faults.closeAt('session.updated', { occurrence: 2, when: 'before', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    const set = outcome(session.setTools([time]));
    await s.clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(s.server.connections).toHaveLength(2);
    const names = (e: Record<string, unknown>) =>
      ((e['session'] as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name);
    const updates = s.server.connections[1]!.clientEvents.filter(
      (e) => e['type'] === 'session.update',
    );
    // the restore configures the fresh server as the old one was; the change follows on its own
    expect(updates.map(names)).toEqual([['get_weather'], ['get_time']]);
    expect(set.done).toBe(true);
    expect(set.error).toBeUndefined();
    expect(names({ session: s.server.sessionConfig })).toEqual(['get_time']);
    expect(session.tools.map((t) => t.name)).toEqual(['get_time']);
    expect(session.stats.pendingRequests).toBe(0);
    await session.close();
  });

  it('a setTools the drop cut, refused by the fresh server: it rejects, the fresh server keeps the confirmed tools, and the session stays open', async () => {
    const s = setup(dialect, { random: () => 0, tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'c1' }),
    );
    s.server.queueResponse((ctx) => ctx.text('mild'));
    const session = await openSession(s);
    const seen = calls(session);
    s.server.faults.closeAt('session.updated', { occurrence: 2, when: 'before', code: 1006 });
    session.once('disconnected', () => {
      s.server.faults.clear();
      // the fresh server answers the restore, but not the re-sent change (refused below)
      s.server.faults.drop('session.updated', 2);
    });
    const set = outcome(session.setTools([time]));
    await s.clock.advanceAsync(1_000);
    expect(session.connectionState.status).toBe('open');
    const updates = s.server.connections[1]!.clientEvents.filter(
      (e) => e['type'] === 'session.update',
    );
    expect(updates).toHaveLength(2);
    refuseToolsUpdate(s, updates[1]?.['event_id']);
    await s.settle();
    expect(set.error).toBeInstanceOf(ServerError);
    expect(session.connectionState.status).toBe('open');
    expect(seen.errors.map((e) => e.code)).not.toContain('SESSION_CONFIG_REFUSED');
    // the restore gave the fresh server the tools the old one had: the model can still call them
    expect(session.tools.map((t) => t.name)).toEqual(['get_weather']);
    const restored = (updates[0]?.['session'] as { tools?: { name: string }[] }).tools;
    expect(restored?.map((t) => t.name)).toEqual(['get_weather']);
    await userTurn(s, session, 'weather in Oslo?');
    expect(seen.finished[0]?.[0]).toMatchObject({ output: '{"city":"Oslo","tempC":21}' });
    await session.close();
  });

  it('function_calls_collected hands out copies: a listener editing a call cannot change what the runner answers or reports', async () => {
    const slow = gate();
    const tool: SessionTool = {
      name: 'slow',
      execute: async () => {
        await slow.promise;
        return 'S';
      },
    };
    const s = setup(dialect, { tools: [tool] });
    s.server.queueResponse((ctx) => ctx.callFunction('slow', {}, { callId: 'call_1' }));
    s.server.queueResponse((ctx) => ctx.text('done'));
    const session = await openSession(s);
    const seen = calls(session);
    session.on('function_calls_collected', (collected) => {
      const call = collected[0] as { -readonly [K in keyof FunctionCallInfo]: FunctionCallInfo[K] };
      call.callId = 'call_hijacked';
      call.itemId = 'item_hijacked';
      call.name = 'hijacked';
    });
    await userTurn(s, session, 'go');
    slow.open();
    await s.settle();
    const output = conv(s).find((i) => i.type === 'function_call_output');
    expect(output).toMatchObject({ call_id: 'call_1', output: 'S' });
    expect(seen.finished[0]?.[0]?.call).toMatchObject({ callId: 'call_1', name: 'slow' });
    expect(seen.finished[0]?.[0]?.call.itemId).not.toBe('item_hijacked');
    expect(seen.errors).toEqual([]);
    await session.close();
  });

  it('runs and reports the calls of an out-of-band response but answers none: their items are not in the conversation', async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_oob' }),
    );
    const session = await openSession(s);
    const seen = calls(session);
    await Promise.all([
      session.response.create({ response: { conversation: 'none' } }),
      s.settle(),
    ]);
    await s.settle();
    expect(seen.collected).toEqual([
      [expect.objectContaining({ callId: 'call_oob', name: 'get_weather' })],
    ]);
    // an output after the call item would be refused (item_not_found): none is sent and no
    // follow-up response is asked for; the app gets the call and its result
    expect(s.server.conversation).toEqual([]);
    expect(sent(s, 'conversation.item.create')).toEqual([]);
    expect(sent(s, 'response.create')).toHaveLength(1);
    expect(seen.finished).toEqual([
      [
        expect.objectContaining({
          call: expect.objectContaining({ callId: 'call_oob' }),
          result: expect.anything(),
        }),
      ],
    ]);
    expect(seen.errors).toEqual([]);
    // its items are in no conversation: the mirror lacking them is expected, not warned of
    expect(s.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([]);
    await session.close();
  });

  it.each(['generate', 'create'] as const)(
    'a call to a function only given to that response (%s with its own tools) is left to the app: reported, not answered',
    async (how) => {
      const s = setup(dialect, { tools: [weather] });
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_app' }),
      );
      s.server.queueResponse((ctx) => ctx.text('your order ships tomorrow'));
      const session = await openSession(s);
      const seen = calls(session);
      const lookupOrder = {
        type: 'function' as const,
        name: 'lookup_order',
        description: 'An order by id',
        parameters: { type: 'object', properties: { id: { type: 'string' } } },
      };
      const response = { tools: [lookupOrder] };
      await Promise.all([
        how === 'generate'
          ? session.response.generate({ response })
          : session.response.create({ response }),
        s.settle(),
      ]);
      await s.settle();
      expect(seen.collected).toEqual([
        [expect.objectContaining({ callId: 'call_app', name: 'lookup_order' })],
      ]);
      // the runner neither answers it (no unknown_tool text) nor asks for a response
      expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([]);
      expect(sent(s, 'response.create')).toHaveLength(1);
      expect(seen.finished).toEqual([]);
      // the app answers it and asks for the response itself
      await Promise.all([
        session.conversation.item.create({
          type: 'function_call_output',
          callId: 'call_app',
          output: '{"ships":"tomorrow"}',
        }),
        s.settle(),
      ]);
      await Promise.all([session.response.create(), s.settle()]);
      await s.settle();
      expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([
        expect.objectContaining({ call_id: 'call_app', output: '{"ships":"tomorrow"}' }),
      ]);
      expect(session.responses.at(-1)?.text).toBe('your order ships tomorrow');
      expect(seen.errors).toEqual([]);
      await session.close();
    },
  );

  it('a response calling a session tool and a function of its own: the runner answers its call, and leaves the follow-up to the app', async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) => {
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_w' });
      ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_app' });
    });
    const session = await openSession(s);
    const seen = calls(session);
    const lookupOrder = { type: 'function' as const, name: 'lookup_order', parameters: {} };
    await Promise.all([
      session.response.generate({ response: { tools: [lookupOrder] } }),
      s.settle(),
    ]);
    await s.settle();
    expect(seen.collected[0]?.map((c) => c.callId)).toEqual(['call_w', 'call_app']);
    expect(seen.finished[0]?.map((c) => c.call.callId)).toEqual(['call_w']);
    expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([
      expect.objectContaining({ call_id: 'call_w' }),
    ]);
    // a response now would run without the app's output
    expect(sent(s, 'response.create')).toHaveLength(1);
    await session.close();
  });

  it.each(['generate', 'create'] as const)(
    'an executable tool given to one response (%s) is sent as its JSON Schema and run for that response only',
    async (how) => {
      const s = setup(dialect, { tools: [weather] });
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_own' }),
      );
      s.server.queueResponse((ctx) => ctx.text('ships tomorrow'));
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '43' }, { callId: 'call_later' }),
      );
      s.server.queueResponse((ctx) => ctx.text('sorry'));
      const session = await openSession(s);
      const seen = calls(session);
      const lookupOrder = defineTool({
        name: 'lookup_order',
        description: 'An order by id',
        parameters: v.object({ id: v.string() }),
        execute: ({ id }) => ({ id, ships: 'tomorrow' }),
      });
      const response = { tools: [lookupOrder] };
      await Promise.all([
        how === 'generate'
          ? session.response.generate({ response })
          : session.response.create({ response }),
        s.settle(),
      ]);
      await s.settle();
      expect((sent(s, 'response.create')[0]?.['response'] as { tools: unknown }).tools).toEqual([
        {
          type: 'function',
          name: 'lookup_order',
          description: 'An order by id',
          parameters: {
            type: 'object',
            properties: { id: { type: 'string' } },
            required: ['id'],
          },
        },
      ]);
      expect(seen.finished[0]?.[0]).toMatchObject({ output: '{"id":"42","ships":"tomorrow"}' });
      expect(session.responses.at(-1)?.text).toBe('ships tomorrow');
      // another response was not given it: the call is answered as unknown
      await userTurn(s, session, 'and the other one?');
      expect(seen.finished[1]?.[0]?.error).toMatchObject({ kind: 'unknown_tool' });
      // an invalid one is refused before anything is sent
      const before = sent(s, 'response.create').length;
      await expect(
        session.response.generate({
          response: { tools: [{ ...lookupOrder, name: 'bad name' }] },
        }),
      ).rejects.toMatchObject({ code: 'INVALID_TOOL' });
      expect(sent(s, 'response.create')).toHaveLength(before);
      await session.close();
    },
  );

  it('a session without tools runs the executable tools given to one response, and leaves any other call to the app', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) => {
      ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_own' });
      ctx.callFunction('app_fn', {}, { callId: 'call_app' });
    });
    const session = await openSession(s);
    const seen = calls(session);
    const lookupOrder = defineTool({
      name: 'lookup_order',
      parameters: v.object({ id: v.string() }),
      execute: ({ id }) => `order ${id} ships tomorrow`,
    });
    await Promise.all([
      session.response.generate({
        response: { tools: [lookupOrder, { type: 'function', name: 'app_fn', parameters: {} }] },
      }),
      s.settle(),
    ]);
    await s.settle();
    expect(seen.collected[0]?.map((c) => c.callId)).toEqual(['call_own', 'call_app']);
    expect(seen.finished[0]?.map((c) => c.output)).toEqual(['order 42 ships tomorrow']);
    expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([
      expect.objectContaining({ call_id: 'call_own', output: 'order 42 ships tomorrow' }),
    ]);
    // the app still owes app_fn's output: no follow-up yet
    expect(sent(s, 'response.create')).toHaveLength(1);
    // and the session still sends no tools of its own
    expect(sent(s, 'session.update').every((e) => !('tools' in (e['session'] as object)))).toBe(
      true,
    );
    await session.close();
  });

  it('a per-response function called in another response (not in its tool set) is still answered as unknown', async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) => ctx.text('ok'));
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_later' }),
    );
    s.server.queueResponse((ctx) => ctx.text('sorry'));
    const session = await openSession(s);
    const seen = calls(session);
    const lookupOrder = { type: 'function' as const, name: 'lookup_order', parameters: {} };
    await Promise.all([
      session.response.generate({ response: { tools: [lookupOrder] } }),
      s.settle(),
    ]);
    await s.settle();
    await userTurn(s, session, 'and my order?');
    expect(seen.finished[0]?.[0]?.error).toMatchObject({ kind: 'unknown_tool' });
    expect(conv(s).filter((i) => i.type === 'function_call_output')).toEqual([
      expect.objectContaining({ call_id: 'call_later' }),
    ]);
    await session.close();
  });

  it('out-of-band tool-only responses do not count toward maxToolOnlyRounds', async () => {
    const s = setup(dialect, { tools: [weather], maxToolOnlyRounds: 1 });
    for (const callId of ['call_oob_1', 'call_oob_2', 'call_oob_3'])
      s.server.queueResponse((ctx) =>
        ctx.callFunction('get_weather', { city: 'Oslo' }, { callId }),
      );
    const session = await openSession(s);
    const seen = calls(session);
    for (let i = 0; i < 3; i++) {
      await Promise.all([
        session.response.create({ response: { conversation: 'none' } }),
        s.settle(),
      ]);
      await s.settle();
    }
    expect(seen.finished).toHaveLength(3);
    expect(seen.errors).toEqual([]);
    await session.close();
  });

  it('a session without tools sends none and leaves function calls to the app, telling it which', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'c_app' }),
    );
    const session = await openSession(s);
    const seen = calls(session);
    expect(sent(s, 'session.update')[0]?.['session']).not.toHaveProperty('tools');
    await userTurn(s, session, 'weather');
    // the seed's event, once per response: the app answers these calls itself
    const call = s.server.conversation.find((i) => i['type'] === 'function_call');
    expect(seen.collected).toEqual([
      [
        {
          callId: 'c_app',
          itemId: call?.['id'],
          name: 'get_weather',
          arguments: JSON.stringify({ city: 'Oslo' }),
          responseId: session.responses[0]?.id,
        },
      ],
    ]);
    // nothing runs, nothing is answered, no follow-up
    expect(seen.finished).toEqual([]);
    expect(sent(s, 'response.create')).toHaveLength(1);
    // the same response.done again under an event_id of its own (a relay's redelivery): once
    s.server.emit({
      type: 'response.done',
      response: {
        id: session.responses[0]?.id,
        object: 'realtime.response',
        status: 'completed',
        output: [call],
      },
    } as never);
    await s.settle();
    expect(seen.collected).toHaveLength(1);
    await Promise.all([
      session.conversation.item.create({
        type: 'function_call_output',
        callId: 'c_app',
        output: '21 C',
      }),
      s.settle(),
    ]);
    expect(conv(s).at(-1)).toMatchObject({ type: 'function_call_output', output: '21 C' });
    await session.close();
  });

  it('many parallel calls leave no abort listeners behind on the signal given to tools', async () => {
    let signal: AbortSignal | undefined;
    const tools: SessionTool[] = Array.from({ length: 12 }, (_, i) => ({
      name: `t${i}`,
      execute: (_args, context) => {
        signal = context.signal;
        return i;
      },
    }));
    const s = setup(dialect, { tools });
    s.server.queueResponse((ctx) => tools.forEach((t) => ctx.callFunction(t.name, {})));
    s.server.queueResponse((ctx) => ctx.say('ok'));
    const session = await openSession(s);
    await userTurn(s, session, 'all of them');
    expect(conv(s).filter((i) => i['type'] === 'function_call_output')).toHaveLength(12);
    expect(getEventListeners(signal!, 'abort')).toEqual([]);
    await session.close();
  });

  it('aborts the AbortSignal of running tools when the session closes', async () => {
    let signal: AbortSignal | undefined;
    const never: SessionTool = {
      name: 'wait_forever',
      execute: (_args, context) => {
        signal = context.signal;
        expect(context.session).toBe(session);
        return new Promise(() => undefined);
      },
    };
    const s = setup(dialect, { tools: [never] });
    s.server.queueResponse((ctx) => ctx.callFunction('wait_forever', {}));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'wait');
    expect(signal?.aborted).toBe(false);
    await session.close();
    await s.settle();
    expect(signal?.aborted).toBe(true);
    expect(seen.finished[0]?.[0]?.error?.kind).toBe('aborted');
    expect(sent(s, 'response.create')).toHaveLength(1);
  });

  it('toolTimeoutMs: a tool that never finishes is stopped and answered with a timeout error, and the conversation goes on', async () => {
    let signal: AbortSignal | undefined;
    const hung: SessionTool = {
      name: 'hung',
      execute: (_args, context) => {
        signal = context.signal;
        return gate().promise;
      },
    };
    const s = setup(dialect, { tools: [hung], toolTimeoutMs: 10_000 });
    s.server.queueResponse((ctx) => ctx.callFunction('hung', {}, { callId: 'call_h' }));
    s.server.queueResponse((ctx) => ctx.text('sorry, that took too long'));
    const session = await openSession(s);
    const seen = calls(session);
    await userTurn(s, session, 'go');
    await s.clock.advanceAsync(9_999);
    expect(seen.finished).toEqual([]);
    expect(signal?.aborted).toBe(false);
    await s.clock.advanceAsync(1);
    await s.settle();
    expect(signal?.reason).toMatchObject({ code: 'TIMEOUT' });
    expect(seen.finished[0]?.[0]?.error).toMatchObject({ kind: 'timeout' });
    expect(conv(s).find((i) => i.type === 'function_call_output')).toMatchObject({
      call_id: 'call_h',
      output: 'Error: hung did not finish within 10000 ms and was stopped.',
    });
    expect(sent(s, 'response.create')).toHaveLength(2);
    expect(session.responses.at(-1)?.text).toBe('sorry, that took too long');
    await session.close();
  });

  it('refuses bad function-calling options with typed errors', () => {
    expect(() => setup(dialect, { tools: [{ name: '', execute: () => 1 }] })).toThrowError(
      expect.objectContaining({ code: 'INVALID_TOOL' }),
    );
    expect(() => setup(dialect, { maxToolOnlyRounds: -1 })).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'maxToolOnlyRounds' },
      }),
    );
    for (const toolTimeoutMs of [0, -1, Infinity, Number.NaN, '5' as never])
      expect(() => setup(dialect, { toolTimeoutMs })).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'toolTimeoutMs' } }),
      );
    expect(() => setup(dialect, { followUpCancelledCalls: 'yes' as never })).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'followUpCancelledCalls' },
      }),
    );
    expect(() =>
      setup(dialect, { tools: [{ name: 't', timeoutMs: 0, execute: () => 1 }] }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_TOOL', toolName: 't' }));
    expect(() => setup(dialect, { audioModeHint: { durationMs: 0 } })).toThrowError(
      expect.objectContaining({ data: { argument: 'audioModeHint' } }),
    );
    const s = setup(dialect);
    expect(() => s.model.session({ tools: [weather, weather] })).toThrowError(
      expect.objectContaining({ code: 'DUPLICATE_TOOL' }),
    );
  });
});

describe.each(DIALECTS)('the follow-up response is the one it asked for (%s)', (dialect) => {
  it('a follow-up that waited behind an answer is requested again after a drop, though an out-of-band response started first', async () => {
    const slow = gate();
    const tool: SessionTool = {
      name: 'slow',
      execute: async () => {
        await slow.promise;
        return 'S';
      },
    };
    const s = setup(
      dialect,
      { random: () => 0, tools: [tool] },
      { pacing: { textDeltaIntervalMs: 10 } },
    );
    s.server.queueResponse((ctx) => ctx.callFunction('slow', {}, { callId: 'cs' })); // the call
    s.server.queueResponse((ctx) => ctx.text('one two three four five six')); // the app's answer
    s.server.queueResponse((ctx) => ctx.text('oob')); // out of band
    s.server.queueResponse((ctx) => ctx.text('the slow tool said S, and more words')); // follow-up, cut
    s.server.onResponse((ctx) => ctx.text('again: S'));
    const session = await openSession(s);
    session.on('error', () => undefined);
    await userTurn(s, session, 'slow');
    await s.clock.advanceAsync(500);
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'talk' }),
      s.settle(),
    ]);
    void session.response.create();
    await s.clock.advanceAsync(15);
    slow.open();
    await s.settle(); // the output is created; the follow-up waits for the app's answer
    expect(sent(s, 'response.create')).toHaveLength(2);
    void session.response.create({
      response: { conversation: 'none', output_modalities: ['text'] },
    });
    await s.settle();
    // the connection drops right after the follow-up's response.created
    s.server.faults.closeAt('response.created', { occurrence: 4, when: 'after', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    await s.clock.advanceAsync(3000);
    expect(s.server.connections).toHaveLength(2);
    expect(session.connectionState.status).toBe('open');
    const onSecond = s.server.connections[1]!.clientEvents.filter(
      (e) => e['type'] === 'response.create',
    );
    expect(onSecond).toHaveLength(1);
    expect(session.responses.at(-1)?.text).toBe('again: S');
    await session.close();
  });
});

describe('tools the API added later (GA)', () => {
  it('a tool of a kind this version does not know, echoed by the server, does not break the restore', async () => {
    const s = setup('ga', { random: () => 0, tools: [weather] });
    const session = await openSession(s);
    const seen = calls(session);
    const confirmed = (s.server.sessionConfig?.['tools'] ?? []) as unknown[];
    // the server holds a hosted tool too (configured with the ephemeral key, say) and echoes it
    s.server.emit({
      type: 'session.updated',
      event_id: 'event_hosted',
      session: {
        type: 'realtime',
        tools: [...confirmed, { type: 'web_search', search_context_size: 'low' }],
      },
    });
    await s.settle();
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(s.server.connections).toHaveLength(2);
    const updates = s.server.connections[1]!.clientEvents.filter(
      (e) => e['type'] === 'session.update',
    );
    // the restore configured the fresh server with the tools this version can describe: the
    // model can still call them
    expect(updates).toHaveLength(1);
    const tools = (updates[0]?.['session'] as { tools?: { type?: string; name?: string }[] }).tools;
    expect(tools?.map((t) => t.name)).toEqual(['get_weather']);
    // the drop, and nothing else (the restore used to fail to encode: ENCODE_FAILED, session closed)
    expect(seen.errors.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });
});
