/**
 * `defineTool` takes what the README promises: a Standard Schema (arguments inferred), a plain
 * JSON Schema, or no parameters at all; and its result goes into a model's or session's tools.
 */
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { SessionTool } from '../src/features/builtins.js';
import { defineTool, type Tool } from '../src/tools/tool.js';

describe('defineTool', () => {
  it('infers the arguments of a Standard Schema (valibot, zod)', () => {
    const weather = defineTool({
      name: 'get_weather',
      parameters: v.object({ city: v.string(), days: v.optional(v.number()) }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days?: number | undefined }>();
        return args.city;
      },
    });
    expectTypeOf(weather).toExtend<SessionTool>();
    const zoned = defineTool({
      name: 'get_time',
      parameters: z.object({ zone: z.string() }),
      execute: ({ zone }) => zone.toUpperCase(),
    });
    expectTypeOf(zoned).toEqualTypeOf<Tool<{ zone: string }, unknown>>();
  });

  it('takes a plain JSON Schema: arguments are a JSON object, or the type given', () => {
    const lookup = defineTool({
      name: 'lookup_order',
      parameters: {
        type: 'object',
        properties: { orderId: { type: 'string' } },
        required: ['orderId'],
      },
      execute: (args, { signal }) => {
        expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return args['orderId'];
      },
    });
    expectTypeOf(lookup).toExtend<SessionTool>();
    const typed = defineTool<{ orderId: string }>({
      name: 'lookup_typed',
      jsonSchema: { type: 'object', properties: { orderId: { type: 'string' } } },
      execute: ({ orderId }) => orderId.length,
    });
    expectTypeOf(typed).toEqualTypeOf<Tool<{ orderId: string }, unknown>>();
  });

  it('takes a tool without parameters', () => {
    const now = defineTool({ name: 'now', description: 'The time', execute: () => '12:00' });
    expectTypeOf(now).toExtend<SessionTool>();
  });

  it('still checks execute against the schema', () => {
    // @ts-expect-error `city` is a string, not a number
    defineTool({
      name: 'get_weather',
      parameters: v.object({ city: v.string() }),
      execute: ({ city }: { city: number }) => city,
    });
  });
});
