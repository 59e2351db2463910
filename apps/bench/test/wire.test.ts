import { describe, expect, it } from 'vitest';
import { base64Bytes, LoadConnection, parseTag } from '../src/server/connection.js';
import {
  buildResponse,
  DELTA_PCM_BYTES,
  framesPerResponse,
  mergeSession,
  tonePcm16,
} from '../src/wire/events.js';
import { parseTextFrames, textFrame, textFrames } from '../src/wire/frame.js';

const counter = (): (() => string) => {
  let n = 0;
  return () => `e${++n}`;
};

describe('buildResponse', () => {
  const frames = buildResponse(
    {
      responseId: 'resp_1',
      itemId: 'item_1',
      previousItemId: null,
      deltas: 3,
      metadata: { client_event_id: 'x' },
    },
    counter(),
  );
  const events = [...frames.head, ...frames.chunks.flat(), ...frames.tail].map(
    (b) => JSON.parse(b.toString()) as Record<string, any>,
  );

  it('follows the GA audio response order of protocol.md §7.4', () => {
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      ...Array.from({ length: 3 }, () => [
        'response.output_audio_transcript.delta',
        'response.output_audio.delta',
      ]).flat(),
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
    ]);
    expect(frames.frameCount).toBe(framesPerResponse(3));
    expect(events).toHaveLength(framesPerResponse(3));
  });

  it('carries 100 ms of 24 kHz PCM16 per delta and the transcript in the done events', () => {
    const audio = events.filter((e) => e.type === 'response.output_audio.delta');
    for (const e of audio)
      expect(Buffer.from(e.delta as string, 'base64')).toHaveLength(DELTA_PCM_BYTES);
    expect(events.at(-1)!.response.output[0].content[0].transcript).toBe('word0 word1 word2 ');
    expect(events[0]!.response.metadata).toEqual({ client_event_id: 'x' });
  });

  it('gives every event a distinct id', () => {
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  });

  it('refuses a response without audio', () => {
    expect(() =>
      buildResponse(
        { responseId: 'r', itemId: 'i', previousItemId: null, deltas: 0, metadata: null },
        counter(),
      ),
    ).toThrow(RangeError);
  });
});

describe('tonePcm16', () => {
  it('is audible and deterministic', () => {
    const a = tonePcm16(960);
    expect(a).toHaveLength(480);
    expect(Math.max(...a)).toBeGreaterThan(7000);
    expect(tonePcm16(960)).toEqual(a);
  });
  it('rejects odd byte counts', () => {
    expect(() => tonePcm16(3)).toThrow(RangeError);
  });
});

describe('mergeSession', () => {
  it('merges nested objects and replaces arrays and nulls, as a partial session.update', () => {
    const merged = mergeSession(
      { a: { b: 1, c: 2 }, list: [1], t: { x: 1 } },
      { a: { c: 3 }, list: [], t: null },
    );
    expect(merged).toEqual({ a: { b: 1, c: 3 }, list: [], t: null });
  });
  it('ignores a non-object update', () => {
    expect(mergeSession({ a: 1 }, 'nope')).toEqual({ a: 1 });
  });
});

describe('textFrame', () => {
  it.each([0, 125, 126, 65_535, 65_536])(
    'round-trips a %i-byte payload with the right length encoding',
    (n) => {
      const payload = Buffer.alloc(n, 0x61);
      const frame = textFrame(payload);
      expect(frame[0]).toBe(0x81);
      expect(frame.length - n).toBe(n < 126 ? 2 : n < 65_536 ? 4 : 10);
      expect(parseTextFrames(frame)).toEqual([payload.toString()]);
    },
  );
  it('concatenates frames for one write', () => {
    expect(parseTextFrames(textFrames([Buffer.from('a'), Buffer.from('bc')]))).toEqual(['a', 'bc']);
  });
});

