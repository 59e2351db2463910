import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  betaCodec,
  betaServerEventSchemas,
  clientEventSchemas,
  gaCodec,
  serverEventSchemas,
} from '../src/index.js';

const knownTypes = [
  ...new Set([
    ...Object.keys(serverEventSchemas),
    ...Object.keys(betaServerEventSchemas),
    ...Object.keys(clientEventSchemas),
  ]),
];

// JSON-ish objects whose `type` is often a real event type, so the schemas and mappers run on junk.
const eventLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...knownTypes), fc.string(), fc.integer()),
    event_id: fc.oneof(fc.string(), fc.constant(null)),
    item: fc.oneof(
      fc.jsonValue(),
      fc.record({
        type: fc.constantFrom('message', 'function_call', 'mcp_call', 'x'),
        role: fc.constantFrom('user', 'assistant', 'system', 'x'),
        content: fc.jsonValue(),
      }),
    ),
    session: fc.jsonValue(),
    response: fc.oneof(
      fc.jsonValue(),
      fc.record({ output: fc.array(fc.jsonValue(), { maxLength: 3 }), modalities: fc.jsonValue() }),
    ),
    delta: fc.jsonValue(),
    output_index: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const frames = fc.oneof(
  fc.string(),
  fc.json(),
  eventLike.map((o) => JSON.stringify(o)),
  fc.uint8Array(),
  fc.constantFrom(
    '',
    '{',
    '{"type":',
    '{"type":"__proto__"}',
    '{"type":"constructor"}',
    '{"__proto__":{"type":"error"}}',
    '[{"type":"error"}]',
  ),
);

const codecs = [gaCodec, betaCodec];
const decoders = codecs.flatMap(
  (c) =>
    [
      [`${c.dialect} server`, (f: string | Uint8Array) => c.decodeServerEvent(f)],
      [`${c.dialect} client`, (f: string | Uint8Array) => c.decodeClientEvent(f)],
    ] as const,
);

describe('decode never throws, whatever the frame', () => {
  it.each(decoders)('%s', (_name, decode) => {
    fc.assert(
      fc.property(frames, (frame) => {
        const result = decode(frame);
        expect(['event', 'unknown', 'violation']).toContain(result.kind);
        if (result.kind === 'violation') expect(result.violation.frame).toBe(frame);
      }),
      { numRuns: 1500, seed: 7 },
    );
  });

  it.each(decoders)('%s: frames that are not strings at runtime', (_name, decode) => {
    for (const frame of [undefined, null, 42, {}, new ArrayBuffer(4)] as unknown as string[]) {
      expect(decode(frame)).toMatchObject({
        kind: 'violation',
        violation: { reason: 'binary_frame' },
      });
    }
  });
});
