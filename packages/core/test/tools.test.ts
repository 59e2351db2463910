import { createCounterIdGenerator } from '@voxwire/protocol';
import * as v from 'valibot';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Tool } from '../src/tools/index.js';
import {
  ToolError,
  ToolRunner,
  defineTool,
  toSessionTools,
  toolJsonSchema,
} from '../src/tools/index.js';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.pipe(v.string(), v.minLength(1)), days: v.optional(v.number()) }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

const call = (id: string, name: string, args: string, status = 'completed') => ({
  id,
  call_id: `call_${id}`,
  name,
  arguments: args,
  status,
});
const runner = (tools: Tool[], max?: number) =>
  new ToolRunner({
    tools,
    generateId: createCounterIdGenerator('o'),
    ...(max === undefined ? {} : { maxToolOnlyRounds: max }),
  });

describe('tool JSON Schema', () => {
  it('derives valibot schemas with @valibot/to-json-schema', () => {
    expect(toolJsonSchema(weather)).toEqual({
      type: 'object',
      properties: { city: { type: 'string', minLength: 1 }, days: { type: 'number' } },
      required: ['city'],
    });
  });

  it('uses Standard JSON Schema where the library implements it (zod 4)', () => {
    const tool = defineTool({
      name: 'z',
      parameters: z.object({ n: z.number().int() }),
      execute: ({ n }) => n,
    });
    const schema = toolJsonSchema(tool);
    expect(schema).toMatchObject({
      type: 'object',
      properties: { n: { type: 'integer' } },
      required: ['n'],
    });
    expect(schema).not.toHaveProperty('$schema');
  });

  it('takes plain JSON Schema as is, an explicit jsonSchema first, and defaults to an empty object schema', () => {
    const json = { type: 'object', properties: { q: { type: 'string' } } };
    expect(toolJsonSchema({ name: 'j', parameters: json, execute: () => 1 })).toBe(json);
    expect(
      toolJsonSchema({
        name: 'e',
        jsonSchema: json,
        parameters: weather.parameters,
        execute: () => 1,
      }),
    ).toBe(json);
    expect(toolJsonSchema({ name: 'none', execute: () => 1 })).toEqual({
      type: 'object',
      properties: {},
    });
  });

  it('refuses unconvertible schemas with typed errors', () => {
    const opaque = {
      '~standard': { version: 1, vendor: 'acme', validate: (x: unknown) => ({ value: x }) },
    };
    expect(() => toolJsonSchema({ name: 'o', parameters: opaque, execute: () => 1 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_TOOL', toolName: 'o' }),
    );
    const custom = v.object({ when: v.date() });
    expect(() => toolJsonSchema({ name: 'd', parameters: custom, execute: () => 1 })).toThrowError(
      expect.objectContaining({ code: 'SCHEMA_CONVERSION' }),
    );
    expect(() =>
      toolJsonSchema({ name: 's', parameters: { type: 'string' }, execute: () => 1 }),
    ).toThrow(/object schema/);
  });

  it('builds the GA session tools array and refuses bad names, duplicates and missing execute', () => {
    expect(toSessionTools([weather])).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: toolJsonSchema(weather),
      },
    ]);
    expect(() => toSessionTools([weather, weather])).toThrowError(
      expect.objectContaining({ code: 'DUPLICATE_TOOL' }),
    );
    expect(() => toSessionTools([{ name: 'has space', execute: () => 1 }])).toThrowError(
      expect.objectContaining({ code: 'INVALID_TOOL' }),
    );
    expect(() => toSessionTools([{ name: 'x' } as unknown as Tool])).toThrow(/no execute/);
  });
});

