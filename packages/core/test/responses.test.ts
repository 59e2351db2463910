import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '@voxwire/protocol';
import type { RealtimeContent, RealtimeResponse } from '../src/responses/tree.js';
import type { RealtimeMetrics } from '../src/metrics.js';
import { DIALECTS, collect, gate, openSession, record, setup } from './helpers.js';

const TREE = [
  'response_created',
  'response_output_added',
  'response_content_added',
  'response_content_done',
  'response_output_done',
  'response_done',
  'metrics_collected',
] as const;

describe.each(DIALECTS)('responses (%s)', (dialect) => {
  it('a text-only response streams its text deltas and closes the stream (the seed drops both)', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const events = record(session, [...TREE]);
    const streamed: Promise<string[]>[] = [];
    session.on('response_content_added', (c) => streamed.push(collect(c.textStream)));
    s.server.queueResponse((ctx) => ctx.say('Hello there, general.'));
    const created = session.response.create();
    await s.settle();
    expect(await created).toBe(true);
    expect(events.map((e) => e[0])).toEqual([...TREE]);
    const response = events[0]?.[1] as RealtimeResponse;
    expect(response.status).toBe('completed');
    expect(response.isDone).toBe(true);
    const content = response.output[0]?.content[0] as RealtimeContent;
    expect(content.contentType).toBe('text');
    expect(content.text).toBe('Hello there, general.');
    const deltas = await streamed[0];
    expect(deltas?.length).toBeGreaterThan(1);
    expect(deltas?.join('')).toBe('Hello there, general.');
    expect(await collect(content.audioStream)).toEqual([]);
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    expect(response.output[0]?.itemId).toBeTruthy();
    expect(response.output[0]?.role).toBe('assistant');
    expect(await response.done).toBe(response);
    await session.close();
  });

  it('an audio response streams PCM16 frames and its transcript', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const frames: Promise<AudioFrame[]>[] = [];
    const texts: Promise<string[]>[] = [];
    session.on('response_content_added', (c) => {
      frames.push(collect(c.audioStream));
      texts.push(collect(c.textStream));
    });
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    s.server.queueResponse((ctx) => ctx.say('Audio reply.'));
    void session.response.create();
    await s.settle();
    const response = await done;
    const content = response.output[0]?.content[0] as RealtimeContent;
    expect(content.contentType).toBe('audio');
    const got = (await frames[0]) ?? [];
    expect(got.length).toBeGreaterThan(0);
    expect(got[0]?.data).toBeInstanceOf(Int16Array);
    expect(got[0]?.sampleRate).toBe(24000);
    expect(content.audioSamples).toBe(got.reduce((n, f) => n + f.data.length, 0));
    expect(content.audioDurationMs).toBeGreaterThan(0);
    expect((await texts[0])?.join('')).toBe('Audio reply.');
    expect(content.text).toBe('Audio reply.');
    // retention defaults to none: memory stays flat unless the app opts in
    expect(content.audio).toEqual([]);
    // one object per item is kept: the output's item is the final one of the resource
    const output = response.output[0];
    expect(output?.item).toBe(response.resource.output?.[0]);
    expect(output?.item).toMatchObject({ id: output?.itemId, type: 'message' });
    await session.close();
  });

  it('response_audio and response_text deliver every chunk synchronously, the same as the streams', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const viaEvent: { frame: AudioFrame; content: RealtimeContent }[] = [];
    const textViaEvent: string[] = [];
    const viaStream: Promise<AudioFrame[]>[] = [];
    session.on('response_audio', (frame, content) => viaEvent.push({ frame, content }));
    session.on('response_text', (delta) => textViaEvent.push(delta));
    session.on('response_content_added', (c) => viaStream.push(collect(c.audioStream)));
    // a throwing listener is reported as an error and never stops delivery to the others
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    let thrown = 0;
    session.on('response_audio', () => {
      if (thrown++ === 0) throw new Error('listener bug');
    });
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    s.server.queueResponse((ctx) => ctx.say('Synchronous delivery, please.'));
    void session.response.create();
    await s.settle();
    const response = await done;
    const content = response.output[0]?.content[0] as RealtimeContent;
    const streamed = (await viaStream[0]) ?? [];
    expect(viaEvent.length).toBeGreaterThan(1);
    // the very same frame objects, in the same order, for both ways of listening
    expect(viaEvent.map((e) => e.frame)).toEqual(streamed);
    expect(viaEvent.every((e) => e.content === content)).toBe(true);
    expect(viaEvent[0]?.frame.sampleRate).toBe(24000);
    expect(viaEvent.reduce((n, e) => n + e.frame.data.length, 0)).toBe(content.audioSamples);
    expect(textViaEvent.join('')).toBe('Synchronous delivery, please.');
    expect(thrown).toBe(viaEvent.length);
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).message)).toMatch(/response_audio/);
    await session.close();
  });

  it('response_audio carries G.711 output decoded to 8 kHz PCM16', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { outputAudioFormat: 'g711_ulaw' });
    const frames: AudioFrame[] = [];
    session.on('response_audio', (frame) => frames.push(frame));
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    s.server.queueResponse((ctx) => ctx.say('Phone line.'));
    void session.response.create();
    await s.settle();
    const content = (await done).output[0]?.content[0] as RealtimeContent;
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.sampleRate === 8000 && f.data instanceof Int16Array)).toBe(true);
    expect(frames.reduce((n, f) => n + f.data.length, 0)).toBe(content.audioSamples);
    await session.close();
  });

  it('accumulates audio when asked, and caps it', async () => {
    for (const audioRetention of ['all', { maxDurationMs: 150 }] as const) {
      const s = setup(dialect, { audioRetention });
      const session = await openSession(s);
      const done = new Promise<RealtimeResponse>((resolve) =>
        session.once('response_done', resolve),
      );
      s.server.queueResponse((ctx) => ctx.say('A somewhat longer spoken answer for the cap.'));
      void session.response.create();
      await s.settle();
      const content = (await done).output[0]?.content[0] as RealtimeContent;
      const keptMs = content.audio.reduce((n, f) => n + (f.data.length * 1000) / f.sampleRate, 0);
      if (audioRetention === 'all') {
        expect(keptMs).toBeCloseTo(content.audioDurationMs);
        expect(content.audioFramesDropped).toBe(0);
      } else {
        expect(keptMs).toBeLessThanOrEqual(150);
        expect(content.audioFramesDropped).toBeGreaterThan(0);
      }
      await session.close();
    }
  });

  it('a consumer that breaks out of for-await detaches; the engine keeps going', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    let first: string | undefined;
    const reading: Promise<void>[] = [];
    session.on('response_content_added', (c) => {
      reading.push(
        (async () => {
          for await (const d of c.textStream) {
            first = d;
            break;
          }
        })(),
      );
    });
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    s.server.queueResponse((ctx) => ctx.say('one two three four'));
    void session.response.create();
    await s.settle();
    await Promise.all(reading);
    expect(first).toBeTruthy();
    expect((await done).text).toBe('one two three four');
    await session.close();
  });

  it('metrics: every field, from the injected clock', async () => {
    const s = setup(
      dialect,
      {},
      { pacing: { firstOutputDelayMs: 40, audioChunkMs: 100, realtimeFactor: 0.1 } },
    );
    const session = await openSession(s);
    const metrics: RealtimeMetrics[] = [];
    session.on('metrics_collected', (m) => metrics.push(m));
    s.server.queueResponse((ctx) => ctx.say('Timing matters here.'));
    void session.response.create();
    await s.clock.advanceAsync(10_000);
    const m = metrics[0] as RealtimeMetrics;
    const r = session.responses.at(-1) as RealtimeResponse;
    expect(m.requestId).toBe(r.id);
    expect(m.timestamp).toBe(r.createdAt);
    expect(m.ttftMs).toBeGreaterThanOrEqual(40);
    expect(m.ttftMs).toBe((r.firstTokenAt as number) - r.createdAt);
    expect(m.durationMs).toBe((r.endedAt as number) - r.createdAt);
    expect(m.durationMs).toBeGreaterThan(m.ttftMs);
    expect(m.cancelled).toBe(false);
    expect(m.completionTokens).toBe(r.usage?.output_tokens);
    expect(m.promptTokens).toBe(r.usage?.input_tokens);
    expect(m.totalTokens).toBe(r.usage?.total_tokens);
    expect(m.tokensPerSecond).toBeCloseTo(m.completionTokens / (m.durationMs / 1000));
    expect(m.inputTokenDetails).toEqual({
      cachedTokens: r.usage?.input_token_details?.cached_tokens ?? 0,
      textTokens: r.usage?.input_token_details?.text_tokens ?? 0,
      audioTokens: r.usage?.input_token_details?.audio_tokens ?? 0,
      imageTokens: r.usage?.input_token_details?.image_tokens ?? 0,
      cachedTokensDetails: {
        textTokens: r.usage?.input_token_details?.cached_tokens_details?.text_tokens ?? 0,
        audioTokens: r.usage?.input_token_details?.cached_tokens_details?.audio_tokens ?? 0,
        imageTokens: r.usage?.input_token_details?.cached_tokens_details?.image_tokens ?? 0,
      },
    });
    expect(m.outputTokenDetails.audioTokens).toBe(r.usage?.output_token_details?.audio_tokens ?? 0);
    expect(m.outputTokenDetails.textTokens).toBe(r.usage?.output_token_details?.text_tokens ?? 0);
    expect(m.error).toBeNull();
    await session.close();
  });

  it('metrics: failed and incomplete responses carry the error; no delta gives ttft -1', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const metrics: RealtimeMetrics[] = [];
    session.on('metrics_collected', (m) => metrics.push(m));
    s.server.queueResponse((ctx) => ctx.fail({ type: 'server_error', code: 'boom' }));
    void session.response.create();
    await s.settle();
    s.server.queueResponse((ctx) => {
      ctx.say('cut');
      ctx.incomplete('max_output_tokens');
    });
    void session.response.create();
    await s.settle();
    expect(metrics[0]).toMatchObject({
      ttftMs: -1,
      error: { type: 'failed', code: 'boom' },
      tokensPerSecond: 0,
    });
    expect(metrics[1]?.error).toMatchObject({ type: 'incomplete', reason: 'max_output_tokens' });
    expect(session.responses.at(-2)?.error).toMatchObject({ code: 'boom' });
    await session.close();
  });

  it('cancel: the response ends cancelled with client_cancelled and metrics say so', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const hold = gate();
    const metrics: RealtimeMetrics[] = [];
    session.on('metrics_collected', (m) => metrics.push(m));
    s.server.queueResponse(async (ctx) => {
      await hold.promise;
      ctx.say('never heard');
    });
    void session.response.create();
    await s.settle();
    expect(session.activeResponse?.status).toBe('in_progress');
    session.response.cancel();
    await s.settle();
    hold.open();
    await s.settle();
    const r = session.responses.at(-1) as RealtimeResponse;
    expect(r.status).toBe('cancelled');
    expect(r.statusDetails?.reason).toBe('client_cancelled');
    expect(metrics[0]?.cancelled).toBe(true);
    await session.close();
  });

  it('keeps only maxRetainedResponses finished responses', async () => {
    const s = setup(dialect, { maxRetainedResponses: 2 });
    const session = await openSession(s, { modalities: ['text'] });
    for (let i = 0; i < 4; i++) {
      s.server.queueResponse((ctx) => ctx.say(`answer ${i}`));
      void session.response.create();
      await s.settle();
    }
    expect(session.responses.map((r) => r.text)).toEqual(['answer 2', 'answer 3']);
    await session.close();
  });

  it('maxRetainedResponses 0 keeps none, yet every response reaches response_done', async () => {
    const s = setup(dialect, { maxRetainedResponses: 0 });
    const session = await openSession(s, { modalities: ['text'] });
    const done: string[] = [];
    session.on('response_done', (r) => done.push(r.text));
    for (let i = 0; i < 3; i++) {
      s.server.queueResponse((ctx) => ctx.say(`answer ${i}`));
      void session.response.create();
      await s.settle();
    }
    expect(done).toEqual(['answer 0', 'answer 1', 'answer 2']);
    expect(session.responses).toEqual([]);
    await session.close();
  });

  it('a content part announced after its item is done is a protocol violation and is not attached, so nothing of the response stays open', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const contents: RealtimeContent[] = [];
    session.on('response_content_added', (c) => contents.push(c));
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    const resp = { id: 'resp_x', object: 'realtime.response' };
    const item = (status: string, content: unknown[] = []) => ({
      id: 'it_a',
      type: 'message',
      role: 'assistant',
      status,
      content,
    });
    const final = item('completed', [{ type: 'output_text', text: 'hi' }]);
    const at = { response_id: 'resp_x', output_index: 0 };
    s.server.emit({ type: 'response.created', response: { ...resp, status: 'in_progress' } });
    s.server.emit({ type: 'response.output_item.added', ...at, item: item('in_progress') });
    s.server.emit({ type: 'response.output_item.done', ...at, item: final });
    // reordered: the part comes after its item is done (nothing would end it, were it attached)
    s.server.emit({
      type: 'response.content_part.added',
      ...at,
      item_id: 'it_a',
      content_index: 0,
      part: { type: 'text', text: '' },
    });
    s.server.emit({
      type: 'response.done',
      response: { ...resp, status: 'completed', output: [final] },
    });
    await s.settle();
    const response = await done;
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'PROTOCOL_VIOLATION',
        data: { type: 'response.content_part.added', reason: 'after_done' },
      }),
    ]);
    expect(contents).toEqual([]);
    expect(response.output[0]?.content).toEqual([]);
    expect(response.output[0]?.isDone).toBe(true);
    expect(response.output[0]?.item).toEqual(final);
    await session.close();
  });

  it('refuses a maxRetainedResponses that is not a whole number ≥ 0', () => {
    for (const bad of [-1, 1.5, Number.NaN, '4' as unknown as number])
      expect(() => setup(dialect, { maxRetainedResponses: bad })).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          data: { argument: 'maxRetainedResponses' },
        }),
      );
  });
});

