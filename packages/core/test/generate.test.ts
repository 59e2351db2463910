import { speechThenSilence } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { ServerError, VoxwireError } from '../src/errors.js';
import { REQUEST_TAG_KEY } from '../src/index.js';
import type { RealtimeResponse } from '../src/responses/tree.js';
import type { RealtimeSession } from '../src/session.js';
import { mirrorView, serverView } from './fault-helpers.js';
import { DIALECTS, gate, openSession, outcome, setup, type Setup } from './helpers.js';

const ZERO = () => 0;

const creates = (s: Setup, connection = 0) =>
  (s.server.connections[connection]?.clientEvents ?? []).filter(
    (e) => e['type'] === 'response.create',
  );
const cancels = (s: Setup) => s.server.clientEvents.filter((e) => e['type'] === 'response.cancel');
const tagOf = (event: Record<string, unknown> | undefined) =>
  ((event?.['response'] as { metadata?: Record<string, string> } | undefined)?.metadata ?? {})[
    REQUEST_TAG_KEY
  ];

/** A response in progress (asked for with `create()`) that says "first" once `open()` is called. */
async function heldResponse(s: Setup, session: RealtimeSession) {
  const hold = gate();
  s.server.queueResponse(async (ctx) => {
    await hold.promise;
    ctx.say('first');
  });
  void session.response.create();
  await s.settle();
  return hold;
}

