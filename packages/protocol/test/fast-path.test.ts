import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  betaFastChecks,
  gaFastChecks,
  isAudioDone,
  isContentDelta,
  isContentPartEvent,
  isFunctionArgumentsDelta,
  isTextDone,
  isTranscriptDone,
} from '../src/codec/fast-path.js';
import { serverEventSchemas } from '../src/index.js';
import { betaServerEventSchemas } from '../src/schemas/beta.js';

// Values chosen to sit on every boundary the schemas care about.
const anyValue = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, null, true, false, ''),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const field = <T>(good: fc.Arbitrary<T>) =>
  fc.option(fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: anyValue, weight: 1 }), {
    nil: undefined,
    freq: 20,
  });

const contentDelta = (type: string) =>
  fc.record(
    {
      type: fc.constant(type),
      event_id: field(fc.string()),
      response_id: field(fc.string()),
      item_id: field(fc.string()),
      output_index: field(fc.nat()),
      content_index: field(fc.nat()),
      delta: field(fc.base64String()),
      obfuscation: field(fc.oneof(fc.string(), fc.constant(null))),
      extra: field(fc.string()),
    },
    { requiredKeys: ['type'] },
  );
const argsDelta = fc.record(
  {
    type: fc.constant('response.function_call_arguments.delta'),
    event_id: field(fc.string()),
    response_id: field(fc.string()),
    item_id: field(fc.string()),
    output_index: field(fc.nat()),
    call_id: field(fc.string()),
    delta: field(fc.string()),
    obfuscation: field(fc.oneof(fc.string(), fc.constant(null))),
  },
  { requiredKeys: ['type'] },
);

describe('the hand-written fast path agrees with the valibot schema', () => {
  // the decoder skips the schema lookup for a passing fast check: a fast type without a schema
  // would turn an unknown event into a known one
  it('every fast-checked type has a schema, in both dialects', () => {
    expect([...gaFastChecks.keys()].filter((t) => !(t in serverEventSchemas))).toEqual([]);
    expect([...betaFastChecks.keys()].filter((t) => !(t in betaServerEventSchemas))).toEqual([]);
    expect(gaFastChecks.size).toBe(17);
    expect(betaFastChecks.size).toBe(9);
  });

  it.each([
    'response.output_audio.delta',
    'response.output_audio_transcript.delta',
    'response.output_text.delta',
  ] as const)('%s', (type) => {
    const schema = serverEventSchemas[type];
    let accepted = 0;
    fc.assert(
      fc.property(contentDelta(type), (o) => {
        const fast = isContentDelta(o as Record<string, unknown>);
        if (fast) accepted++;
        expect(fast).toBe(v.safeParse(schema, o).success);
      }),
      { numRuns: 3000, seed: 20261125 },
    );
    // the generator must exercise both outcomes, or the comparison proves nothing
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(2900);
  });

  it('response.function_call_arguments.delta', () => {
    const schema = serverEventSchemas['response.function_call_arguments.delta'];
    fc.assert(
      fc.property(argsDelta, (o) => {
        expect(isFunctionArgumentsDelta(o as Record<string, unknown>)).toBe(
          v.safeParse(schema, o).success,
        );
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });
});

const contentRefEvent = (type: string, extra: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(
    {
      type: fc.constant(type),
      event_id: field(fc.string()),
      response_id: field(fc.string()),
      item_id: field(fc.string()),
      output_index: field(fc.nat()),
      content_index: field(fc.nat()),
      extra: field(fc.string()),
      ...extra,
    },
    { requiredKeys: ['type'] },
  );
const part = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        type: field(fc.constantFrom('text', 'audio', 'output_text', 'output_audio', 'input_audio')),
        text: field(fc.oneof(fc.string(), fc.constant(null))),
        audio: field(fc.oneof(fc.string(), fc.constant(null))),
        transcript: field(fc.oneof(fc.string(), fc.constant(null))),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);

describe('the per-content fast checks agree with the valibot schema', () => {
  const cases = [
    ['response.output_audio.done', isAudioDone, {}],
    ['response.output_text.done', isTextDone, { text: field(fc.string()) }],
    ['response.output_audio_transcript.done', isTranscriptDone, { transcript: field(fc.string()) }],
  ] as const;
  it.each(cases)('%s (exactly)', (type, check, extra) => {
    const schema = serverEventSchemas[type];
    let accepted = 0;
    fc.assert(
      fc.property(contentRefEvent(type, extra), (o) => {
        const fast = check(o as Record<string, unknown>);
        if (fast) accepted++;
        expect(fast).toBe(v.safeParse(schema, o).success);
      }),
      { numRuns: 3000, seed: 20261125 },
    );
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(2900);
  });

  it.each(['response.content_part.added', 'response.content_part.done'] as const)(
    '%s (never looser; exact unless part is an array)',
    (type) => {
      const schema = serverEventSchemas[type];
      let accepted = 0;
      fc.assert(
        fc.property(contentRefEvent(type, { part: field(part) }), (o) => {
          const fast = isContentPartEvent(o as Record<string, unknown>);
          const valid = v.safeParse(schema, o).success;
          if (fast) accepted++;
          if (fast) expect(valid).toBe(true);
          if (!Array.isArray((o as { part?: unknown }).part)) expect(fast).toBe(valid);
        }),
        { numRuns: 3000, seed: 20261125 },
      );
      expect(accepted).toBeGreaterThan(100);
    },
  );

  it('the beta names use the same checks', () => {
    expect(betaFastChecks.get('response.audio.done')).toBe(isAudioDone);
    expect(betaFastChecks.get('response.text.done')).toBe(isTextDone);
    expect(betaFastChecks.get('response.audio_transcript.done')).toBe(isTranscriptDone);
    expect(betaFastChecks.get('response.content_part.done')).toBe(isContentPartEvent);
  });
});