describe('parseTag', () => {
  it('reads bench.<mode>.<index> from the model parameter', () => {
    expect(parseTag('/v1/realtime?model=bench.pace.17')).toEqual({ mode: 'pace', index: 17 });
  });
  it('falls back to a burst connection for anything else', () => {
    expect(parseTag('/v1/realtime?model=gpt-realtime')).toEqual({ mode: 'burst', index: 0 });
    expect(parseTag(undefined)).toEqual({ mode: 'burst', index: 0 });
    expect(parseTag('/?model=bench.up.-3')).toEqual({ mode: 'up', index: 0 });
  });
});

describe('base64Bytes', () => {
  it.each([0, 1, 2, 3, 960, 4800])('counts %i decoded bytes without decoding', (n) => {
    expect(base64Bytes(Buffer.alloc(n, 7).toString('base64'))).toBe(n);
  });
});

describe('LoadConnection', () => {
  const open = (model: string) => {
    const sent: Record<string, any>[] = [];
    const written: Record<string, any>[] = [];
    const totals: number[] = [];
    const conn = new LoadConnection({
      tag: parseTag(`/?model=${model}`),
      deltasPerResponse: 2,
      send: (text) => sent.push(JSON.parse(text)),
      write: (bytes) => written.push(...parseTextFrames(bytes).map((t) => JSON.parse(t))),
      onAppend: (t) => totals.push(t.bytes),
    });
    conn.open();
    return { conn, sent, written, totals };
  };

  it('announces the session, then echoes session.update merged', () => {
    const { conn, sent } = open('bench.burst.0');
    conn.receive(
      JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'hi' } }),
    );
    expect(sent.map((e) => e.type)).toEqual(['session.created', 'session.updated']);
    expect(sent[1]!.session.instructions).toBe('hi');
    expect(sent[1]!.session.audio.output.voice).toBe('marin');
  });

  it('answers response.create with a whole burst in one write, ids moving on per response', () => {
    const { conn, written } = open('bench.burst.0');
    conn.receive('{"type":"response.create","response":{"metadata":{"client_event_id":"c1"}}}');
    conn.receive('{"type":"response.create"}');
    expect(written).toHaveLength(2 * framesPerResponse(2));
    expect(written[0]!.response).toMatchObject({
      id: 'resp_1',
      metadata: { client_event_id: 'c1' },
    });
    const second = written[framesPerResponse(2)]!;
    expect(second.response.id).toBe('resp_2');
    const added = written.filter((e) => e.type === 'conversation.item.added');
    expect(added[1]!.previous_item_id).toBe(added[0]!.item.id);
  });

  it('leaves paced connections to the schedule', () => {
    const { conn, written } = open('bench.pace.3');
    conn.receive('{"type":"response.create"}');
    expect(written).toHaveLength(0);
  });

  it('counts appended audio bytes and acknowledges a commit', () => {
    const { conn, sent, totals } = open('bench.up.0');
    const audio = Buffer.alloc(960, 1).toString('base64');
    conn.receive(JSON.stringify({ type: 'input_audio_buffer.append', audio }));
    conn.receive(JSON.stringify({ type: 'input_audio_buffer.append', audio }));
    conn.receive('{"type":"input_audio_buffer.commit"}');
    expect(conn.upstream).toEqual({ appends: 2, bytes: 1920 });
    expect(totals).toEqual([960, 1920]);
    expect(sent.at(-1)!.type).toBe('input_audio_buffer.committed');
  });

  it('counts frames that are not JSON event objects, and answers nothing', () => {
    const { conn, sent } = open('bench.burst.0');
    for (const bad of ['not json', '[1]', '{"no":"type"}', 'null']) conn.receive(bad);
    expect(conn.invalidFrames).toBe(4);
    expect(sent).toHaveLength(1);
  });

  it('acknowledges conversation.item.create with added then done', () => {
    const { conn, sent } = open('bench.burst.0');
    conn.receive(
      JSON.stringify({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [] },
      }),
    );
    expect(sent.slice(1).map((e) => e.type)).toEqual([
      'conversation.item.added',
      'conversation.item.done',
    ]);
    expect(sent[1]!.item.id).toBe(sent[2]!.item.id);
  });
});