describe.each(DIALECTS)('response.generate (%s)', (dialect) => {
  it('resolves with the response it asked for, tagged in metadata beside the caller’s own', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    s.server.queueResponse((ctx) => ctx.say('hello'));
    const r = outcome(session.response.generate({ response: { metadata: { topic: 'greeting' } } }));
    await s.settle();
    expect(r.error).toBeUndefined();
    const response = r.value as RealtimeResponse;
    expect(response).toBe(session.responses[0]);
    expect(response.text).toBe('hello');
    const [create] = creates(s);
    expect(tagOf(create)).toEqual(expect.any(String));
    expect(response.resource.metadata).toEqual({
      topic: 'greeting',
      [REQUEST_TAG_KEY]: tagOf(create),
    });
    expect(session.response.create).toBeTypeOf('function');
    await session.close();
  });

  it('is told apart from a response started at the same time by another request', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    s.server.queueResponse(
      (ctx) => ctx.say('untagged'),
      (ctx) => ctx.say('mine'),
    );
    // two out-of-band responses run in parallel; the create()'s (its own tag) starts first
    void session.response.create({ response: { conversation: 'none' } });
    const r = outcome(session.response.generate({ response: { conversation: 'none' } }));
    await s.settle();
    const [first, second] = session.responses;
    expect(first?.text).toBe('untagged');
    expect(r.value).toBe(second);
    expect((r.value as RealtimeResponse).text).toBe('mine');
    await session.close();
  });

  it('rejects with the server’s error when the server refuses the request', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    // a refusal the engine cannot avoid or retry: an unknown voice, say
    s.server.faults.refuse('response.create', {
      error: { code: 'invalid_value', message: 'Invalid value: voice' },
    });
    const r = outcome(session.response.generate());
    await s.settle();
    expect(r.error).toBeInstanceOf(ServerError);
    expect(r.error).toMatchObject({ code: 'invalid_value', eventId: creates(s)[0]?.['event_id'] });
    await session.close();
  });

  it('a request that crossed a response the server’s VAD started is held, written again when that one is done, and resolves with its own', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e.code));
    const hold = gate();
    s.server.queueResponse(async (ctx) => {
      await hold.promise;
      ctx.say('first');
    });
    s.server.queueResponse((ctx) => ctx.say('second'));
    // the server's VAD has started a response, but its response.created is late: the engine
    // knows of no response in progress and sends at once; the server refuses it as busy
    s.server.faults.delay('response.created', 50);
    for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
    await s.settle();
    const r = outcome(session.response.generate());
    await s.settle();
    expect(creates(s)).toHaveLength(1);
    await s.clock.advanceAsync(50);
    // not reported, not settled: it waits for the answer in progress, as keep_both does
    expect(r.done).toBe(false);
    expect(creates(s)).toHaveLength(1);
    hold.open();
    await s.clock.advanceAsync(100);
    expect(creates(s)).toHaveLength(2);
    expect(tagOf(creates(s)[1])).toBe(tagOf(creates(s)[0]));
    expect(r.value?.text).toBe('second');
    expect(session.responses.map((x) => x.text)).toEqual(['first', 'second']);
    expect(errors).toEqual([]);
    await session.close();
  });

  it('keep_both waits for the active response, then resolves with the new one', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = gate();
    s.server.queueResponse(async (ctx) => {
      await hold.promise;
      ctx.say('first');
    });
    s.server.queueResponse((ctx) => ctx.say('second'));
    void session.response.create();
    await s.settle();
    const r = outcome(session.response.generate());
    await s.settle();
    expect(r.done).toBe(false);
    expect(creates(s)).toHaveLength(1);
    hold.open();
    await s.settle();
    expect((r.value as RealtimeResponse).text).toBe('second');
    await session.close();
  });

  it('cancel_new declines with RESPONSE_IN_PROGRESS while a response is in progress', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await heldResponse(s, session);
    const active = session.activeResponse;
    const r = outcome(session.response.generate({ onDuplicate: 'cancel_new' }));
    await s.settle();
    expect(r.error).toBeInstanceOf(VoxwireError);
    expect(r.error).toMatchObject({
      code: 'RESPONSE_IN_PROGRESS',
      data: { responseId: active?.id },
    });
    expect(creates(s)).toHaveLength(1);
    hold.open();
    await s.settle();
    await session.close();
  });

  it('times out after requestTimeoutMs without its response.created, and cancels the response if it starts later', async () => {
    const s = setup(dialect, { requestTimeoutMs: 1000 });
    const session = await openSession(s, { modalities: ['text'] });
    s.server.queueResponse((ctx) => ctx.say('too late'));
    s.server.faults.delay('response.created', 1500);
    const r = outcome(session.response.generate());
    await s.clock.advanceAsync(999);
    expect(r.done).toBe(false);
    await s.clock.advanceAsync(1);
    expect(r.error).toMatchObject({
      code: 'TIMEOUT',
      data: { timeoutMs: 1000, operation: 'response.create' },
    });
    expect(cancels(s)).toEqual([]);
    await s.clock.advanceAsync(500);
    const late = session.responses[0];
    expect(cancels(s)).toEqual([
      { type: 'response.cancel', event_id: expect.any(String), response_id: late?.id },
    ]);
    await session.close();
  });

  it('an abort while waiting for the active response sends nothing; after sending, the response is cancelled', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await heldResponse(s, session);
    const waiting = new AbortController();
    const r1 = outcome(session.response.generate({ signal: waiting.signal }));
    waiting.abort(new Error('user hung up'));
    await s.settle();
    expect(r1.error).toMatchObject({ message: 'user hung up' });
    hold.open();
    await s.settle();
    expect(creates(s)).toHaveLength(1);

    // sent, its response.created late: the abort rejects now, the response is cancelled when it starts
    const hold2 = gate();
    s.server.queueResponse(async (ctx) => {
      await hold2.promise;
      ctx.say('unwanted');
    });
    s.server.faults.delay('response.created', 100, 2);
    const sent = new AbortController();
    const r2 = outcome(session.response.generate({ signal: sent.signal }));
    await s.settle();
    expect(creates(s)).toHaveLength(2);
    sent.abort();
    await s.settle();
    expect(r2.error).toMatchObject({ name: 'AbortError' });
    await s.clock.advanceAsync(100);
    const unwanted = session.responses.at(-1);
    expect(cancels(s).map((e) => e['response_id'])).toEqual([unwanted?.id]);
    hold2.open();
    await s.settle();
    expect(unwanted?.status).toBe('cancelled');
    await session.close();
  });

  it('an abort whose response ended before its late response.created: the refused cancel is not reported', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    // the server answers at once, but its frames (response.created first) reach the client late
    s.server.queueResponse((ctx) => ctx.text('done already'));
    s.server.faults.delay('response.created', 500);
    const aborted = new AbortController();
    const r = outcome(session.response.generate({ signal: aborted.signal }));
    await s.clock.advanceAsync(100);
    aborted.abort();
    await s.clock.advanceAsync(1_000);
    expect(r.error).toMatchObject({ name: 'AbortError' });
    // the engine's cancel went out, and the server refused it: the response was over
    expect(cancels(s)).toHaveLength(1);
    expect(s.server.current!.outbound.counted('error')).toBe(1);
    // which is no error of the app's (as the refusal of interrupt()'s cancel is not)
    expect(errors).toEqual([]);
    // the app's own cancel of nothing still is reported
    session.response.cancel();
    await s.settle();
    expect(errors).toEqual([expect.objectContaining({ code: 'response_cancel_not_active' })]);
    await session.close();
  });

  it('an already aborted signal rejects at once and sends nothing', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const r = outcome(session.response.generate({ signal: AbortSignal.abort('gone') }));
    await s.settle();
    expect(r.error).toBe('gone');
    expect(creates(s)).toEqual([]);
    await session.close();
  });

  it('a request the drop swallowed is sent again and resolves with the next connection’s response; its clock stops while away', async () => {
    // every reconnect attempt waits 2 s: the outage (three failed attempts) lasts 8 s
    const s = setup(dialect, { requestTimeoutMs: 1000, reconnect: { backoff: () => 2000 } });
    const session = await openSession(s, { modalities: ['text'] });
    s.server.faults.closeAt('response.created', { when: 'before', code: 1006 });
    let reconnectedAt = 0;
    let droppedAt = 0;
    session.once('disconnected', () => {
      droppedAt = s.clock.now();
      s.server.faults.clear();
      s.server.faults.rejectConnects(3);
    });
    session.once('reconnected', () => (reconnectedAt = s.clock.now()));
    s.server.queueResponse((ctx) => ctx.say('lost'));
    s.server.queueResponse((ctx) => ctx.say('second try'));
    const r = outcome(session.response.generate());
    await s.clock.advanceAsync(20_000);
    expect(session.connectionState.status).toBe('open');
    expect(reconnectedAt - droppedAt).toBeGreaterThanOrEqual(8000);
    expect(r.error).toBeUndefined();
    expect((r.value as RealtimeResponse).text).toBe('second try');
    const first = creates(s, 0);
    const again = creates(s, s.server.connections.length - 1);
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(1);
    expect(tagOf(again[0])).toBe(tagOf(first[0]));
    await session.close();
  });

  it('every request a drop swallowed is sent again, not only the last one', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s, { modalities: ['text'] });
    s.server.faults.closeAt('response.created', { when: 'before', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    s.server.queueResponse(
      (ctx) => ctx.say('lost'),
      (ctx) => ctx.say('a'),
      (ctx) => ctx.say('b'),
    );
    // two out-of-band requests written back to back; the connection drops before either starts
    const a = outcome(session.response.generate({ response: { conversation: 'none' } }));
    const b = outcome(session.response.generate({ response: { conversation: 'none' } }));
    await s.clock.advanceAsync(1000);
    expect(session.connectionState.status).toBe('open');
    const again = creates(s, 1).map(tagOf);
    expect(again).toHaveLength(2);
    expect(again[0]).toBe(tagOf(creates(s, 0)[0]));
    expect(again[1]).not.toBe(again[0]);
    expect([(a.value as RealtimeResponse).text, (b.value as RealtimeResponse).text]).toEqual([
      'a',
      'b',
    ]);
    await session.close();
  });

  it('asked for before the first connection: queued, then resolved; its clock starts once connected', async () => {
    const s = setup(dialect, { requestTimeoutMs: 1000, reconnect: { backoff: () => 2000 } });
    s.server.faults.rejectConnects(1);
    s.server.queueResponse((ctx) => ctx.say('first words'));
    const session = s.model.session({ modalities: ['text'] });
    session.on('error', () => undefined);
    const r = outcome(session.response.generate());
    let connectedAt = -1;
    session.once('connected', () => (connectedAt = s.clock.now()));
    // the first connect fails; the retry comes after a backoff longer than the request timeout
    await s.clock.advanceAsync(30_000);
    expect(connectedAt).toBeGreaterThanOrEqual(2000);
    expect(s.server.connections.length).toBe(1);
    expect(r.error).toBeUndefined();
    expect((r.value as RealtimeResponse).text).toBe('first words');
    await session.close();
  });

  it('the README recipe: a response cut by a drop is asked for again once the session is back', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    const hold = await heldResponse(s, session);
    s.server.queueResponse((ctx) => ctx.say('answered again'));
    const again: Promise<RealtimeResponse>[] = [];
    session.on('response_done', (response) => {
      if (response.statusDetails?.reason !== 'connection_lost') return;
      session.once('reconnected', () => again.push(session.response.generate()));
    });
    s.server.close(1006, '');
    await s.clock.advanceAsync(1000);
    hold.open();
    expect(session.responses[0]).toMatchObject({
      status: 'failed',
      statusDetails: { reason: 'connection_lost' },
    });
    expect(again).toHaveLength(1);
    const response = await again[0]!;
    await s.settle();
    expect(response.text).toBe('answered again');
    await session.close();
  });

  it('rejects with SESSION_CLOSED when the session closes first', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    s.server.faults.drop('response.created');
    s.server.queueResponse((ctx) => ctx.say('never seen'));
    const r = outcome(session.response.generate());
    await s.settle();
    await session.close();
    expect(r.error).toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(session.response.generate()).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });

  it.each([
    ['a signal that is not an AbortSignal', { signal: 'stop' }, 'signal'],
    ['metadata that is not an object', { response: { metadata: 'x' } }, 'response.metadata'],
    ['metadata with a non-string value', { response: { metadata: { n: 1 } } }, 'response.metadata'],
    [
      'metadata using the reserved key',
      { response: { metadata: { [REQUEST_TAG_KEY]: 'mine' } } },
      'response.metadata',
    ],
    [
      'metadata with no room for the tag',
      {
        response: {
          metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])),
        },
      },
      'response.metadata',
    ],
    ['an unknown onDuplicate', { onDuplicate: 'both' }, 'onDuplicate'],
    // a wire param beside `response` instead of in it was dropped without a word
    ['a response param beside response', { temperature: 0.7 }, 'temperature'],
    ['a misspelt option', { onduplicate: 'keep_both' }, 'onduplicate'],
  ])('rejects %s with INVALID_ARGUMENT and sends nothing', async (_name, options, argument) => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    await expect(session.response.generate(options as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument },
    });
    await s.settle();
    expect(creates(s)).toEqual([]);
    await session.close();
  });

  it('names where a misplaced param goes, and the option a misspelt one was meant to be', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    await expect(session.response.create({ temperature: 0.7 } as never)).rejects.toThrow(
      'temperature is no option: the params of response.create go in `response` ({ response: { temperature: … } })',
    );
    await expect(session.response.generate({ onduplicate: 'x' } as never)).rejects.toThrow(
      'onduplicate is no option (did you mean onDuplicate?)',
    );
    await session.close();
  });
});

