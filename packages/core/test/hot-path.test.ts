import fc from 'fast-check';
import { gaCodec, betaCodec, pcm16ToBase64 } from '@voxwire/protocol';
import { SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { RecentIds } from '../src/reconnect/dedupe.js';
import { DEFAULT_DEDUPE_WINDOW } from '../src/reconnect/options.js';
import { StallWatch } from '../src/reconnect/stall.js';
import { RealtimeContent, RealtimeOutput, RealtimeResponse } from '../src/responses/tree.js';
import { TrustedAppend, appendEvent } from '../src/session-api.js';

describe('StallWatch (one timer per idle period, not per event)', () => {
  it('reports a stall exactly timeoutMs after the last activity, however many events came before', () => {
    const clock = new SimulatedClock();
    const stalls: number[] = [];
    const watch = new StallWatch(clock, 1000, (idle) => stalls.push(clock.now() - idle));
    watch.activity(true); // t=0
    clock.advance(400);
    watch.activity(true); // t=400
    clock.advance(500);
    watch.activity(true); // t=900: the timer armed at 0 fires at 1000 and re-arms to 1900
    clock.advance(999); // t=1899
    expect(stalls).toEqual([]);
    expect(watch.armed).toBe(true);
    clock.advance(1); // t=1900
    expect(stalls).toEqual([900]);
    expect(watch.armed).toBe(false);
  });

  it('an event while no response is in progress disarms; false disables', () => {
    const clock = new SimulatedClock();
    let stalled = 0;
    const watch = new StallWatch(clock, 1000, () => stalled++);
    watch.activity(true);
    watch.activity(false);
    expect(watch.armed).toBe(false);
    clock.advance(5000);
    expect(stalled).toBe(0);
    const off = new StallWatch(clock, false, () => stalled++);
    off.activity(true);
    expect(off.armed).toBe(false);
  });

  it('stop cancels a pending stall; activity after it starts a fresh period', () => {
    const clock = new SimulatedClock();
    const at: number[] = [];
    const watch = new StallWatch(clock, 100, () => at.push(clock.now()));
    watch.activity(true);
    clock.advance(50);
    watch.stop();
    clock.advance(500);
    expect(at).toEqual([]);
    watch.activity(true); // t=550
    clock.advance(100);
    expect(at).toEqual([650]);
  });
});

describe('RecentIds (a ring: forgetting allocates nothing)', () => {
  it('remembers the last `capacity` ids and forgets the oldest first', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c'].map((id) => ids.seen(id))).toEqual([false, false, false]);
    expect(ids.seen('a')).toBe(true);
    expect(ids.seen('d')).toBe(false); // forgets a
    expect(ids.size).toBe(3);
    expect(ids.seen('a')).toBe(false); // forgets b
    expect(ids.seen('b')).toBe(false); // forgets c
    expect(ids.seen('d')).toBe(true);
    expect(ids.seen('c')).toBe(false);
    expect(ids.size).toBe(3);
  });

  it('wraps around many times and stays bounded; capacity 0 remembers nothing', () => {
    const ids = new RecentIds(5);
    for (let i = 0; i < 1000; i++) expect(ids.seen(`e${i}`)).toBe(false);
    expect(ids.size).toBe(5);
    for (let i = 995; i < 1000; i++) expect(ids.seen(`e${i}`)).toBe(true);
    expect(ids.seen('e994')).toBe(false);
    const none = new RecentIds(0);
    expect(none.seen('x')).toBe(false);
    expect(none.seen('x')).toBe(false);
    expect(none.size).toBe(0);
  });

  it('the default window (256) still catches a duplicate a whole response burst later', () => {
    const ids = new RecentIds(DEFAULT_DEDUPE_WINDOW);
    expect(ids.size).toBe(0); // nothing allocated or remembered before the first id
    // one burst response is 210 frames; its first id is still remembered at the end
    for (let i = 0; i < 210; i++) ids.seen(`event_${i}`);
    expect(ids.seen('event_0')).toBe(true);
    for (let i = 210; i < 300; i++) ids.seen(`event_${i}`);
    expect(ids.size).toBe(DEFAULT_DEDUPE_WINDOW);
  });
});

