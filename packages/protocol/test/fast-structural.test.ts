import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { gaFastChecks } from '../src/codec/fast-path.js';
import {
  isFunctionArgumentsDone,
  isGaItem,
  isGaResponse,
  isItemEvent,
  isOutputItemEvent,
  isResponseEvent,
} from '../src/codec/fast-structural.js';
import {
  ConversationItemSchema,
  ResponseResourceSchema,
  serverEventSchemas,
} from '../src/index.js';
import { loadFixtures } from './helpers/fixtures.js';

// Boundary values of every kind the schemas distinguish.
const anyValue = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.constantFrom(0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, null, true, false, ''),
  fc.constant(undefined),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
/** A field: usually a good value, sometimes absent, sometimes anything (`noisy`). */
const field = <T>(good: fc.Arbitrary<T>, noisy: boolean) =>
  noisy
    ? fc.option(fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: anyValue, weight: 1 }), {
        nil: undefined,
        freq: 15,
      })
    : fc.option(good, { nil: undefined, freq: 4 });
const req = <T>(good: fc.Arbitrary<T>, noisy: boolean) =>
  noisy ? fc.oneof({ arbitrary: good, weight: 25 }, { arbitrary: anyValue, weight: 1 }) : good;
const nullishString = fc.oneof(fc.string({ maxLength: 5 }), fc.constant(null));

function itemArb(noisy: boolean) {
  const common = {
    id: field(fc.string({ maxLength: 6 }), noisy),
    object: field(fc.constant('realtime.item'), noisy),
    status: field(fc.constantFrom('completed', 'incomplete', 'in_progress'), noisy),
  };
  const part = (types: string[]) =>
    req(
      fc.record(
        {
          type: field(fc.constantFrom(...types), noisy),
          text: field(nullishString, noisy),
          audio: field(nullishString, noisy),
          transcript: field(nullishString, noisy),
        },
        { requiredKeys: [] },
      ),
      noisy,
    );
  const message = (role: string, types: string[]) =>
    fc.record(
      {
        ...common,
        type: req(fc.constant('message'), noisy),
        role: req(fc.constant(role), noisy),
        content: req(fc.array(part(types), { maxLength: 3 }), noisy),
      },
      { requiredKeys: ['type', 'role', 'content'] },
    );
  return fc.oneof(
    message('assistant', ['output_text', 'output_audio', 'text', 'audio', 'input_text']),
    message('user', ['input_text', 'input_audio', 'text', 'item_reference', 'output_text']),
    message('system', ['input_text', 'text', 'output_audio']),
    fc.record(
      {
        ...common,
        type: req(fc.constant('function_call'), noisy),
        call_id: field(fc.string({ maxLength: 4 }), noisy),
        name: req(fc.string({ maxLength: 4 }), noisy),
        arguments: req(fc.string({ maxLength: 4 }), noisy),
      },
      { requiredKeys: ['type', 'name', 'arguments'] },
    ),
    fc.record(
      {
        ...common,
        type: req(fc.constant('function_call_output'), noisy),
        call_id: req(fc.string({ maxLength: 4 }), noisy),
        output: req(fc.string({ maxLength: 4 }), noisy),
      },
      { requiredKeys: ['type', 'call_id', 'output'] },
    ),
  );
}

