import { createCounterIdGenerator } from '@voxwire/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { Tool } from '../src/tools/index.js';
import { ToolRunner, validateArguments } from '../src/tools/index.js';

const forecast: Tool = {
  name: 'forecast',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string', minLength: 1 },
      days: { type: 'array', items: { type: 'integer' } },
      unit: { enum: ['c', 'f'] },
      'a/b~c': { type: 'boolean' },
    },
    required: ['city'],
    additionalProperties: false,
  },
  execute: (args) => args,
};

const call = (id: string, name: string, args: string) => ({
  id,
  call_id: `call_${id}`,
  name,
  arguments: args,
  status: 'completed',
});

async function run(tools: Tool[], ...calls: [name: string, args: string][]) {
  const runner = new ToolRunner({ tools, generateId: createCounterIdGenerator('o') });
  const round = runner.startRound({ session: undefined });
  calls.forEach(([name, args], i) => round.addCall(call(String(i), name, args)));
  return round.finish();
}

describe('plain JSON Schema arguments', () => {
  it('runs a call whose arguments match, with the arguments as parsed', async () => {
    const { finished } = await run([forecast], ['forecast', '{"city":"Oslo","days":[1,2]}']);
    expect(finished[0]!.error).toBeUndefined();
    expect(finished[0]!.result).toEqual({ city: 'Oslo', days: [1, 2] });
  });

  it('answers arguments that break the schema with each deepest reason and its path, and does not run the tool', async () => {
    const execute = vi.fn();
    const { finished, outputs, requestResponse } = await run(
      [{ ...forecast, execute }],
      ['forecast', '{"city":3,"days":[1,"x"],"unit":"k","extra":1,"a/b~c":"yes"}'],
      ['forecast', '{}'],
    );
    expect(execute).not.toHaveBeenCalled();
    expect(finished.map((f) => f.error?.kind)).toEqual(['invalid_arguments', 'invalid_arguments']);
    expect(finished[0]!.error?.issues).toEqual([
      { path: 'city', message: 'Instance type "number" is invalid. Expected "string"' },
      { path: 'days.1', message: 'Instance type "string" is invalid. Expected "integer"' },
      { path: 'unit', message: 'Instance does not match any of ["c","f"]' },
      // JSON Pointer's escapes are undone in the path
      { path: 'a/b~c', message: 'Instance type "string" is invalid. Expected "boolean"' },
      { path: 'extra', message: 'is not allowed here' },
    ]);
    expect(finished[1]!.error?.issues).toEqual([
      { path: '', message: 'Instance does not have required property "city"' },
    ]);
    expect(outputs.map((o) => o.item.output)).toEqual([
      'Error: invalid arguments for forecast: city: Instance type "number" is invalid. Expected "string"; days.1: Instance type "string" is invalid. Expected "integer"; unit: Instance does not match any of ["c","f"]; a/b~c: Instance type "string" is invalid. Expected "boolean"; extra: is not allowed here. Call it again with corrected arguments.',
      'Error: invalid arguments for forecast: Instance does not have required property "city". Call it again with corrected arguments.',
    ]);
    // the model gets the reasons and another turn to call again
    expect(requestResponse).toBe(true);
  });

  it('reports an anyOf failure once, not each branch', async () => {
    const either: Tool = {
      name: 'either',
      parameters: {
        type: 'object',
        properties: { id: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^u_' }] } },
      },
      execute: () => 'ok',
    };
    const { finished } = await run([either], ['either', '{"id":"x"}'], ['either', '{"id":"u_1"}']);
    expect(finished[0]!.error?.issues).toEqual([
      { path: 'id', message: expect.stringMatching(/any subschema/i) },
    ]);
    expect(finished[1]!.error).toBeUndefined();
  });

  it('holds arguments to `jsonSchema` when that is what the model was given', async () => {
    const tool: Tool = {
      name: 'j',
      jsonSchema: { type: 'object', properties: { n: { type: 'number', maximum: 3 } } },
      execute: ({ n }) => n,
    };
    const { finished } = await run([tool], ['j', '{"n":4}'], ['j', '{"n":2}']);
    expect(finished[0]!.error?.issues).toEqual([
      { path: 'n', message: expect.stringContaining('3') },
    ]);
    expect(finished[1]!.error).toBeUndefined();
    expect(finished[1]!.result).toBe(2);
  });

  it('takes any JSON object for a tool without parameters, and nothing else', async () => {
    const bare: Tool = { name: 'bare', execute: () => 'ok' };
    const { finished } = await run([bare], ['bare', ''], ['bare', '{"x":1}'], ['bare', '[1]']);
    expect(finished.map((f) => f.error?.issues)).toEqual([
      undefined,
      undefined,
      [{ path: '', message: 'the arguments must be a JSON object' }],
    ]);
  });

  it('reads the draft from `$schema` (draft-04: a boolean exclusiveMinimum)', async () => {
    const parameters = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      properties: { n: { type: 'number', minimum: 5, exclusiveMinimum: true } },
    };
    const tool: Tool = { name: 'd4', parameters, execute: () => 'ok' };
    expect(await validateArguments(tool, { n: 5 })).toMatchObject({ ok: false });
    expect(await validateArguments(tool, { n: 6 })).toEqual({ ok: true, value: { n: 6 } });
  });

  it('answers a schema the validator cannot use as invalid_arguments with the reason', async () => {
    const broken: Tool = {
      name: 'broken',
      parameters: { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } },
      execute: () => 'ok',
    };
    const { finished } = await run([broken], ['broken', '{"a":1}']);
    expect(finished[0]!.error).toMatchObject({
      kind: 'invalid_arguments',
      message: expect.stringMatching(/^the validator threw: .*missing/),
    });
  });
});
