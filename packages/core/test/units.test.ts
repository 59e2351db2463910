import { describe, expect, it } from 'vitest';
import {
  audioFrame,
  base64ToPcm16,
  createCounterIdGenerator,
  gaCodec,
  type ServerEvent,
} from '@voxwire/protocol';
import { SimulatedClock } from '@voxwire/testing';
import { TypedEmitter } from '../src/emitter.js';
import { ChunkStream } from '../src/responses/stream.js';
import { PendingRequests } from '../src/requests.js';
import { ResponseTracker, type TrackerSink } from '../src/responses/tracker.js';
import { Outbox } from '../src/outbox.js';
import { defaultSessionOptions, mergeSessionOptions } from '../src/options.js';
import { fromSessionResource, toSessionUpdate } from '../src/session-config.js';
import {
  chatItemToConversationItem,
  conversationItemToChatItem,
} from '../src/conversation/items.js';
import { toChatItem } from '../src/conversation/input.js';
import type { SessionResource } from '@voxwire/protocol';

describe('TypedEmitter', () => {
  it('calls listeners in order, survives a thrower, and unsubscribes during emit safely', () => {
    const failures: unknown[] = [];
    const e = new TypedEmitter<{ tick: [n: number] }>((_, err) => failures.push(err));
    const seen: string[] = [];
    const offA = e.on('tick', (n) => {
      seen.push(`a${n}`);
      offA();
    });
    e.on('tick', () => {
      throw new Error('boom');
    });
    e.on('tick', (n) => seen.push(`c${n}`));
    e.once('tick', (n) => seen.push(`once${n}`));
    expect(e.emit('tick', 1)).toBe(true);
    e.emit('tick', 2);
    expect(seen).toEqual(['a1', 'c1', 'once1', 'c2']);
    expect(failures).toHaveLength(2);
    expect(e.listenerCount('tick')).toBe(2);
  });

  it('off(listener) removes a registration once(listener) made, the most recent of either kind', () => {
    const e = new TypedEmitter<{ tick: [] }>(() => undefined);
    const seen: string[] = [];
    const listener = () => seen.push('tick');
    e.once('tick', listener);
    e.off('tick', listener);
    expect(e.listenerCount('tick')).toBe(0);
    e.emit('tick');
    expect(seen).toEqual([]);
    // on, then once: off removes the once, the on stays
    e.on('tick', listener);
    e.once('tick', listener);
    e.off('tick', listener);
    e.emit('tick');
    e.emit('tick');
    expect(seen).toEqual(['tick', 'tick']);
    expect(e.listenerCount('tick')).toBe(1);
  });
});

describe('ChunkStream', () => {
  it('buffers before reads, delivers to a waiting reader, ends after draining', async () => {
    const s = new ChunkStream<number>();
    s.push(1);
    const pending = s.next();
    expect(await pending).toEqual({ value: 1, done: false });
    const waiting = s.next();
    s.push(2);
    expect(await waiting).toEqual({ value: 2, done: false });
    s.push(3);
    s.close();
    s.push(4);
    expect(await s.next()).toEqual({ value: 3, done: false });
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });

  it('drops the oldest beyond the high-water mark and counts them', async () => {
    const s = new ChunkStream<number>({ highWaterMark: 2 });
    for (const n of [1, 2, 3, 4]) s.push(n);
    s.close();
    const out: number[] = [];
    for await (const n of s) out.push(n);
    expect(out).toEqual([3, 4]);
    expect(s.dropped).toBe(2);
  });

  it('a pending read ends when the stream closes; return() detaches', async () => {
    const s = new ChunkStream<number>();
    const waiting = s.next();
    s.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
    const t = new ChunkStream<number>();
    await t.return();
    t.push(1);
    expect(t.detached).toBe(true);
    expect(t.buffered).toBe(0);
  });
});

