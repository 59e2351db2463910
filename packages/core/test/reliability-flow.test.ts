import { describe, expect, it } from 'vitest';
import type { Connector } from '@voxwire/protocol';
import { createFakeServer } from '@voxwire/testing';
import type { SessionError } from '../src/errors.js';
import { openSession, record, setup } from './helpers.js';

const frame = (n = 480) => ({ data: new Int16Array(n).fill(100), sampleRate: 24000, channels: 1 });

describe('duplicates, stalls, backpressure, rollover', () => {
  it('a server event delivered twice is applied once', async () => {
    const s = setup('ga');
    const session = await openSession(s, { modalities: ['text'] });
    const done = record(session, ['response_done']);
    s.server.faults
      .duplicate('response.output_text.delta', { times: 2 })
      .duplicate('response.done');
    s.server.queueResponse((ctx) => ctx.say('once only'));
    void session.response.create();
    await s.settle();
    expect(done).toHaveLength(1);
    expect(session.responses.at(-1)?.text).toBe('once only');
    expect(session.stats.duplicateEvents).toBe(3);
    expect(session.unhandledErrors).toEqual([]);
    await session.close();
  });

  it('a stalled response is reported, cancelled on the wire and ended locally; the session goes on', async () => {
    const s = setup('ga', { stallTimeoutMs: 5000 });
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const stalled = record(session, ['response_stalled']);
    s.server.faults.stallAt('response.output_text.delta');
    s.server.queueResponse((ctx) => ctx.say('this will hang'));
    void session.response.create();
    await s.settle();
    await s.clock.advanceAsync(4999);
    expect(stalled).toEqual([]);
    await s.clock.advanceAsync(1);
    expect(stalled).toHaveLength(1);
    const r = session.responses.at(-1);
    expect(r).toMatchObject({
      status: 'failed',
      statusDetails: { reason: 'stalled', error: { code: 'RESPONSE_STALLED' } },
    });
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['RESPONSE_STALLED']);
    expect(s.server.clientEvents.at(-1)).toMatchObject({
      type: 'response.cancel',
      response_id: r?.id,
    });
    s.server.faults.release();
    await s.settle();
    // late events about the stalled response are ignored, not violations; the server refused
    // the late cancel (the response was over there), which says nothing the stall did not
    expect(s.server.current!.outbound.counted('error')).toBe(1);
    expect(errors.map((e) => e.code)).toEqual(['RESPONSE_STALLED']);
    s.server.queueResponse((ctx) => ctx.say('next'));
    const next = new Promise((resolve) => session.once('response_done', resolve));
    void session.response.create();
    await s.settle();
    await expect(next).resolves.toMatchObject({ status: 'completed' });
    await session.close();
  });

  it('input audio appended while disconnected is kept up to the bound, sent after the restore, the rest counted', async () => {
    // 10 frames of 480 samples = 1280 base64 chars + 64 each; a bound of 4 frames
    const s = setup('ga', { random: () => 0, reconnect: { maxBufferedAudioBytes: 4 * 1344 } });
    const session = await openSession(s);
    s.server.close(1006, 'drop');
    await s.settle();
    for (let i = 0; i < 10; i++) session.inputAudioBuffer.append(frame());
    expect(session.stats.audioDroppedWhileDisconnected).toBe(6);
    const before = s.server.clientEvents.length;
    await s.clock.advanceAsync(500);
    const after = s.server.clientEvents.slice(before).map((e) => e['type']);
    expect(after[0]).toBe('session.update');
    expect(after.filter((t) => t === 'input_audio_buffer.append')).toHaveLength(4);
    await session.close();
  });

  it('audio waits while bufferedAmount is above the high-water mark; the policy drops and counts', async () => {
    const clock = setup('ga').clock;
    const { connector: base, server } = createFakeServer({ clock });
    let buffered = 0;
    const connector: Connector = async (a) => {
      const c = await base(a);
      const t = c.transport;
      return {
        ...c,
        transport: Object.defineProperty(t, 'bufferedAmount', { get: () => buffered }),
      };
    };
    for (const policy of ['drop-oldest', 'drop-newest', 'error'] as const) {
      const s = setup('ga', {
        connector,
        clock,
        backpressure: { highWaterMark: 1000, maxQueuedBytes: 3 * 1344, audioPolicy: policy },
      });
      const session = await openSession(s);
      buffered = 5000;
      const start = server.clientEvents.length;
      let thrown = 0;
      for (let i = 0; i < 5; i++) {
        try {
          session.inputAudioBuffer.append(frame());
        } catch (error) {
          expect(error).toMatchObject({ code: 'BACKPRESSURE' });
          thrown++;
        }
      }
      await s.settle();
      expect(server.clientEvents.length - start).toBe(0);
      expect(session.stats.queued).toBe(3);
      if (policy === 'error') expect(thrown).toBe(2);
      else expect(session.stats.audioDroppedBackpressure).toBe(2);
      buffered = 0;
      await clock.advanceAsync(20);
      expect(
        server.clientEvents.slice(start).filter((e) => e['type'] === 'input_audio_buffer.append'),
      ).toHaveLength(3);
      expect(session.stats.queued).toBe(0);
      await session.close();
    }
  });

  it('a slow stream consumer is bounded: drop-oldest keeps the newest chunks and counts the rest', async () => {
    const s = setup('ga', { streamHighWaterMark: 2 });
    const session = await openSession(s, { modalities: ['text'] });
    let stream: AsyncIterableIterator<string> | undefined;
    session.on('response_content_added', (c) => (stream = c.textStream));
    s.server.queueResponse((ctx) => ctx.say('one two three four five six'));
    void session.response.create();
    await s.settle();
    const got: string[] = [];
    for await (const chunk of stream as AsyncIterable<string>) got.push(chunk);
    expect(got).toHaveLength(2);
    expect(session.stats.streamChunksDropped).toBeGreaterThan(0);
    await session.close();
  });

  it('rolls over before the maximum duration at a quiet moment, restoring the conversation', async () => {
    const s = setup(
      'ga',
      { random: () => 0, stallTimeoutMs: false, reconnect: { rolloverMarginMs: 60_000 } },
      { maxSessionDurationMs: 10 * 60_000 },
    );
    const session = await openSession(s, { modalities: ['text'] });
    await session.conversation.item.create({ role: 'user', content: 'keep this' });
    const events = record(session, ['reconnecting', 'reconnected']);
    // a response in progress at the rollover time defers it
    s.server.faults.stallAt('response.output_text.delta');
    s.server.queueResponse((ctx) => ctx.say('done talking'));
    const release = () => s.server.faults.release();
    void session.response.create();
    await s.settle();
    await s.clock.advanceAsync(9 * 60_000);
    expect(events).toEqual([]);
    release();
    await s.settle();
    expect(events[0]).toMatchObject(['reconnecting', { delayMs: 0, cause: { code: 'ROLLOVER' } }]);
    expect(events[1]).toMatchObject(['reconnected', { rollover: true, restoredItems: 2 }]);
    expect(session.stats.rollovers).toBe(1);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(
      session.chatCtxCopy().items.map((i) => i.id),
    );
    await session.close();
  });

  it('each rollover of a healthy connection starts a new outage: rollovers never use up maxAttempts', async () => {
    const s = setup(
      'ga',
      {
        random: () => 0,
        stallTimeoutMs: false,
        reconnect: { rolloverMarginMs: 60_000, maxAttempts: 2 },
      },
      { maxSessionDurationMs: 10 * 60_000 },
    );
    const session = await openSession(s, { modalities: ['text'] });
    const events = record(session, ['reconnecting', 'reconnected', 'closed']);
    // four rollovers (more than maxAttempts), each after a connection that stayed up 9 minutes
    for (let i = 0; i < 4; i++) {
      await s.clock.advanceAsync(9 * 60_000);
      await s.clock.advanceAsync(10_000);
    }
    const reconnecting = events.filter((e) => e[0] === 'reconnecting');
    expect(reconnecting).toHaveLength(4);
    // every rollover is the first retry of its own outage: attempt 1, immediate
    for (const e of reconnecting) expect(e[1]).toMatchObject({ attempt: 1, delayMs: 0 });
    expect(events.filter((e) => e[0] === 'closed')).toEqual([]);
    expect(session.connectionState.status).toBe('open');
    expect(session.stats.rollovers).toBe(4);
    await session.close();
  });

  it('a session limit no longer than the rollover margin rolls over halfway through, not at once and again', async () => {
    // a 4-minute limit and the default 5-minute margin
    const s = setup('ga', { random: () => 0 }, { maxSessionDurationMs: 4 * 60_000 });
    const session = await openSession(s, { modalities: ['text'] });
    const events = record(session, ['reconnecting', 'closed']);
    await s.clock.advanceAsync(10 * 60_000);
    expect(events.filter((e) => e[0] === 'closed')).toEqual([]);
    expect(session.connectionState.status).toBe('open');
    // one rollover every 2 minutes: 5 in 10 minutes, each the first retry of its own outage
    expect(session.stats.rollovers).toBe(5);
    for (const e of events) expect(e[1]).toMatchObject({ attempt: 1, delayMs: 0 });
    expect(s.server.connections).toHaveLength(6);
    await session.close();
  });

  it('audio appended while a rollover closes the old socket is queued and sent on the fresh connection', async () => {
    const s = setup(
      'ga',
      { random: () => 0, stallTimeoutMs: false, reconnect: { rolloverMarginMs: 60_000 } },
      { maxSessionDurationMs: 10 * 60_000 },
    );
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const events = record(session, ['reconnecting', 'reconnected']);
    // the rollover timer fires at a quiet moment: the old transport starts closing ...
    s.clock.advance(9 * 60_000);
    expect(session.connectionState.status).toBe('open');
    // ... and the microphone keeps delivering frames before that close completes
    for (let i = 0; i < 3; i++) session.inputAudioBuffer.append(frame());
    expect(session.stats.queued).toBe(3);
    await s.clock.advanceAsync(1_000);
    expect(events.map((e) => e[0])).toEqual(['reconnecting', 'reconnected']);
    expect(errors.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    // all three reached the fresh server, after its restore (the old one never received them)
    const appends = (n: number) =>
      s.server.connections[n]!.clientEvents.filter(
        (e) => e['type'] === 'input_audio_buffer.append',
      );
    expect(s.server.connections).toHaveLength(2);
    expect([appends(0).length, appends(1).length]).toEqual([0, 3]);
    expect(session.stats.queued).toBe(0);
    await session.close();
  });
});