describe('forward compatibility', () => {
  it('an item of a kind the API added later passes through: the response completes, a warning says so', async () => {
    const s = setup('ga');
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    const reasoning = {
      id: 'rs_1',
      object: 'realtime.item',
      type: 'reasoning',
      status: 'completed',
      summary: [{ type: 'summary_text', text: 'thought' }],
    };
    const resp = { id: 'resp_x', object: 'realtime.response' };
    s.server.emit({
      type: 'response.created',
      event_id: 'x1',
      response: { ...resp, status: 'in_progress', output: [] },
    });
    s.server.emit({
      type: 'response.output_item.added',
      event_id: 'x2',
      response_id: 'resp_x',
      output_index: 0,
      item: reasoning,
    });
    s.server.emit({
      type: 'conversation.item.added',
      event_id: 'x3',
      previous_item_id: null,
      item: reasoning,
    });
    s.server.emit({
      type: 'response.output_item.done',
      event_id: 'x4',
      response_id: 'resp_x',
      output_index: 0,
      item: reasoning,
    });
    s.server.emit({
      type: 'response.done',
      event_id: 'x5',
      response: { ...resp, status: 'completed', output: [reasoning] },
    });
    await s.settle();
    const response = await done;
    expect(response.status).toBe('completed');
    expect(response.output[0]?.item).toEqual(reasoning);
    expect(errors).toEqual([]);
    // the mirror keeps it, as a raw item with the server's fields
    const kept = session.chatCtxCopy().items.find((i) => i.id === 'rs_1');
    expect(kept).toMatchObject({ type: 'raw', id: 'rs_1', item: { type: 'reasoning' } });
    const warnings = s.logs.filter((l) => l.level === 'warn' && /does not know/.test(l.message));
    expect(warnings.map((w) => w.fields?.['eventType'])).toEqual([
      'response.output_item.added',
      'conversation.item.added',
      'response.output_item.done',
      'response.done',
    ]);
    await session.close();
  });

  it('values of enumerated fields the API added later pass through; the options keep what they knew', async () => {
    const s = setup('ga');
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const before = session.options;
    s.server.emit({
      type: 'session.updated',
      event_id: 'u1',
      session: {
        type: 'realtime',
        object: 'realtime.session',
        id: 'sess_x',
        instructions: 'new instructions',
        tool_choice: 'sometimes',
        audio: {
          input: {
            turn_detection: { type: 'psychic_vad', foresight_ms: 200 },
            noise_reduction: { type: 'studio' },
          },
        },
      },
    });
    await s.settle();
    expect(errors).toEqual([]);
    // the event was applied; the settings this version cannot describe kept their known values
    expect(session.options.instructions).toBe('new instructions');
    expect(session.options.turnDetection).toEqual(before.turnDetection);
    expect(session.options.toolChoice).toEqual(before.toolChoice);
    expect(session.options.noiseReduction).toEqual(before.noiseReduction);
    const warning = s.logs.find((l) => l.level === 'warn' && /does not know/.test(l.message));
    const values = warning?.fields?.['values'] as { path: string; value: string }[];
    expect([...values].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'session.audio.input.noise_reduction.type', value: 'studio' },
      { path: 'session.audio.input.turn_detection.type', value: 'psychic_vad' },
      { path: 'session.tool_choice', value: 'sometimes' },
    ]);
    // what the session sends next is still a valid session.update (nothing unknown leaked in)
    const [updated] = await Promise.all([session.sessionUpdate({ voice: 'marin' }), s.settle()]);
    expect(updated.voice).toBe('marin');

    // a role added later: the message is kept as a raw item, like an unknown kind
    s.server.emit({
      type: 'conversation.item.added',
      event_id: 'u2',
      previous_item_id: null,
      item: {
        id: 'msg_dev',
        object: 'realtime.item',
        type: 'message',
        status: 'completed',
        role: 'developer',
        content: [{ type: 'input_text', text: 'be terse' }],
      },
    });
    await s.settle();
    expect(errors).toEqual([]);
    expect(session.chatCtxCopy().items.find((i) => i.id === 'msg_dev')).toMatchObject({
      type: 'raw',
      item: { role: 'developer' },
    });
    await session.close();
  });
});