describe('RecentIds agrees with a plain window of strings (model-based)', () => {
  // the reference: the last `capacity` distinct ids, in arrival order
  const reference = (capacity: number) => {
    const order: string[] = [];
    const seen = (id: string): boolean => {
      if (capacity === 0) return false;
      if (order.includes(id)) return true;
      order.push(id);
      if (order.length > capacity) order.shift();
      return false;
    };
    return { seen, order };
  };

  it('on random streams with many repeats, every window size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        // a small alphabet of ids so repeats (inside and outside the window) are common
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 600 }),
        (capacity, stream) => {
          const ids = new RecentIds(capacity);
          const model = reference(capacity);
          for (const n of stream) {
            const id = `event_${n.toString(36)}`;
            if (ids.seen(id) !== model.seen(id)) return false;
          }
          return ids.size === model.order.length;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('real-looking ids: a long stream of unique ids is never taken for a duplicate', () => {
    const ids = new RecentIds(DEFAULT_DEDUPE_WINDOW);
    // 200k ids shaped like the server's (event_ + 22 base62 characters), none repeated
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let seed = 42;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let false_positives = 0;
    for (let i = 0; i < 200_000; i++) {
      let id = 'event_';
      for (let k = 0; k < 22; k++) id += alphabet[next() % 62];
      if (ids.seen(id)) false_positives++;
    }
    expect(false_positives).toBe(0);
    expect(ids.size).toBe(DEFAULT_DEDUPE_WINDOW);
  });
});

describe('engine-built appends skip the schema run and encode exactly like validated ones', () => {
  const samples = Int16Array.from(
    { length: 480 },
    (_, i) => Math.round(8000 * Math.sin(i / 7)) - (i % 3),
  );
  it.each([
    ['ga', gaCodec],
    ['beta', betaCodec],
  ] as const)(
    '%s: same frame with and without validation, same as a plain event object',
    (_name, codec) => {
      for (const id of ['event_0001_x', 'id with "quotes" and \\ backslash', 'é✓']) {
        const e = appendEvent({ data: samples, sampleRate: 24_000, channels: 1 }, 'pcm16', id);
        expect(e).toBeInstanceOf(TrustedAppend);
        const plain = {
          type: 'input_audio_buffer.append' as const,
          event_id: id,
          audio: pcm16ToBase64(samples),
        };
        const trusted = codec.encodeClientEvent(e, { validate: false, audioIsBase64: true });
        expect(trusted).toBe(codec.encodeClientEvent(e));
        expect(trusted).toBe(codec.encodeClientEvent(plain));
        expect(JSON.parse(trusted)).toEqual(plain);
      }
    },
  );

  it('G.711 appends are trusted too', () => {
    const e = appendEvent(
      { data: samples.subarray(0, 160), sampleRate: 8000, channels: 1 },
      'g711_ulaw',
      'event_1',
    );
    expect(e).toBeInstanceOf(TrustedAppend);
    expect(gaCodec.encodeClientEvent(e, { validate: false, audioIsBase64: true })).toBe(
      gaCodec.encodeClientEvent(e),
    );
  });
});

describe('done promises are made on demand (a finished response holds none)', () => {
  const tree = () => {
    const response = new RealtimeResponse('resp_1', { id: 'resp_1' } as never, 0);
    const output = new RealtimeOutput('resp_1', 'item_1', 0, { type: 'message' } as never);
    const content = new RealtimeContent('resp_1', 'item_1', 0, 0, 'audio', 'none', 'pcm16');
    response.output[0] = output;
    output.content[0] = content;
    return { response, output, content };
  };

  it('asked before the end: children settle before their parent, each with itself', async () => {
    const { response, output, content } = tree();
    const order: string[] = [];
    void response.done.then((r) => order.push(r === response ? 'response' : 'wrong'));
    void output.done.then((o) => order.push(o === output ? 'output' : 'wrong'));
    void content.done.then((c) => order.push(c === content ? 'content' : 'wrong'));
    expect(response.isDone).toBe(false);
    response._end(5);
    response._end(6); // idempotent
    await response.done;
    expect(order).toEqual(['content', 'output', 'response']);
    expect([response.isDone, output.isDone, content.isDone, response.endedAt]).toEqual([
      true,
      true,
      true,
      5,
    ]);
  });

  it('asked after the end: an already resolved promise, the same one each time', async () => {
    const { response, content } = tree();
    response._end(1);
    const first = content.done;
    expect(content.done).toBe(first);
    await expect(first).resolves.toBe(content);
    await expect(response.done).resolves.toBe(response);
  });

  it('a stream first taken after the end is already closed', async () => {
    const { response, content } = tree();
    response._end(1);
    const frames: unknown[] = [];
    for await (const f of content.audioStream) frames.push(f);
    expect(frames).toEqual([]);
  });
});
