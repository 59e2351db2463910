/**
 * A connection accepted with `audioPath: 'media'` (a WebRTC call): the server plays the audio
 * itself (output_audio_buffer.started/stopped/cleared) and sends no audio deltas.
 */
import { codecFor, pcm16ToBase64 } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { FakeServer, SimulatedClock, speechThenSilence } from '../src/index.js';
import type { FakeServerOptions } from '../src/index.js';

type Ev = { type: string; [k: string]: any };

// 'Hello there' is 11 characters: 660 ms of speech at the default 60 ms per character
const HELLO = 'Hello there';
const HELLO_MS = 660;

function open(audioPath: 'events' | 'media', options: FakeServerOptions = {}) {
  const clock = new SimulatedClock();
  const server = new FakeServer({ clock, ...options });
  const codec = codecFor('ga');
  const events: (Ev & { at: number })[] = [];
  const accepted = server.accept(
    {
      send: (frame) => {
        const d = codec.decodeServerEvent(frame);
        if (d.kind === 'event') events.push({ ...(d.event as Ev), at: clock.now() });
      },
      close: () => undefined,
    },
    { audioPath },
  );
  const send = (event: Ev) => accepted.receive(JSON.stringify(event));
  const types = () => events.map((e) => e.type);
  const of = (type: string) => events.filter((e) => e.type === type);
  return { clock, server, events, send, types, of, conn: accepted.connection };
}

