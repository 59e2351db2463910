import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { largePayload, parseFrame } from '../src/codec/parse-frame.js';
import { betaCodec, gaCodec } from '../src/index.js';

const AUDIO = 'response.output_audio.delta';
const payload = largePayload('delta', [AUDIO]);

/** What JSON.parse does with a frame: its value, or that it throws. */
function outcome(run: () => unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return { ok: false };
  }
}

function expectSameAsJsonParse(frame: string): void {
  expect(outcome(() => parseFrame(frame, payload))).toEqual(outcome(() => JSON.parse(frame)));
}

/** The characters below U+0020, which JSON forbids raw inside a string. */
const isControl = (c: string): boolean => c.charCodeAt(0) < 0x20;

/**
 * The same outcome as JSON.parse, or the documented exception: JSON.parse refuses the frame only
 * for raw control characters inside the payload, and without them the two agree.
 */
function expectSameOrPayloadControl(frame: string): void {
  const fast = outcome(() => parseFrame(frame, payload));
  const slow = outcome(() => JSON.parse(frame));
  if (fast.ok && !slow.ok) {
    const delta = (fast.value as { delta: string }).delta;
    expect([...delta].some(isControl)).toBe(true);
    const clean = [...delta].filter((c) => !isControl(c)).join('');
    expect(JSON.parse(frame.replace(delta, clean))).toEqual({
      ...(fast.value as object),
      delta: clean,
    });
    return;
  }
  expect(fast).toEqual(slow);
}

const base64 = fc
  .uint8Array({ minLength: 800, maxLength: 3000 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));
const id = fc.stringMatching(/^[A-Za-z0-9_]{1,24}$/);

/** An audio delta as a server sends it, keys in any order, sometimes with extra keys. */
const audioFrame = fc
  .record({
    type: fc.constantFrom(AUDIO, 'response.output_text.delta', 'x'),
    event_id: id,
    response_id: id,
    item_id: id,
    output_index: fc.nat(9),
    content_index: fc.nat(9),
    delta: base64,
    extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
  })
  .chain((event) =>
    fc.shuffledSubarray(Object.keys(event), { minLength: Object.keys(event).length }).map((keys) =>
      JSON.stringify(
        event,
        keys.filter((k) => event[k as keyof typeof event] !== undefined),
      ),
    ),
  );

describe('parseFrame: JSON.parse without copying an audio payload', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns what JSON.parse returns for audio frames, keys in any order, extra keys or not', () => {
    fc.assert(fc.property(audioFrame, expectSameAsJsonParse), { numRuns: 300, seed: 20261126 });
  });

  it('agrees with JSON.parse on damaged frames: same value, or both throw', () => {
    // every character a mutation may insert; a tab or newline that lands inside the payload is
    // the documented exception (JSON.parse refuses it, the cut passes it on)
    const inserted = fc.constantFrom(
      ...'{}[]",:\\ \n\tdelta0123456789-+.eE/=AQtrufnl'.split(''),
      '"delta"',
      '"delta":"',
      '{"delta":"',
      '\\"',
    );
    const damage = fc.array(
      fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat(3), put: inserted }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(audioFrame, damage, (frame, edits) => {
        let damaged = frame;
        for (const { at, cut, put } of edits) {
          const i = Math.floor(at * damaged.length);
          damaged = damaged.slice(0, i) + put + damaged.slice(i + cut);
        }
        expectSameOrPayloadControl(damaged);
      }),
      { numRuns: 1000, seed: 20261126 },
    );
  });

  it.each([
    ['nested payload key', `{"type":"${AUDIO}","x":{"delta":"${'A'.repeat(2000)}"}}`],
    ['the key twice', `{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}","delta":"B"}`],
    ['the key twice, empty last', `{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}","delta":""}`],
    ['the key as a value', `{"type":"${AUDIO}","k":"delta","delta":"${'A'.repeat(2000)}"}`],
    ['an escaped slash', `{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}\\/A"}`],
    ['whitespace after the key', `{"type":"${AUDIO}","delta" : "${'A'.repeat(2000)}"}`],
    ['an array', `[{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}"}]`],
    ['no closing quote', `{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}}`],
    ['a trailing comma', `{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}",}`],
    ['trailing text', `{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}"} x`],
    ['the key inside a string', `{"type":"${AUDIO}","t":"a "delta":"${'A'.repeat(2000)}"}`],
  ])('%s: same outcome as JSON.parse', (_name, frame) => {
    expectSameAsJsonParse(frame);
  });

  it('cuts the payload out: JSON.parse only ever sees the short rest of an audio frame', () => {
    const frame = JSON.stringify({ type: AUDIO, event_id: 'e1', delta: 'QUJD'.repeat(1600) });
    const parse = vi.spyOn(JSON, 'parse');
    const value = parseFrame(frame, payload) as Record<string, unknown>;
    expect(parse).toHaveBeenCalledTimes(1);
    expect((parse.mock.calls[0]![0] as string).length).toBeLessThan(100);
    expect(value).toEqual({ type: AUDIO, event_id: 'e1', delta: 'QUJD'.repeat(1600) });
  });

  it('parses every other type whole (a large text delta is checked by JSON.parse itself)', () => {
    const frame = JSON.stringify({ type: 'response.output_text.delta', delta: 'a'.repeat(3000) });
    const expected = JSON.parse(frame) as unknown;
    const parse = vi.spyOn(JSON, 'parse');
    const value = parseFrame(frame, payload);
    expect(parse.mock.calls.map(([text]) => text)).toContain(frame);
    expect(value).toEqual(expected);
  });

  it('the one documented difference: a raw control character in the payload reaches the base64 decoder', () => {
    const frame = `{"type":"${AUDIO}","delta":"${'A'.repeat(2000)}\u0001AAA"}`;
    expect(() => JSON.parse(frame)).toThrow(SyntaxError);
    expect(parseFrame(frame, payload)).toEqual({
      type: AUDIO,
      delta: `${'A'.repeat(2000)}\u0001AAA`,
    });
  });
});

describe('largePayload', () => {
  it.each(['', '1delta', '"delta', 'del ta', 'del\\ta'])('refuses the key %j', (key) => {
    expect(() => largePayload(key, [AUDIO])).toThrow(TypeError);
  });
});

describe('the codecs decode audio frames through the cut', () => {
  const pcm = Buffer.alloc(4800, 7).toString('base64');

  it.each([
    ['ga server', () => gaCodec.decodeServerEvent, 'response.output_audio.delta'],
    ['beta server', () => betaCodec.decodeServerEvent, 'response.audio.delta'],
  ] as const)('%s: the event is the one JSON.parse would give', (_name, decoder, type) => {
    const wire = {
      type,
      event_id: 'event_1',
      response_id: 'resp_1',
      item_id: 'item_1',
      output_index: 0,
      content_index: 0,
      delta: pcm,
    };
    const decoded = decoder()(JSON.stringify(wire));
    expect(decoded.kind).toBe('event');
    expect(decoded.kind === 'event' && decoded.event).toMatchObject({
      type: 'response.output_audio.delta',
      delta: pcm,
    });
  });

  it('client appends (the fake server decodes them) come through whole, and a broken one is invalid_json', () => {
    const frame = JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm });
    expect(gaCodec.decodeClientEvent(frame)).toEqual({
      kind: 'event',
      event: { type: 'input_audio_buffer.append', audio: pcm },
    });
    const broken = gaCodec.decodeClientEvent(frame.slice(0, -1));
    expect(broken.kind === 'violation' && broken.violation.reason).toBe('invalid_json');
  });
});