describe.each(DIALECTS)('out-of-band responses beside the conversation (%s)', (dialect) => {
  it('an answer asked for while a spoken answer and an out-of-band one both run waits for both, and is not refused', async () => {
    const s = setup(dialect, {}, { pacing: { realtimeFactor: 1 } });
    const classifier = gate();
    s.server.scriptTranscription('what is the time');
    s.server.queueResponse((ctx) => ctx.say('It is a quarter past three in the afternoon.'));
    s.server.queueResponse(async (ctx) => {
      await classifier.promise;
      ctx.text('intent:time');
    });
    s.server.queueResponse((ctx) => ctx.say('Anything else?'));
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
    const oob = outcome(
      session.response.create({
        response: { conversation: 'none', output_modalities: ['text'], metadata: { k: 'v' } },
      }),
    );
    await s.clock.advanceAsync(200);
    expect(oob.value).toBe(true);
    expect(session.responses.filter((r) => !r.isDone)).toHaveLength(2);
    const next = outcome(session.response.generate({ onDuplicate: 'keep_both' }));
    classifier.open();
    await s.clock.advanceAsync(10_000);
    expect(errors).toEqual([]);
    expect(next.error).toBeUndefined();
    expect(next.value?.status).toBe('completed');
    expect(mirrorView(session)).toEqual(serverView(s));
    await session.close();
  });

  it('cancel_existing while only an out-of-band response runs cancels it by id, and the new answer starts', async () => {
    const s = setup(dialect);
    const summary = gate();
    s.server.queueResponse(async (ctx) => {
      await summary.promise;
      ctx.text('summary');
    });
    s.server.queueResponse((ctx) => ctx.say('answer'));
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const oob = outcome(
      session.response.generate({
        response: { conversation: 'none', output_modalities: ['text'] },
      }),
    );
    await s.settle();
    const running = oob.value!;
    const next = outcome(session.response.generate({ onDuplicate: 'cancel_existing' }));
    await s.clock.advanceAsync(100);
    expect(errors).toEqual([]);
    const cancels = s.server.clientEvents.filter((e) => e['type'] === 'response.cancel');
    expect(cancels).toEqual([expect.objectContaining({ response_id: running.id })]);
    expect(running.status).toBe('cancelled');
    expect(next.value?.status).toBe('completed');
    summary.open();
    await s.settle();
    await session.close();
  });
});