function responseArb(noisy: boolean) {
  const num = fc.oneof(fc.nat(), fc.double({ noNaN: true }));
  const f = <T>(a: fc.Arbitrary<T>) => field(a, noisy);
  return fc.record(
    {
      id: f(fc.string({ maxLength: 6 })),
      object: f(fc.constant('realtime.response')),
      status: f(fc.constantFrom('in_progress', 'completed', 'cancelled', 'failed', 'incomplete')),
      status_details: f(
        fc.oneof(
          fc.constant(null),
          fc.record(
            {
              type: f(fc.constantFrom('completed', 'cancelled', 'incomplete', 'failed')),
              reason: f(
                fc.constantFrom(null, 'turn_detected', 'client_cancelled', 'content_filter'),
              ),
              error: f(
                fc.oneof(
                  fc.constant(null),
                  fc.record(
                    { type: f(nullishString), code: f(nullishString) },
                    { requiredKeys: [] },
                  ),
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
      output: f(fc.array(itemArb(noisy), { maxLength: 2 })),
      conversation_id: f(nullishString),
      output_modalities: f(fc.array(fc.constantFrom('text', 'audio'), { maxLength: 2 })),
      max_output_tokens: f(fc.oneof(fc.nat(), fc.constant('inf'))),
      audio: f(
        fc.oneof(
          fc.constant(null),
          fc.record(
            {
              output: f(
                fc.record(
                  {
                    format: f(
                      fc.oneof(
                        fc.record(
                          {
                            type: f(fc.constant('audio/pcm')),
                            rate: f(fc.constantFrom(24000, 16000)),
                          },
                          { requiredKeys: [] },
                        ),
                        fc.record({ type: fc.constantFrom('audio/pcmu', 'audio/pcma', 'x') }),
                      ),
                    ),
                    voice: f(
                      fc.oneof(fc.string({ maxLength: 4 }), fc.record({ id: f(fc.string()) })),
                    ),
                  },
                  { requiredKeys: [] },
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
      metadata: f(
        fc.oneof(fc.constant(null), fc.dictionary(fc.string({ maxLength: 3 }), fc.string())),
      ),
      usage: f(
        fc.oneof(
          fc.constant(null),
          fc.record(
            {
              total_tokens: f(num),
              input_tokens: f(num),
              output_tokens: f(num),
              input_token_details: f(
                fc.record(
                  {
                    cached_tokens: f(num),
                    text_tokens: f(num),
                    audio_tokens: f(num),
                    image_tokens: f(num),
                    cached_tokens_details: f(
                      fc.oneof(
                        fc.constant(null),
                        fc.record(
                          { text_tokens: f(num), audio_tokens: f(num) },
                          { requiredKeys: [] },
                        ),
                      ),
                    ),
                  },
                  { requiredKeys: [] },
                ),
              ),
              output_token_details: f(
                fc.record({ text_tokens: f(num), audio_tokens: f(num) }, { requiredKeys: [] }),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
    },
    { requiredKeys: [] },
  );
}

/** Runs `check` against `schema`: never looser; with `exact`, equal. Returns the acceptance count. */
function compare(
  arb: fc.Arbitrary<unknown>,
  check: (x: unknown) => boolean,
  schema: v.GenericSchema,
  exact: boolean,
): number {
  let accepted = 0;
  fc.assert(
    fc.property(arb, (x) => {
      const fast = check(x);
      const valid = v.safeParse(schema, x).success;
      if (fast) {
        accepted++;
        expect(valid).toBe(true);
      } else if (exact) expect(valid).toBe(false);
    }),
    { numRuns: 2000, seed: 20261125 },
  );
  return accepted;
}

describe('the structural fast checks agree with the valibot schemas', () => {
  it('items: exact on well-formed shapes, never looser on noisy ones', () => {
    // without noise only picklist members outside the schema's set can fail, and must agree
    expect(compare(itemArb(false), isGaItem, ConversationItemSchema, true)).toBeGreaterThan(300);
    const noisy = compare(itemArb(true), isGaItem, ConversationItemSchema, false);
    expect(noisy).toBeGreaterThan(200);
    expect(noisy).toBeLessThan(1900);
  });

  it('responses: exact on well-formed shapes, never looser on noisy ones', () => {
    expect(compare(responseArb(false), isGaResponse, ResponseResourceSchema, true)).toBeGreaterThan(
      100,
    );
    const noisy = compare(responseArb(true), isGaResponse, ResponseResourceSchema, false);
    expect(noisy).toBeGreaterThan(50);
    expect(noisy).toBeLessThan(1900);
  });

  it.each([
    ['response.created', isResponseEvent, (n: boolean) => ({ response: responseArb(n) })],
    ['response.done', isResponseEvent, (n: boolean) => ({ response: responseArb(n) })],
    [
      'response.output_item.added',
      isOutputItemEvent,
      (n: boolean) => ({
        response_id: req(fc.string({ maxLength: 4 }), n),
        output_index: req(fc.nat(), n),
        item: itemArb(n),
      }),
    ],
    [
      'response.output_item.done',
      isOutputItemEvent,
      (n: boolean) => ({
        response_id: req(fc.string({ maxLength: 4 }), n),
        output_index: req(fc.nat(), n),
        item: itemArb(n),
      }),
    ],
    ...(
      ['conversation.item.added', 'conversation.item.created', 'conversation.item.done'] as const
    ).map(
      (type) =>
        [
          type,
          isItemEvent,
          (n: boolean) => ({
            previous_item_id: field(nullishString, n),
            item: itemArb(n),
          }),
        ] as const,
    ),
    [
      'response.function_call_arguments.done',
      isFunctionArgumentsDone,
      (n: boolean) => ({
        response_id: req(fc.string({ maxLength: 4 }), n),
        item_id: req(fc.string({ maxLength: 4 }), n),
        output_index: req(fc.nat(), n),
        call_id: req(fc.string({ maxLength: 4 }), n),
        name: req(fc.string({ maxLength: 4 }), n),
        arguments: req(fc.string({ maxLength: 4 }), n),
      }),
    ],
  ] as const)(
    '%s',
    (type, check, fields: (n: boolean) => Record<string, fc.Arbitrary<unknown>>) => {
      expect(gaFastChecks.get(type)).toBe(check);
      const schema = serverEventSchemas[type] as v.GenericSchema;
      const event = (n: boolean) =>
        fc.record({
          type: fc.constant(type),
          event_id: req(fc.string({ maxLength: 4 }), n),
          ...fields(n),
        });
      const asCheck = (x: unknown) => check(x as Record<string, unknown>);
      expect(compare(event(false), asCheck, schema, true)).toBeGreaterThan(100);
      expect(compare(event(true), asCheck, schema, false)).toBeGreaterThan(50);
    },
  );

  it('accepts every GA fixture of its types that carries no MCP item, and no invalid one', () => {
    let checked = 0;
    for (const fixture of loadFixtures('ga', 'server')) {
      const check = gaFastChecks.get(fixture.type);
      if (check === undefined) continue;
      const mcp = fixture.frame.includes('"type":"mcp_');
      const fast = check(fixture.json);
      if (!mcp) expect(fast, fixture.name).toBe(true);
      if (fast) {
        checked++;
        expect(
          v.safeParse(serverEventSchemas[fixture.type as 'response.done'], fixture.json).success,
        ).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});