describe("media mode (accept({ audioPath: 'media' }))", () => {
  it('sends the same response without audio deltas, and plays it: started, then stopped after response.done at the end of its audio', async () => {
    const m = open('media');
    m.server.queueResponse((ctx) => ctx.say(HELLO));
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(0);
    const types = m.types();
    expect(types).not.toContain('response.output_audio.delta');
    expect(types).toContain('response.output_audio_transcript.delta');
    expect(types).toContain('response.output_audio.done');
    const done = m.of('response.done')[0];
    expect(done?.response.status).toBe('completed');
    expect(done?.response.usage.output_token_details.audio_tokens).toBeGreaterThan(0);
    // started when the first audio would have gone out: after the audio part was added
    expect(types.indexOf('output_audio_buffer.started')).toBeGreaterThan(
      types.indexOf('response.content_part.added'),
    );
    expect(m.of('output_audio_buffer.started')[0]).toMatchObject({
      response_id: done?.response.id,
      at: 0,
    });
    await m.clock.advanceAsync(HELLO_MS - 1);
    expect(types).not.toContain('output_audio_buffer.stopped');
    expect(m.conn.outputAudio.playedMs(done?.response.id)).toBe(HELLO_MS - 1);
    await m.clock.advanceAsync(1);
    expect(m.types().slice(-1)).toEqual(['output_audio_buffer.stopped']);
    expect(m.of('output_audio_buffer.stopped')[0]).toMatchObject({
      response_id: done?.response.id,
      at: HELLO_MS,
    });
    expect(m.conn.outputAudio.entries).toEqual([
      {
        responseId: done?.response.id,
        itemIds: [done?.response.output[0].id],
        state: 'stopped',
        generatedMs: HELLO_MS,
        playedMs: HELLO_MS,
        startedAt: 0,
        stoppedAt: HELLO_MS,
        clearedAt: undefined,
      },
    ]);
  });

  it('sends stopped only after response.done when the audio has played before the response ends', async () => {
    // real-time generation: the last chunk has played when response.done goes out
    const m = open('media', { pacing: { realtimeFactor: 1 } });
    m.server.queueResponse((ctx) => ctx.say(HELLO));
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(HELLO_MS);
    const types = m.types();
    expect(types.indexOf('output_audio_buffer.stopped')).toBeGreaterThan(
      types.indexOf('response.done'),
    );
    expect(m.of('output_audio_buffer.stopped')[0]?.at).toBe(HELLO_MS);
  });

  it("queues a second response's audio behind the first", async () => {
    const m = open('media');
    m.server.queueResponse(
      (ctx) => ctx.say(HELLO),
      (ctx) => ctx.say('Bye'),
    );
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(0);
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(0);
    const [first, second] = m.of('response.done').map((e) => e.response.id);
    expect(m.of('output_audio_buffer.started').map((e) => e.response_id)).toEqual([first]);
    await m.clock.advanceAsync(HELLO_MS);
    const playback = m.events
      .filter((e) => e.type.startsWith('output_audio_buffer.'))
      .map((e) => [e.type, e.response_id, e.at]);
    expect(playback).toEqual([
      ['output_audio_buffer.started', first, 0],
      ['output_audio_buffer.stopped', first, HELLO_MS],
      ['output_audio_buffer.started', second, HELLO_MS],
    ]);
    await m.clock.advanceAsync(180);
    expect(m.of('output_audio_buffer.stopped').map((e) => [e.response_id, e.at])).toEqual([
      [first, HELLO_MS],
      [second, HELLO_MS + 180],
    ]);
  });

  it('output_audio_buffer.clear cuts the playing item at the ms played, sends cleared, and drops the audio queued behind it', async () => {
    const m = open('media');
    m.server.queueResponse(
      (ctx) => ctx.say(HELLO),
      (ctx) => ctx.say('Bye'),
    );
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(0);
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(300);
    const [first, second] = m.of('response.done').map((e) => e.response);
    m.send({ type: 'output_audio_buffer.clear' });
    expect(m.events.slice(-1)).toEqual([
      expect.objectContaining({ type: 'output_audio_buffer.cleared', response_id: first.id }),
    ]);
    // the server's item keeps what was heard, as a truncate would leave it, with no truncated event
    const item = m.server.current?.conversation.get(first.output[0].id);
    expect(item?.audio?.length).toBe(300 * 24);
    expect(item?.item['content']).toEqual([{ type: 'output_audio', transcript: '' }]);
    expect(m.types()).not.toContain('conversation.item.truncated');
    await m.clock.advanceAsync(2_000);
    expect(m.types().filter((t) => t.startsWith('output_audio_buffer.'))).toEqual([
      'output_audio_buffer.started',
      'output_audio_buffer.cleared',
    ]);
    expect(m.conn.outputAudio.entries.map((e) => [e.responseId, e.state, e.playedMs])).toEqual([
      [first.id, 'cleared', 300],
      [second.id, 'dropped', 0],
    ]);
    // the second answer was not heard: its item keeps what was generated
    expect(m.server.current?.conversation.get(second.output[0].id)?.item['content']).toEqual([
      { type: 'output_audio', transcript: 'Bye' },
    ]);
  });

  it('a connection closing mid-answer ends its playback there: playedMs stops growing, state ended', async () => {
    // the remote track plays nothing more once the call is gone: a test reading what the
    // user heard before a drop must not see the rest of the answer counted as played
    const m = open('media');
    m.server.queueResponse((ctx) => ctx.say(HELLO));
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(300);
    m.conn.transportClosed(1006, 'gone');
    await m.clock.advanceAsync(5_000);
    const [first] = m.conn.outputAudio.entries;
    expect(first).toMatchObject({ state: 'ended', playedMs: 300, stoppedAt: undefined });
    expect(first?.generatedMs).toBe(HELLO_MS);
    expect(m.conn.outputAudio.playedMs(first!.responseId)).toBe(300);
    expect(m.conn.outputAudio.playing).toBe(false);
    expect(m.types()).not.toContain('output_audio_buffer.stopped');
  });

  it('a clear with nothing playing sends nothing', async () => {
    const m = open('media');
    m.send({ type: 'output_audio_buffer.clear' });
    m.server.queueResponse((ctx) => ctx.say(HELLO));
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(HELLO_MS);
    const before = m.events.length;
    m.send({ type: 'output_audio_buffer.clear' });
    await m.clock.advanceAsync(0);
    expect(m.events.length).toBe(before);
    expect(m.types()).not.toContain('error');
    expect(m.types()).not.toContain('output_audio_buffer.cleared');
  });

  it('over an events connection output_audio_buffer.clear is still refused as the WebSocket server does', () => {
    const m = open('events');
    m.send({ type: 'output_audio_buffer.clear', event_id: 'evt_1' });
    expect(m.of('error')[0]?.error).toMatchObject({
      code: 'invalid_value',
      param: 'type',
      event_id: 'evt_1',
    });
  });

  it('a VAD barge-in over an answer still playing cuts it at the ms played and sends cleared', async () => {
    const m = open('media');
    m.server.queueResponse((ctx) => ctx.say(HELLO));
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(250);
    const id = m.of('response.done')[0]?.response.id;
    const itemId = m.of('response.done')[0]?.response.output[0].id;
    // the response has finished generating: only its playback is interrupted
    const [speech] = speechThenSilence(100, 0);
    m.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(speech!.data) });
    const tail = m.types().slice(-2);
    expect(tail).toEqual(['input_audio_buffer.speech_started', 'output_audio_buffer.cleared']);
    expect(m.of('output_audio_buffer.cleared')[0]?.response_id).toBe(id);
    expect(m.server.current?.conversation.get(itemId)?.audio?.length).toBe(250 * 24);
    expect(m.conn.outputAudio.playedMs(id)).toBe(250);
  });

  it('a VAD barge-in over an answer still generating cancels it (turn_detected), then sends cleared', async () => {
    const m = open('media', { pacing: { realtimeFactor: 1 } });
    m.server.queueResponse((ctx) => ctx.say(HELLO));
    m.send({ type: 'response.create' });
    await m.clock.advanceAsync(200);
    const [speech] = speechThenSilence(100, 0);
    m.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(speech!.data) });
    await m.clock.advanceAsync(0);
    const types = m.types();
    const started = types.indexOf('input_audio_buffer.speech_started');
    expect(types.slice(started)).toEqual([
      'input_audio_buffer.speech_started',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
      'rate_limits.updated',
      'output_audio_buffer.cleared',
    ]);
    expect(m.of('response.done')[0]?.response.status_details).toEqual({
      type: 'cancelled',
      reason: 'turn_detected',
    });
    const itemId = m.of('response.done')[0]?.response.output[0].id;
    const item = m.server.current?.conversation.get(itemId);
    expect(item?.audio?.length).toBe(200 * 24);
    expect(item?.item['content']).toEqual([{ type: 'output_audio', transcript: '' }]);
    await m.clock.advanceAsync(2_000);
    expect(m.types()).not.toContain('output_audio_buffer.stopped');
  });
});