describe.each(DIALECTS)('creates that wait their turn (%s)', (dialect) => {
  it('two generate() requests waiting on the same response both resolve, one after the other', async () => {
    const s = setup(dialect, {}, { pacing: { textDeltaIntervalMs: 10 } });
    s.server.onResponse((ctx) => ctx.text('a b c d e'));
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    void session.response.create();
    await s.clock.advanceAsync(5);
    const both = Promise.allSettled([session.response.generate(), session.response.generate()]);
    await s.clock.advanceAsync(2000);
    expect((await both).map((x) => x.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(errors).toEqual([]);
    expect(session.responses.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    await session.close();
  });

  it('two generate() calls in the same tick with nothing in progress both resolve', async () => {
    const s = setup(dialect);
    s.server.onResponse((ctx) => ctx.text('hi'));
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const both = Promise.allSettled([session.response.generate(), session.response.generate()]);
    await s.clock.advanceAsync(1000);
    expect((await both).map((x) => x.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(errors).toEqual([]);
    await session.close();
  });
});

describe('a create nothing ever answers', () => {
  it('holds later creates back for requestTimeoutMs at most', async () => {
    const s = setup('ga');
    s.server.onResponse((ctx) => ctx.text('hi'));
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    // the first response's response.created is lost: nothing tells the engine it was answered
    s.server.faults.drop('response.created');
    void session.response.create();
    await s.settle();
    s.server.faults.clear();
    const next = outcome(session.response.generate());
    await s.clock.advanceAsync(5_000);
    expect(creates(s)).toHaveLength(1);
    await s.clock.advanceAsync(6_000);
    expect(creates(s)).toHaveLength(2);
    expect(next.value?.text).toBe('hi');
    await session.close();
    expect(s.clock.pendingTimers).toBe(0);
  });
});

describe('cancel_existing and a response not started yet', () => {
  it('cancels a response whose create was still unanswered when asked, once it starts', async () => {
    const s = setup('ga');
    const session = await openSession(s, { modalities: ['text'] });
    const hold = gate();
    s.server.queueResponse(async (ctx) => {
      await hold.promise;
      ctx.say('first, long');
    });
    s.server.queueResponse((ctx) => ctx.say('second'));
    // two creates in one tick: the first is written, its response.created not back yet
    void session.response.create();
    const second = outcome(session.response.create({ onDuplicate: 'cancel_existing' }));
    await s.settle();
    expect(creates(s).length).toBeGreaterThanOrEqual(1);
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.cancel')).toHaveLength(1);
    hold.open();
    await s.settle();
    expect(second.value).toBe(true);
    expect(session.responses.map((r) => r.status)).toEqual(['cancelled', 'completed']);
    await session.close();
  });
});
