import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { betaCodec, gaCodec, type ClientEvent } from '../src/index.js';

const FAST = { validate: false, audioIsBase64: true } as const;

describe('input_audio_buffer.append with audioIsBase64: the frame is built around the payload', () => {
  it.each([
    ['ga', gaCodec],
    ['beta', betaCodec],
  ] as const)(
    '%s: byte-identical to the validating JSON.stringify path for any base64 and any event id',
    (_name, codec) => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 2000 }),
          fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
          (bytes, id) => {
            const audio = Buffer.from(bytes).toString('base64');
            const event: ClientEvent =
              id === undefined
                ? { type: 'input_audio_buffer.append', audio }
                : { type: 'input_audio_buffer.append', event_id: id, audio };
            const fast = codec.encodeClientEvent(event, FAST);
            expect(fast).toBe(codec.encodeClientEvent(event));
            expect(fast).toBe(JSON.stringify(event));
            expect(JSON.parse(fast)).toEqual(event);
          },
        ),
        { numRuns: 200, seed: 20261125 },
      );
    },
  );

  it('other key orders and extra keys are serialised the ordinary way (same bytes as without the option)', () => {
    const audio = 'AAEC';
    const reordered = { audio, type: 'input_audio_buffer.append', event_id: 'e1' } as ClientEvent;
    const extra = {
      type: 'input_audio_buffer.append',
      event_id: 'e1',
      audio,
      note: 'x',
    } as unknown as ClientEvent;
    const idFirst = { event_id: 'e1', type: 'input_audio_buffer.append', audio } as ClientEvent;
    for (const event of [reordered, extra, idFirst]) {
      expect(gaCodec.encodeClientEvent(event, FAST)).toBe(JSON.stringify(event));
      expect(betaCodec.encodeClientEvent(event, FAST)).toBe(JSON.stringify(event));
    }
  });

  it('needs validate:false; with validation on, a bad append is still refused', () => {
    const bad = {
      type: 'input_audio_buffer.append',
      event_id: 'e1',
      audio: 42,
    } as unknown as ClientEvent;
    expect(() => gaCodec.encodeClientEvent(bad, { audioIsBase64: true })).toThrow(
      /invalid input_audio_buffer.append/,
    );
    // without validation a non-string audio falls back to JSON.stringify (never a malformed frame)
    expect(gaCodec.encodeClientEvent(bad, FAST)).toBe(JSON.stringify(bad));
  });

  it('other event types ignore the option', () => {
    const commit: ClientEvent = { type: 'input_audio_buffer.commit', event_id: 'e2' };
    expect(gaCodec.encodeClientEvent(commit, FAST)).toBe(JSON.stringify(commit));
    expect(betaCodec.encodeClientEvent(commit, FAST)).toBe(gaCodec.encodeClientEvent(commit));
  });
});
