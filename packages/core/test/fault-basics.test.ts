import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '@voxwire/protocol';
import { VoxwireError, type SessionError } from '../src/errors.js';
import type { TappedServerEvent } from '../src/events.js';
import type { RealtimeResponse } from '../src/responses/tree.js';
import { DIALECTS, collect, openSession, record, setup } from './helpers.js';

const CUT_POINTS = [
  'response.created',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_audio.delta',
  'response.output_audio_transcript.done',
  'response.output_item.done',
  'response.done',
] as const;

describe.each(DIALECTS)('faults (%s)', (dialect) => {
  it.each(CUT_POINTS)(
    'reconnect off, socket lost at %s: error event, streams end, promises settle, session closed',
    async (point) => {
      const s = setup(dialect, { reconnect: false });
      const session = await openSession(s);
      const errors: SessionError[] = [];
      session.on('error', (e) => errors.push(e));
      const events = record(session, ['disconnected', 'closed', 'response_done']);
      const streams: Promise<unknown[]>[] = [];
      session.on('response_content_added', (c) => {
        streams.push(collect<AudioFrame>(c.audioStream), collect<string>(c.textStream));
      });
      s.server.faults.closeAt(point, { code: 1006 });
      s.server.queueResponse((ctx) => ctx.say('This answer will be cut somewhere.'));
      void session.response.create();
      const pending = session.conversation.item
        .create({ role: 'user', content: 'late' })
        .catch((e: unknown) => e);
      await s.settle();
      expect(errors.some((e) => e instanceof VoxwireError && e.code === 'SOCKET_CLOSED')).toBe(
        true,
      );
      expect(events.map((e) => e[0])).toContain('disconnected');
      expect(events.at(-1)?.[0]).toBe('closed');
      // every stream ended, every response ended
      await Promise.all(streams);
      for (const r of session.responses) {
        expect(r.isDone).toBe(true);
        await r.done;
      }
      const cut = session.responses.find((r) => r.localError);
      if (cut) {
        expect(cut.status).toBe('failed');
        expect(cut.statusDetails).toMatchObject({
          reason: 'connection_lost',
          error: { code: 'SOCKET_CLOSED' },
        });
      }
      const itemResult = await pending;
      if (itemResult instanceof Error) expect(itemResult).toMatchObject({ code: 'SOCKET_CLOSED' });
      expect(session.connectionState.status).toBe('closed');
      expect(() => session.inputAudioBuffer.commit()).toThrow(
        expect.objectContaining({ code: 'SESSION_CLOSED' }),
      );
      await expect(session.conversation.item.delete({ itemId: 'x' })).rejects.toMatchObject({
        code: 'SESSION_CLOSED',
      });
    },
  );

  it('auth close (3000) is reported as AUTH_FAILED', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.close(3000, 'invalid_api_key');
    await s.settle();
    expect(errors[0]).toMatchObject({ code: 'AUTH_FAILED', data: { code: 3000, fatal: true } });
    // a call made after that fatal end says why the session is closed
    const later = await session.response.generate().catch((e: unknown) => e);
    expect(later).toMatchObject({
      code: 'SESSION_CLOSED',
      message: 'the session is closed: it ended with AUTH_FAILED',
      cause: errors[0],
    });
    expect(() => session.inputAudioBuffer.commit()).toThrow(
      expect.objectContaining({ code: 'SESSION_CLOSED', cause: errors[0] }),
    );
    // a close the app asked for has no cause
    const s2 = setup(dialect);
    const other = await openSession(s2);
    await other.close();
    const afterClose = await other.interrupt().catch((e: unknown) => e);
    expect(afterClose).toMatchObject({ code: 'SESSION_CLOSED', message: 'the session is closed' });
    expect((afterClose as Error).cause).toBeUndefined();
  });

  it('malformed, binary and schema-invalid frames are reported; the session goes on', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.faults.sendMalformed();
    s.server.faults.sendBinary();
    s.server.faults.sendSchemaInvalid({
      type: dialect === 'ga' ? 'response.output_audio.delta' : 'response.audio.delta',
      event_id: 'event_bad',
      response_id: 'resp_x',
      item_id: 'item_x',
      output_index: 'zero',
      content_index: 0,
      delta: 42,
    });
    await s.settle();
    expect(errors.map((e) => (e as VoxwireError).code)).toEqual([
      'PROTOCOL_VIOLATION',
      'PROTOCOL_VIOLATION',
      'PROTOCOL_VIOLATION',
    ]);
    expect((errors[0] as VoxwireError).violation?.reason).toBe('invalid_json');
    expect((errors[1] as VoxwireError).violation?.reason).toBe('binary_frame');
    expect((errors[2] as VoxwireError).violation?.reason).toBe('schema_mismatch');
    const p = session.conversation.item.create({ role: 'user', content: 'still here' });
    await s.settle();
    await expect(p).resolves.toMatchObject({ role: 'user' });
    await session.close();
  });

  it('unknown server events go to the tap, never to error', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const taps: TappedServerEvent[] = [];
    const errors = record(session, ['error']);
    session.on('server_event', (e) => taps.push(e));
    s.server.faults.sendUnknownEvent('response.future_feature.delta', { n: 1 });
    await s.settle();
    expect(taps).toEqual([
      {
        kind: 'unknown',
        type: 'response.future_feature.delta',
        raw: expect.objectContaining({ n: 1 }),
      },
    ]);
    expect(errors).toEqual([]);
    await session.close();
  });

  it('events about unknown responses are protocol violations, not crashes', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.emit({
      type: 'response.output_text.delta',
      event_id: 'e1',
      response_id: 'resp_ghost',
      item_id: 'i',
      output_index: 0,
      content_index: 0,
      delta: 'x',
    });
    await s.settle();
    expect(errors[0]).toMatchObject({
      code: 'PROTOCOL_VIOLATION',
      data: { reason: 'unknown_reference' },
    });
    await session.close();
  });

  it('reconnect off, a connect refused by the connector: CONNECT_FAILED, queued requests settle, closed', async () => {
    const s = setup(dialect, { reconnect: false });
    s.server.faults.rejectConnects(1);
    const session = s.model.session();
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const closed = record(session, ['closed']);
    const p = session.conversation.item
      .create({ role: 'user', content: 'hi' })
      .catch((e: unknown) => e);
    await s.settle();
    expect(errors[0]).toMatchObject({ code: 'CONNECT_FAILED' });
    expect(await p).toMatchObject({ code: 'CONNECT_FAILED' });
    expect(closed).toHaveLength(1);
    expect(s.model.sessions).toEqual([]);
  });

  it('reconnect off, a connect that never completes times out from the clock', async () => {
    const s = setup(dialect, {
      reconnect: false,
      connectTimeoutMs: 2000,
      connector: () => new Promise(() => undefined),
    });
    const session = s.model.session();
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    await s.clock.advanceAsync(1999);
    expect(errors).toEqual([]);
    expect(session.connectionState.status).toBe('connecting');
    await s.clock.advanceAsync(1);
    expect(errors[0]).toMatchObject({ code: 'CONNECT_TIMEOUT', data: { timeoutMs: 2000 } });
    expect(session.connectionState.status).toBe('closed');
  });

  it('a throwing listener does not stop the others; its error goes to error', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    const seen: string[] = [];
    session.on('error', (e) => errors.push(e));
    session.on('response_done', () => {
      throw new Error('listener bug');
    });
    session.on('response_done', (r: RealtimeResponse) => seen.push(r.text));
    s.server.queueResponse((ctx) => ctx.say('ok'));
    void session.response.create();
    await s.settle();
    expect(seen).toEqual(['ok']);
    expect(errors[0]).toMatchObject({ code: 'LISTENER_FAILED', data: { event: 'response_done' } });
    expect((errors[0] as Error).cause).toMatchObject({ message: 'listener bug' });
    await session.close();
  });

  it('an async listener that rejects is reported like a throwing one, not left an unhandled rejection', async () => {
    // `session.on('response_content_added', async (content) => { for await … })` is the README's
    // own pattern: a rejection there (a player that fails, a stream ended with BACKPRESSURE)
    // used to escape as an unhandled rejection, which ends a Node process by default
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    session.on('response_done', async () => {
      await Promise.resolve();
      throw new Error('async listener bug');
    });
    session.once('response_created', () => Promise.reject(new Error('once listener bug')));
    s.server.queueResponse((ctx) => ctx.say('ok'));
    void session.response.create();
    await s.settle();
    expect(errors.map((e) => [e.code, (e as VoxwireError).data['event']])).toEqual([
      ['LISTENER_FAILED', 'response_created'],
      ['LISTENER_FAILED', 'response_done'],
    ]);
    expect((errors[0] as Error).cause).toMatchObject({ message: 'once listener bug' });
    expect((errors[1] as Error).cause).toMatchObject({ message: 'async listener bug' });
    await session.close();
  });

  it('an error with no listener is logged and kept, never thrown', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    s.server.faults.sendMalformed();
    await s.settle();
    expect(session.unhandledErrors).toHaveLength(1);
    expect(session.unhandledErrors[0]).toMatchObject({ code: 'PROTOCOL_VIOLATION' });
    const line = s.logs.find(
      (l) => l.level === 'error' && l.message.startsWith('unhandled session error'),
    );
    expect(line?.fields).toMatchObject({
      code: 'PROTOCOL_VIOLATION',
      sessionId: session.sessionId,
    });
    await session.close();
  });

  it('logs carry the session id and never audio payloads', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    session.inputAudioBuffer.append({
      data: new Int16Array(2400).fill(1234),
      sampleRate: 24000,
      channels: 1,
    });
    s.server.queueResponse((ctx) => ctx.say('spoken'));
    void session.response.create();
    await s.settle();
    const dump = JSON.stringify(s.logs);
    expect(dump).not.toMatch(/[A-Za-z0-9+/]{200,}/);
    expect(s.logs.filter((l) => l.fields && 'sessionId' in l.fields).length).toBeGreaterThan(0);
    await session.close();
  });
});