describe('PendingRequests', () => {
  it('resolves by key, rejects by event id, times out from the clock, rejects all', async () => {
    const clock = new SimulatedClock();
    const r = new PendingRequests(clock, 100);
    // connected (a table starts paused, as before the first connect)
    r.resume();
    const a = r.track('item.create', 'e1', 'item_a');
    const b = r.track('item.delete', 'e2', 'item_b').catch((e: unknown) => e);
    const c = r.track('item.truncate', 'e3', 'item_c').catch((e: unknown) => e);
    const d = r.track('session.update', 'e4', 'session').catch((e: unknown) => e);
    expect(r.resolve('item.create', 'item_a', 'ok')).toBe(true);
    expect(r.rejectEventId('e2', new Error('refused'))).toBe(true);
    expect(r.rejectEventId('e2', new Error('again'))).toBe(false);
    clock.advance(100);
    r.rejectAll(new Error('closed'));
    expect(await a).toBe('ok');
    expect(await b).toMatchObject({ message: 'refused' });
    expect(await c).toMatchObject({ code: 'TIMEOUT' });
    expect(await d).toMatchObject({ code: 'TIMEOUT' });
    expect(r.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
  it('a table starts paused (no connection yet): timers run from the first resume()', async () => {
    const clock = new SimulatedClock();
    const r = new PendingRequests(clock, 100);
    const p = r.track('item.create', 'e1', 'item_a').catch((e: unknown) => e);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1_000);
    expect(r.size).toBe(1);
    r.resume();
    clock.advance(99);
    expect(r.size).toBe(1);
    clock.advance(1);
    expect(await p).toMatchObject({ code: 'TIMEOUT' });
  });
  it('tables emptied and filled again never share entries (the empty table is shared)', async () => {
    const clock = new SimulatedClock();
    const one = new PendingRequests(clock, 100);
    const two = new PendingRequests(clock, 100);
    one.resume();
    two.resume();
    const first = one.track('item.create', 'e1', 'item_a');
    expect([one.size, two.size]).toEqual([1, 0]);
    one.resolve('item.create', 'item_a', 'ok');
    await first;
    // both empty now; filling one again must leave the other empty
    const again = one.track('item.delete', 'e2', 'item_b');
    expect([one.size, two.size]).toEqual([1, 0]);
    expect(two.resolve('item.delete', 'item_b', 'wrong')).toBe(false);
    expect(two.rejectEventId('e2', new Error('wrong'))).toBe(false);
    one.resolve('item.delete', 'item_b', 'ok');
    expect(await again).toBe('ok');
    const timedOut = two.track('session.update', 'e3', 'session').catch((e: unknown) => e);
    clock.advance(100);
    expect(await timedOut).toMatchObject({ code: 'TIMEOUT' });
    expect([one.size, two.size]).toEqual([0, 0]);
  });
});

describe('Outbox', () => {
  it('queues until open, flushes in order, counts bytes, reports write failures', () => {
    const failed: string[] = [];
    const clock = new SimulatedClock();
    const o = new Outbox((e) => failed.push(e.type), { clock });
    o.send({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    o.send({ type: 'input_audio_buffer.commit' });
    expect(o.queued).toBe(2);
    expect(o.queuedBytes).toBeGreaterThan(0);
    const written: string[] = [];
    o.open({
      write: (e) => {
        if (e.type === 'input_audio_buffer.commit') throw new Error('socket gone');
        written.push(e.type);
      },
      bufferedAmount: () => 0,
    });
    o.send({ type: 'input_audio_buffer.clear' });
    expect(written).toEqual(['input_audio_buffer.append', 'input_audio_buffer.clear']);
    expect(failed).toEqual(['input_audio_buffer.commit']);
    const dropping = new Outbox(() => undefined, {
      clock,
      maxDisconnectedAudioBytes: 0,
      audioPolicy: 'drop-newest',
    });
    expect(dropping.send({ type: 'input_audio_buffer.append', audio: 'AAAA' })).toBe(false);
    expect(dropping.dropped).toBe(1);
  });

  it('withdraws the queued events of a type, and their bytes', () => {
    const o = new Outbox(() => undefined, { clock: new SimulatedClock() });
    const truncate = {
      type: 'conversation.item.truncate',
      item_id: 'a',
      content_index: 0,
      audio_end_ms: 100,
    } as const;
    o.send({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    o.send(truncate);
    o.send({ type: 'response.cancel' });
    const bytes = o.queuedBytes;
    expect(o.withdraw('conversation.item.truncate')).toEqual([truncate]);
    expect(o.queued).toBe(2);
    expect(o.queuedBytes).toBeLessThan(bytes);
    expect(o.holds(truncate)).toBe(false);
    expect(o.withdraw('conversation.item.truncate')).toEqual([]);
  });
});

describe('session options ⇄ GA session', () => {
  it('maps the seed defaults onto the GA session.update (table in session-config.ts)', () => {
    const s = toSessionUpdate(defaultSessionOptions(), [{ type: 'function', name: 'f' }]);
    expect(s).toEqual({
      type: 'realtime',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'whisper-1' },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' },
      },
      tool_choice: 'auto',
      temperature: 0.8,
      max_output_tokens: 'inf',
      tools: [{ type: 'function', name: 'f' }],
    });
    const text = toSessionUpdate(
      mergeSessionOptions(defaultSessionOptions(), {
        modalities: ['text'],
        instructions: 'x',
        turnDetection: { type: 'semantic_vad', eagerness: 'low' },
        inputAudioTranscription: null,
        outputAudioFormat: 'g711_ulaw',
        noiseReduction: 'far_field',
        speed: 1.2,
      }),
    ) as Record<string, any>;
    expect(text['output_modalities']).toEqual(['text']);
    expect(text['instructions']).toBe('x');
    expect(text['audio'].input).toMatchObject({
      transcription: null,
      turn_detection: { type: 'semantic_vad', eagerness: 'low' },
      noise_reduction: { type: 'far_field' },
    });
    expect(text['audio'].output).toMatchObject({ format: { type: 'audio/pcmu' }, speed: 1.2 });
  });

  it('maps the echo back, keeping what the server left out', () => {
    const prev = defaultSessionOptions();
    const echo = {
      type: 'realtime',
      model: 'gpt-realtime',
      output_modalities: ['text'],
      audio: {
        input: { format: { type: 'audio/pcma' }, transcription: null, turn_detection: null },
        output: { voice: { id: 'voice_x' }, speed: 1.1 },
      },
      max_output_tokens: 300,
      tool_choice: 'required',
    } as unknown as SessionResource;
    expect(fromSessionResource(echo, prev)).toMatchObject({
      modalities: ['text'],
      inputAudioFormat: 'g711_alaw',
      outputAudioFormat: 'pcm16',
      inputAudioTranscription: null,
      turnDetection: null,
      voice: { id: 'voice_x' },
      speed: 1.1,
      maxResponseOutputTokens: 300,
      toolChoice: 'required',
      temperature: 0.8,
    });
  });

  it('values added to the API later never enter the options (a restore must be able to send them)', () => {
    const prev = mergeSessionOptions(defaultSessionOptions(), {
      turnDetection: { type: 'semantic_vad', eagerness: 'low' },
      noiseReduction: 'near_field',
      toolChoice: 'required',
    });
    const echo = (input: Record<string, unknown>, toolChoice: unknown) =>
      ({
        type: 'realtime',
        tool_choice: toolChoice,
        audio: { input },
      }) as unknown as SessionResource;
    // an unknown detector, noise reduction and mode: the previous settings stay
    expect(
      fromSessionResource(
        echo(
          { turn_detection: { type: 'psychic_vad' }, noise_reduction: { type: 'studio' } },
          'sometimes',
        ),
        prev,
      ),
    ).toMatchObject({
      turnDetection: { type: 'semantic_vad', eagerness: 'low' },
      noiseReduction: 'near_field',
      toolChoice: 'required',
    });
    // a known detector with an unknown eagerness: the eagerness is left out (the server's default)
    const next = fromSessionResource(
      echo({ turn_detection: { type: 'semantic_vad', eagerness: 'frantic' } }, 'auto'),
      prev,
    );
    expect(next.turnDetection).toEqual({ type: 'semantic_vad' });
    expect(next.toolChoice).toBe('auto');
    // and what the session would send from them is a valid session.update
    expect(() =>
      gaCodec.encodeClientEvent({
        type: 'session.update',
        event_id: 'e1',
        session: toSessionUpdate(next),
      } as never),
    ).not.toThrow();
  });

  it('an output-token limit the API added later keeps the previous limit (a restore would send it)', () => {
    const prev = mergeSessionOptions(defaultSessionOptions(), { maxResponseOutputTokens: 300 });
    const echo = (limit: unknown) =>
      ({ type: 'realtime', max_output_tokens: limit }) as unknown as SessionResource;
    // a new word for no limit (passed through by the decoder as an unknown value), or garbage
    for (const limit of ['unlimited', null, 2.5, {}]) {
      const next = fromSessionResource(echo(limit), prev);
      expect(next.maxResponseOutputTokens, JSON.stringify(limit)).toBe(300);
      expect(() =>
        gaCodec.encodeClientEvent({
          type: 'session.update',
          event_id: 'e1',
          session: toSessionUpdate(next),
        } as never),
      ).not.toThrow();
    }
    expect(fromSessionResource(echo('inf'), prev).maxResponseOutputTokens).toBe('inf');
    expect(fromSessionResource(echo(1024), prev).maxResponseOutputTokens).toBe(1024);
  });

  it('a tool choice object of a kind added later keeps the previous choice (a restore would send it)', () => {
    const prev = mergeSessionOptions(defaultSessionOptions(), { toolChoice: 'required' });
    const echo = (toolChoice: unknown) =>
      ({ type: 'realtime', tool_choice: toolChoice }) as unknown as SessionResource;
    for (const choice of [
      { type: 'file_search' },
      { type: 'custom', name: 'grep' },
      { type: 'function' },
      { type: 'function', name: 7 },
      ['auto'],
      null,
    ]) {
      const next = fromSessionResource(echo(choice), prev);
      expect(next.toolChoice, JSON.stringify(choice)).toBe('required');
      expect(() =>
        gaCodec.encodeClientEvent({
          type: 'session.update',
          event_id: 'e1',
          session: toSessionUpdate(next),
        } as never),
      ).not.toThrow();
    }
    // a named function is taken, as the choice this version knows, without extra keys
    expect(
      fromSessionResource(echo({ type: 'function', name: 'get_weather' }), prev).toolChoice,
    ).toEqual({ type: 'function', name: 'get_weather' });
  });
});

describe('chat item converters (what conversation.item.create sends)', () => {
  const ids = createCounterIdGenerator('u');
  const wire = (input: Parameters<typeof toChatItem>[0]) =>
    chatItemToConversationItem(toChatItem(input, ids)) as unknown as Record<string, any>;
  it('round-trips every role', () => {
    const frame = audioFrame(new Int16Array([1, 2, 3]));
    const user = wire({ role: 'user', content: ['hi', frame] });
    expect(user['content'].map((p: { type: string }) => p.type)).toEqual([
      'input_text',
      'input_audio',
    ]);
    expect(conversationItemToChatItem(user as never)).toMatchObject({
      type: 'message',
      role: 'user',
    });
    expect(
      wire({ role: 'assistant', content: [{ type: 'audio', audio: frame, transcript: 'said' }] }),
    ).toMatchObject({ content: [{ type: 'output_text', text: 'said' }] });
    expect(
      conversationItemToChatItem(wire({ id: 's', role: 'system', content: 'rules' }) as never),
    ).toEqual({
      type: 'message',
      id: 's',
      role: 'system',
      content: [{ type: 'text', text: 'rules' }],
    });
    expect(
      conversationItemToChatItem(
        wire({ id: 'o', type: 'function_call_output', callId: 'c', output: 'out' }) as never,
      ),
    ).toEqual({ type: 'function_call_output', id: 'o', callId: 'c', output: 'out' });
    expect(() => wire({ role: 'system', content: frame })).toThrow(/system audio/);
    // another rate is converted (100 ms at 16 kHz → 100 ms at 24 kHz); one that cannot be, refused
    const converted = wire({ role: 'user', content: audioFrame(new Int16Array(1600), 16000) });
    expect(
      base64ToPcm16(
        ((converted as { content: { audio: string }[] }).content[0] as { audio: string }).audio,
      ),
    ).toHaveLength(2400);
    expect(() => wire({ role: 'user', content: audioFrame(new Int16Array(3), 24001) })).toThrow(
      /cannot be converted to mono 24000 Hz/,
    );
    expect(() => wire({ type: 'function_call', callId: 'c' } as never)).toThrow(/item.name/);
    expect(() => wire({ role: 'robot' as never, content: 'x' })).toThrow(/item.role/);
  });
});

describe('ResponseTracker', () => {
  const sink: TrackerSink = {
    created() {},
    outputAdded() {},
    contentAdded() {},
    audio() {},
    text() {},
    contentDone() {},
    outputDone() {},
    done() {},
    violation(error) {
      throw error;
    },
  };
  const tracker = () =>
    new ResponseTracker(
      {
        clock: new SimulatedClock(),
        audioRetention: 'none',
        maxRetained: 4,
        outputFormat: () => 'pcm16',
        streams: { highWaterMark: 8 },
      },
      sink,
    );
  const created = (id: string) =>
    ({
      type: 'response.created',
      event_id: `c_${id}`,
      response: { id, status: 'in_progress' },
    }) as ServerEvent;
  const done = (id: string) =>
    ({
      type: 'response.done',
      event_id: `d_${id}`,
      response: { id, status: 'completed', output: [] },
    }) as ServerEvent;

  it('keeps the responses in progress of each tracker apart, before and after one ends', () => {
    const one = tracker();
    const two = tracker();
    one.handle(created('resp_1'));
    expect([one.activeCount, two.activeCount]).toEqual([1, 0]);
    one.handle(done('resp_1'));
    // both are empty again (and share the empty table): a new response belongs to one only
    two.handle(created('resp_2'));
    expect([one.activeCount, two.activeCount]).toEqual([0, 1]);
    expect(one.get('resp_2')).toBeUndefined();
    expect(two.get('resp_2')?.status).toBe('in_progress');
    expect(one.get('resp_1')?.status).toBe('completed');
    two.handle(done('resp_2'));
    expect([one.sizes.active, two.sizes.active]).toEqual([0, 0]);
    expect([one.sizes.finished, two.sizes.finished]).toEqual([1, 1]);
  });
});

describe('connectFailure', () => {
  it("maps an adapter's own handshake timeout to CONNECT_TIMEOUT with its timeoutMs", async () => {
    const { connectFailure } = await import('../src/connect-attempt.js');
    const cause = Object.assign(new Error('handshake did not complete within 2500 ms'), {
      code: 'CONNECT_TIMEOUT',
      timeoutMs: 2500,
    });
    const error = connectFailure(cause);
    expect(error).toMatchObject({
      code: 'CONNECT_TIMEOUT',
      data: { timeoutMs: 2500, transportCode: 'CONNECT_TIMEOUT' },
    });
    expect(error.cause).toBe(cause);
    // other adapter failures stay CONNECT_FAILED
    expect(connectFailure(Object.assign(new Error('refused'), { code: 'X' }))).toMatchObject({
      code: 'CONNECT_FAILED',
      data: { transportCode: 'X' },
    });
  });
});