describe('ToolRunner', () => {
  it('runs a single call and produces the output, payloads and one response request', async () => {
    const r = runner([weather]);
    const round = r.startRound({ responseId: 'resp_1', session: 'S' });
    const info = round.addCall(call('fc1', 'get_weather', '{"city":"Oslo"}'));
    expect(info).toEqual({
      callId: 'call_fc1',
      itemId: 'fc1',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
      responseId: 'resp_1',
    });
    const result = await round.finish();
    expect(result.calls).toEqual([info]);
    expect(result.finished[0]).toMatchObject({
      parsedArguments: { city: 'Oslo' },
      result: { city: 'Oslo', tempC: 21 },
      output: '{"city":"Oslo","tempC":21}',
    });
    expect(result.outputs).toEqual([
      {
        previousItemId: 'fc1',
        item: {
          type: 'function_call_output',
          id: 'item_0001_o',
          callId: 'call_fc1',
          output: '{"city":"Oslo","tempC":21}',
        },
      },
    ]);
    expect(result.requestResponse).toBe(true);
    expect(result.loopError).toBeUndefined();
  });

  it('runs parallel calls concurrently and answers all of them once all are done', async () => {
    const gates = [deferred<string>(), deferred<string>()];
    const started: string[] = [];
    const slow: Tool<{ i: number }> = {
      name: 'slow',
      parameters: { type: 'object', properties: { i: { type: 'number' } } },
      execute: ({ i }) => (started.push(`s${i}`), gates[i]!.promise),
    };
    const round = runner([slow]).startRound({ session: undefined });
    round.addCall(call('a', 'slow', '{"i":0}'));
    round.addCall(call('b', 'slow', '{"i":1}'));
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual(['s0', 's1']);
    const finishing = round.finish();
    gates[1]!.resolve('second');
    gates[0]!.resolve('first');
    const result = await finishing;
    expect(result.outputs.map((o) => [o.previousItemId, o.item.output])).toEqual([
      ['a', 'first'],
      ['b', 'second'],
    ]);
  });

  it('answers every error path with a clear text', async () => {
    const boom: Tool = {
      name: 'boom',
      execute: () => {
        throw new Error('disk full');
      },
    };
    const weird: Tool = { name: 'weird', execute: () => 10n };
    const round = runner([weather, boom, weird]).startRound({ session: undefined });
    round.addCall(call('1', 'nope', '{}'));
    round.addCall(call('2', 'get_weather', '{"city":'));
    round.addCall(call('3', 'get_weather', '{"city":""}'));
    round.addCall(call('4', 'boom', ''));
    round.addCall(call('5', 'weird', '{}'));
    round.addCall(call('6', 'get_weather', '{"ci', 'incomplete'));
    const { finished, outputs, requestResponse } = await round.finish();
    expect(finished.map((f) => f.error?.kind)).toEqual([
      'unknown_tool',
      'invalid_json',
      'invalid_arguments',
      'execution_error',
      'unserializable_result',
      'interrupted',
    ]);
    expect(outputs.map((o) => o.item.output)).toEqual([
      'Error: there is no function named "nope". Available functions: get_weather, boom, weird.',
      expect.stringMatching(
        /^Error: the arguments for get_weather are not valid JSON \(.+\)\. Call it again with a JSON object\.$/,
      ),
      expect.stringMatching(/^Error: invalid arguments for get_weather: city: Invalid length/),
      'Error: boom failed: disk full',
      expect.stringMatching(/^Error: the result of weird could not be converted to text/),
      'Error: the call to get_weather was interrupted before its arguments were complete, so it was not run.',
    ]);
    expect(finished[2]!.error?.issues).toEqual([
      { path: 'city', message: expect.stringContaining('Invalid length') },
    ]);
    expect(requestResponse).toBe(true);
  });

  it('uses a custom error format and stringifies strings and undefined as documented', async () => {
    const r = new ToolRunner({
      tools: [
        { name: 's', execute: () => 'plain' },
        { name: 'u', execute: () => undefined },
      ],
      generateId: createCounterIdGenerator(),
      formatError: (failure, c) => `${c.name}:${failure.kind}`,
    });
    const round = r.startRound({ session: undefined });
    round.addCall(call('1', 's', '{}'));
    round.addCall(call('2', 'u', '{}'));
    round.addCall(call('3', 'x', '{}'));
    expect((await round.finish()).outputs.map((o) => o.item.output)).toEqual([
      'plain',
      'null',
      'x:unknown_tool',
    ]);
  });

  it('passes signal, ids and session to execute; closing aborts a slow tool that ignores its signal and still answers', async () => {
    const seen: unknown[] = [];
    const never = deferred();
    const slow: Tool<unknown, string> = {
      name: 'slow',
      execute: (_args, ctx) => {
        seen.push(
          ctx.callId,
          ctx.itemId,
          ctx.name,
          ctx.responseId,
          ctx.session,
          ctx.signal.aborted,
        );
        ctx.signal.addEventListener('abort', () => seen.push('aborted'));
        return never.promise;
      },
    };
    const r = new ToolRunner<string>({ tools: [slow], generateId: createCounterIdGenerator() });
    const round = r.startRound({ responseId: 'resp', session: 'the-session' });
    round.addCall(call('fc', 'slow', '{}'));
    const finishing = round.finish();
    await Promise.resolve();
    await Promise.resolve();
    r.close(new Error('session closed'));
    const result = await finishing;
    expect(seen).toEqual(['call_fc', 'fc', 'slow', 'resp', 'the-session', false, 'aborted']);
    expect(result.finished[0]!.error).toMatchObject({ kind: 'aborted', message: 'session closed' });
    expect(result.outputs[0]!.item.output).toBe(
      'Error: slow was cancelled before it finished (session closed).',
    );
    expect(result.requestResponse).toBe(false);
    expect(r.closed).toBe(true);
  });

  it('an async argument validator that never settles is raced against the abort: closing answers the call as cancelled', async () => {
    const never = deferred<StandardSchemaV1.Result<unknown>>();
    const executed: unknown[] = [];
    const hanging: StandardSchemaV1<unknown, unknown> = {
      '~standard': { version: 1, vendor: 'test', validate: () => never.promise },
    };
    const tool: Tool = {
      name: 'checked',
      parameters: hanging,
      jsonSchema: { type: 'object', properties: {} },
      execute: (args) => executed.push(args),
    };
    const r = runner([tool]);
    const round = r.startRound({ responseId: 'resp', session: undefined });
    round.addCall(call('fc', 'checked', '{}'));
    let settled = false;
    const finishing = round.finish().finally(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    r.close(new Error('session closed'));
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
    expect(settled).toBe(true);
    const result = await finishing;
    expect(result.finished[0]!.error).toMatchObject({ kind: 'aborted', message: 'session closed' });
    expect(result.outputs[0]!.item.output).toBe(
      'Error: checked was cancelled before it finished (session closed).',
    );
    // a validator settling after the abort does not run the tool
    never.resolve({ value: {} });
    await Promise.resolve();
    await Promise.resolve();
    expect(executed).toEqual([]);
  });

  it('a tool past its timeoutMs has its signal aborted and is answered with a timeout error; the others still run', async () => {
    const clock = new SimulatedClock();
    const reasons: unknown[] = [];
    const hung: Tool = {
      name: 'hung',
      timeoutMs: 5000,
      execute: (_args, { signal }) => {
        signal.addEventListener('abort', () => reasons.push(signal.reason));
        return deferred().promise;
      },
    };
    const quick = deferred<string>();
    const r = new ToolRunner({
      tools: [hung, { name: 'quick', execute: () => quick.promise }],
      generateId: createCounterIdGenerator('o'),
      clock,
    });
    const round = r.startRound({ responseId: 'resp', session: undefined });
    round.addCall(call('a', 'hung', '{}'));
    round.addCall(call('b', 'quick', '{}'));
    let settled = false;
    const finishing = round.finish().finally(() => (settled = true));
    quick.resolve('fine');
    await clock.advanceAsync(4999);
    expect(settled).toBe(false);
    expect(reasons).toEqual([]);
    await clock.advanceAsync(1);
    expect(settled).toBe(true);
    const result = await finishing;
    expect(reasons).toEqual([expect.objectContaining({ code: 'TIMEOUT' })]);
    expect(result.finished[0]!.error).toMatchObject({ kind: 'timeout' });
    expect(result.outputs.map((o) => o.item.output)).toEqual([
      'Error: hung did not finish within 5000 ms and was stopped.',
      'fine',
    ]);
    // the conversation goes on: the follow-up is requested
    expect(result.requestResponse).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('the runner-wide toolTimeoutMs applies to tools without their own; a call that finishes in time leaves no timer', async () => {
    const clock = new SimulatedClock();
    const r = new ToolRunner({
      tools: [
        { name: 'slow', execute: () => deferred().promise },
        { name: 'fast', execute: () => 'ok' },
      ],
      generateId: createCounterIdGenerator('o'),
      clock,
      toolTimeoutMs: 100,
    });
    const round = r.startRound({ session: undefined });
    round.addCall(call('a', 'fast', '{}'));
    round.addCall(call('b', 'slow', '{}'));
    const finishing = round.finish();
    await clock.advanceAsync(100);
    const result = await finishing;
    expect(result.finished.map((f) => f.error?.kind)).toEqual([undefined, 'timeout']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps a slow tool running through a new user turn and answers it when it finishes, with no follow-up for the interrupted response', async () => {
    const gate = deferred<string>();
    const r = runner([{ name: 'lookup', execute: () => gate.promise }]);
    const round = r.startRound({ responseId: 'r1', session: undefined });
    round.addCall(call('fc', 'lookup', '{}'));
    // the response is interrupted by the user (turn_detected) after the call item was done
    const finishing = round.finish({ status: 'cancelled' });
    r.resetLoopCount();
    gate.resolve('found it');
    const result = await finishing;
    expect(result.outputs[0]!.item.output).toBe('found it');
    // the user moved on: the next turn's response sees the output; a follow-up would answer the
    // old question over (or after) the new one
    expect(result.requestResponse).toBe(false);
  });

  it('a round aborted by the app answers its calls as cancelled', async () => {
    const round = runner([{ name: 'w', execute: () => deferred().promise }]).startRound({
      session: undefined,
    });
    round.addCall(call('fc', 'w', '{}'));
    round.abort(new Error('user hung up'));
    const result = await round.finish();
    expect(result.finished[0]!.error).toMatchObject({ kind: 'aborted', message: 'user hung up' });
  });

  it('caps consecutive tool-only rounds with a typed error, and message outputs or user turns reset the count', async () => {
    const r = runner([{ name: 't', execute: () => 'ok' }], 2);
    const round = async (end = {}) => {
      const rd = r.startRound({ session: undefined });
      rd.addCall(call(`c${r.toolOnlyRounds}`, 't', '{}'));
      return rd.finish(end);
    };
    expect((await round()).requestResponse).toBe(true);
    expect((await round()).requestResponse).toBe(true);
    const third = await round();
    expect(third.requestResponse).toBe(false);
    expect(third.loopError).toBeInstanceOf(ToolError);
    expect(third.loopError?.code).toBe('TOOL_LOOP_LIMIT');
    expect(third.outputs).toHaveLength(1);
    expect(r.toolOnlyRounds).toBe(0);
    await round();
    await round({ hasMessageOutput: true });
    expect(r.toolOnlyRounds).toBe(0);
    await round();
    r.resetLoopCount();
    expect(r.toolOnlyRounds).toBe(0);
    await round({ status: 'cancelled' });
    expect(r.toolOnlyRounds).toBe(0);
  });

  it('reports tool-set changes so the session re-sends session.update, and keeps the old set on a bad update', () => {
    const r = runner([weather]);
    expect(r.setTools([weather])).toBe(false);
    const other: Tool = { name: 'other', execute: () => 1 };
    expect(r.setTools([weather, other])).toBe(true);
    expect(r.sessionTools().map((t) => t.name)).toEqual(['get_weather', 'other']);
    expect(() => r.setTools([other, other])).toThrow(ToolError);
    expect(r.tools.map((t) => t.name)).toEqual(['get_weather', 'other']);
  });

  it('refuses calls added after finish and answers a round with no calls without requesting a response', async () => {
    const round = runner([]).startRound({ session: undefined });
    const result = await round.finish({ hasMessageOutput: true });
    expect(result.requestResponse).toBe(false);
    expect(() => round.addCall(call('x', 'y', '{}'))).toThrowError(
      expect.objectContaining({ code: 'INVALID_TOOL' }),
    );
  });
});
