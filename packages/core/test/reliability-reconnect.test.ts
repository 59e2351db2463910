import { describe, expect, it } from 'vitest';
import { audioFrame, base64ToPcm16, type Connection, type Connector } from '@voxwire/protocol';
import type { SessionError } from '../src/errors.js';
import type { ReconnectedEvent } from '../src/index.js';
import { DIALECTS, openSession, outcome, record, setup } from './helpers.js';

const ZERO = () => 0;

/** Comparable view of a conversation: ids, types, roles, texts. */
function serverView(items: Record<string, unknown>[]): string[] {
  return items.map((i) => `${String(i['id'])}:${String(i['type'])}`);
}

describe.each(DIALECTS)('reconnect (%s)', (dialect) => {
  it('a dropped socket reconnects with a fresh transport, restores config and conversation, serves the next request', async () => {
    const s = setup(dialect, { random: ZERO }, { transcribe: () => 'hello there' });
    const session = await openSession(s, { instructions: 'Be brief.' });
    const events = record(session, [
      'disconnected',
      'reconnecting',
      'connected',
      'reconnected',
      'closed',
    ]);
    await session.conversation.item.create({ role: 'user', content: 'first' });
    s.server.queueResponse((ctx) => ctx.say('an answer'));
    void session.response.create();
    await s.settle();
    const before = session.chatCtxCopy().items.map((i) => i.id);
    expect(before.length).toBe(2);

    s.server.close(1006, 'network');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    expect(events.find((e) => e[0] === 'reconnecting')).toMatchObject([
      'reconnecting',
      { attempt: 1, delayMs: 125, cause: { code: 'SOCKET_CLOSED' } },
    ]);
    await s.clock.advanceAsync(125);
    expect(session.connectionState.status).toBe('open');
    expect(s.server.connections).toHaveLength(2);
    expect(events.find((e) => e[0] === 'reconnected')).toMatchObject([
      'reconnected',
      { restoredItems: 2, skippedItems: 0, rollover: false },
    ]);
    // the fresh server session has the same configuration and history
    expect(s.server.sessionConfig?.['instructions']).toBe('Be brief.');
    expect(serverView(s.server.conversation)).toEqual(before.map((id) => `${id}:message`));
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(before);
    // the very next request is served
    const item = await (async () => {
      const p = session.conversation.item.create({ role: 'user', content: 'after' });
      await s.settle();
      return p;
    })();
    expect(item).toMatchObject({ role: 'user' });
    s.server.queueResponse((ctx) => ctx.say('second answer'));
    const done = new Promise((resolve) => session.once('response_done', resolve));
    void session.response.create();
    await s.settle();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(session.stats.reconnects).toBe(1);
    await session.close();
    expect(events.at(-1)).toEqual(['closed', { error: undefined }]);
  });

  it('fatal close (3000) stops at once: one typed error, no reconnect', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const events = record(session, ['reconnecting', 'closed']);
    s.server.close(3000, 'invalid_api_key');
    await s.settle();
    await s.clock.advanceAsync(60_000);
    expect(events.map((e) => e[0])).toEqual(['closed']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'AUTH_FAILED' });
    expect(s.server.connections).toHaveLength(1);
  });

  it('a connect refused N times: bounded retries with growing delays, then RECONNECT_FAILED', async () => {
    const s = setup(dialect, { random: () => 1, reconnect: { maxAttempts: 4 } });
    // exactly the first connect and its 4 retries: assertComplete fails if fewer were made, and
    // a sixth attempt would connect
    s.server.faults.rejectConnects(5);
    const session = s.model.session();
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const delays: number[] = [];
    session.on('reconnecting', (e) => delays.push(e.delayMs));
    const p = session.conversation.item
      .create({ role: 'user', content: 'never' })
      .catch((e: unknown) => e);
    await s.clock.advanceAsync(600_000);
    expect(delays).toEqual([250, 500, 1000, 2000]);
    expect(session.connectionState).toMatchObject({
      status: 'closed',
      error: { code: 'RECONNECT_FAILED', data: { attempts: 4 } },
    });
    expect(await p).toMatchObject({ code: 'RECONNECT_FAILED' });
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['RECONNECT_FAILED']);
    // each failed attempt that is tried again is a warning; the end is the error
    const logged = (message: string) =>
      s.logs.filter((l) => l.message === message).map((l) => l.level);
    expect(logged('connect failed')).toEqual(['warn', 'warn', 'warn', 'warn', 'warn']);
    expect(logged('reconnect gave up')).toEqual(['error']);
    expect(s.clock.pendingTimers).toBe(0);
    expect(s.server.connections).toHaveLength(0);
    s.server.assertComplete();
  });

  it('a typed adapter error with retryAfterMs is respected; HTTP 401 is fatal', async () => {
    const s = setup(dialect, { random: ZERO });
    let calls = 0;
    const inner = s.server;
    const base: Connector = (await import('@voxwire/testing')).createFakeServer({
      server: inner,
      dialect,
    }).connector;
    const connector: Connector = async (a) => {
      calls++;
      if (calls === 1)
        throw Object.assign(new Error('HTTP 429'), {
          code: 'CONNECT_FAILED',
          httpStatus: 429,
          retryAfterMs: 7000,
          fatal: false,
        });
      return base(a);
    };
    const s2 = setup(dialect, { connector, random: ZERO });
    const session = s2.model.session();
    const delays: number[] = [];
    session.on('reconnecting', (e) => delays.push(e.delayMs));
    await s2.settle();
    expect(delays).toEqual([7000]);
    await s2.clock.advanceAsync(7000);
    expect(session.connectionState.status).toBe('open');
    await session.close();

    const refused: Connector = () =>
      Promise.reject(
        Object.assign(new Error('HTTP 401'), { code: 'AUTH_FAILED', httpStatus: 401, fatal: true }),
      );
    const s3 = setup(dialect, { connector: refused });
    const bad = s3.model.session();
    const seen = record(bad, ['reconnecting', 'closed']);
    await s3.settle();
    expect(seen).toEqual([['closed', { error: expect.objectContaining({ code: 'AUTH_FAILED' }) }]]);
    void s;
  });

  it('onerror followed by onclose is one failure, not two', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const state = session.connectionState;
    if (state.status !== 'open') throw new Error('not open');
    const t = state.transport;
    const keepalive = Object.assign(new Error('no pong'), { code: 'KEEPALIVE_TIMEOUT' });
    t.onerror?.(keepalive);
    t.onclose?.(1006, 'keep-alive timeout');
    await s.settle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'SOCKET_CLOSED',
      cause: keepalive,
      data: { transportCode: 'KEEPALIVE_TIMEOUT' },
    });
    expect(session.connectionState.status).toBe('reconnecting');
    await session.close();
  });

  it('session_expired + 1001 reconnects at once and restores', async () => {
    const s = setup(dialect, { random: ZERO, reconnect: { rolloverMarginMs: false } });
    const session = await openSession(s);
    await session.conversation.item.create({ role: 'user', content: 'remember me' });
    const events = record(session, ['reconnecting', 'reconnected']);
    s.server.faults.expireSession(0);
    await s.settle();
    expect(events[0]).toMatchObject([
      'reconnecting',
      { attempt: 1, delayMs: 0, cause: { code: 'SESSION_EXPIRED' } },
    ]);
    expect(events[1]).toMatchObject(['reconnected', { restoredItems: 1 }]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(
      session.chatCtxCopy().items.map((i) => i.id),
    );
    await session.close();
  });

  it('a sessionUpdate() the drop cut off before its echo is sent again after the restore and settles with its own echo', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s);
    const events = record(session, ['reconnected', 'session_updated']);
    // written to the socket at once; the connection drops before the echo
    const update = outcome(session.sessionUpdate({ voice: 'marin' }));
    s.server.close(1006, 'network');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    expect(update.done).toBe(false);
    await s.clock.advanceAsync(10_000);
    expect(session.connectionState.status).toBe('open');
    // the restore's update (what the old server had confirmed), then the change again
    expect(events.map((e) => e[0])).toEqual(['reconnected', 'session_updated', 'session_updated']);
    // the fresh server has the change, and the promise settled with its echo
    expect(s.server.sessionConfig?.['audio']).toMatchObject({ output: { voice: 'marin' } });
    expect(update.error).toBeUndefined();
    expect(update.value).toMatchObject({ voice: 'marin' });
    // nothing is left waiting in the request table
    expect(session.stats.pendingRequests).toBe(0);
    await session.close();
  });

  it('a response.create the drop swallowed is sent again once; one queued while away goes out once', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s, { modalities: ['text'] });
    const creates = (n: number) =>
      (s.server.connections[n]?.clientEvents ?? []).filter((e) => e['type'] === 'response.create');
    // written to the socket; the server drops before its response.created
    s.server.faults.closeAt('response.created', { when: 'before', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    s.server.queueResponse((ctx) => ctx.text('lost'));
    s.server.queueResponse((ctx) => ctx.text('second try'));
    void session.response.create();
    await s.settle();
    await s.clock.advanceAsync(1000);
    expect(creates(0)).toHaveLength(1);
    expect(creates(1)).toHaveLength(1);
    expect(session.responses.at(-1)).toMatchObject({ status: 'completed', text: 'second try' });

    // asked for while disconnected: queued, written once after the restore, not twice
    s.server.queueResponse((ctx) => ctx.text('third'));
    s.server.close(1006, '');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    void session.response.create();
    await s.clock.advanceAsync(1000);
    expect(creates(2)).toHaveLength(1);
    expect(session.responses.at(-1)).toMatchObject({ status: 'completed', text: 'third' });
    await session.close();
  });

  it('a create made just after the reconnect waits for the swallowed one sent again, as it waits for any unanswered create', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    // written to the socket; the server drops before its response.created
    s.server.faults.closeAt('response.created', { when: 'before', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    s.server.queueResponse((ctx) => ctx.text('lost'));
    s.server.queueResponse((ctx) => ctx.text('second try'));
    s.server.queueResponse((ctx) => ctx.text('the app asked again'));
    // the app asks for another response as soon as the session is back
    session.once('reconnected', () => void session.response.create());
    void session.response.create();
    await s.settle();
    await s.clock.advanceAsync(2000);
    // one answer after the other: no second create while the first was unanswered
    expect(errors.filter((e) => e.code !== 'SOCKET_CLOSED')).toEqual([]);
    expect(session.responses.slice(-2).map((r) => [r.status, r.text])).toEqual([
      ['completed', 'second try'],
      ['completed', 'the app asked again'],
    ]);
    await session.close();
  });

  it('an audio item the app sent keeps its samples in the mirror, so a restore re-creates it', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    const samples = new Int16Array(2400).map((_, i) => (i % 50) * 10);
    await Promise.all([
      session.conversation.item.create({
        id: 'item_voice',
        role: 'user',
        content: audioFrame(samples),
      }),
      s.settle(),
    ]);
    const mirror = session.chatCtxCopy().items[0];
    expect(mirror?.type === 'message' && mirror.content[0]).toMatchObject({
      type: 'audio',
      audio: { data: samples },
    });
    s.server.close(1006, '');
    await s.clock.advanceAsync(1000);
    expect(reconnected[0]).toMatchObject({ restoredItems: 1, skippedItems: 0 });
    const recreated = (s.server.connections[1]?.clientEvents ?? []).find(
      (e) => e['type'] === 'conversation.item.create',
    );
    const part = (recreated?.['item'] as { content: { audio?: string }[] } | undefined)?.content[0];
    expect(base64ToPcm16(part?.audio ?? '')).toEqual(samples);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['item_voice']);
    // an item the server refuses leaves nothing behind
    session.on('error', () => undefined);
    await Promise.all([
      session.conversation.item
        .create({ role: 'user', content: audioFrame(samples) }, 'item_unknown')
        .catch(() => undefined),
      s.settle(),
    ]);
    expect(session.stats.mirrorItemsAwaitingEcho).toBe(0);
    await session.close();
  });

  it('keepSentAudioMs: 0 keeps no sent samples (the item is left out of a restore, as before); a bad value is refused', async () => {
    expect(() => setup(dialect, { keepSentAudioMs: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'keepSentAudioMs' } }),
    );
    const s = setup(dialect, { random: ZERO, keepSentAudioMs: 0 });
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: audioFrame(new Int16Array(2400)) }),
      s.settle(),
    ]);
    s.server.close(1006, '');
    await s.clock.advanceAsync(1000);
    expect(reconnected[0]).toMatchObject({ restoredItems: 0, skippedItems: 1 });
    await session.close();
  });

  it('a response.create the server refused is not sent again after a drop', async () => {
    const s = setup(dialect, { random: ZERO });
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    const creates = (n: number) =>
      (s.server.connections[n]?.clientEvents ?? []).filter((e) => e['type'] === 'response.create');
    // the server will not answer this create with a response: it refuses it by its event id
    s.server.faults.drop('response.created');
    s.server.faults.drop('response.done');
    void session.response.create();
    await s.settle();
    const sent = creates(0)[0]?.['event_id'] as string;
    s.server.emit({
      type: 'error',
      event_id: 'ev_refused',
      error: {
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message: 'Conversation already has an active response in progress.',
        param: null,
        event_id: sent,
      },
    });
    await s.settle();
    s.server.faults.clear();
    s.server.close(1006, '');
    await s.clock.advanceAsync(1000);
    expect(session.connectionState.status).toBe('open');
    expect(creates(1)).toEqual([]);
    await session.close();
  });

  it('a close at the maximum session duration is the expiry, even after a generic error (Azure)', async () => {
    const expiry = async (ageMs: number) => {
      const s = setup(
        dialect,
        { random: () => 0.5, reconnect: { rolloverMarginMs: false } },
        { maxSessionDurationMs: 30 * 60_000 },
      );
      const session = await openSession(s);
      const events = record(session, ['reconnecting', 'reconnected']);
      await s.clock.advanceAsync(ageMs);
      // what Azure sends at its 30-minute limit: no session_expired, a generic error, a close
      s.server.emit({
        type: 'error',
        event_id: 'ev_generic',
        error: {
          type: 'server_error',
          code: null,
          message: 'The server had an error while processing your request.',
          param: null,
          event_id: null,
        },
      });
      s.server.close(1000, '');
      await s.settle();
      const first = events[0]?.[1] as { delayMs: number; cause: { code: string } };
      await session.close();
      return { code: first.cause.code, delayMs: first.delayMs };
    };
    // at the limit (the server's clock starts a little before ours): immediate, named as expiry
    expect(await expiry(30 * 60_000 - 30_000)).toEqual({ code: 'SESSION_EXPIRED', delayMs: 0 });
    // the same close earlier in the session is an ordinary drop, with its backoff
    const early = await expiry(10 * 60_000);
    expect(early.code).toBe('SOCKET_CLOSED');
    expect(early.delayMs).toBeGreaterThan(0);
  });

  it('a server that accepts but never speaks is a CONNECT_TIMEOUT (phase session) at the connect timeout, not a drop at the shorter reply timeout', async () => {
    // defaults: connectTimeoutMs 10 s, replyTimeoutMs 5 s; the first session.update goes out
    // at the open, and its silence is the first-frame deadline's to judge
    const { createFakeServer } = await import('@voxwire/testing');
    const s = setup(dialect, { random: ZERO });
    const base = createFakeServer({ server: s.server, dialect }).connector;
    let n = 0;
    const connector: Connector = async (a) => {
      const c: Connection = await base(a);
      if (++n > 1) return c;
      return {
        ...c,
        transport: {
          start: () => Promise.resolve(),
          send: () => undefined,
          close: () => Promise.resolve(),
        },
      };
    };
    const s2 = setup(dialect, { connector, random: ZERO });
    const session = s2.model.session();
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    await s2.clock.advanceAsync(9_999);
    expect(errors).toEqual([]);
    await s2.clock.advanceAsync(1);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'CONNECT_TIMEOUT',
        data: expect.objectContaining({ timeoutMs: 10_000, phase: 'session' }),
      }),
    ]);
    await s2.clock.advanceAsync(200);
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });

  it('an accepted socket that never sends session.created is dropped after the connect timeout and retried', async () => {
    const s = setup(dialect, { random: ZERO, connectTimeoutMs: 1000 });
    let n = 0;
    const { createFakeServer } = await import('@voxwire/testing');
    const base = createFakeServer({ server: s.server, dialect }).connector;
    const connector: Connector = async (a) => {
      n++;
      const c: Connection = await base(a);
      if (n > 1) return c;
      // a transport that opens and then says nothing
      return {
        ...c,
        transport: {
          start: () => Promise.resolve(),
          send: () => undefined,
          close: () => Promise.resolve(),
        },
      };
    };
    const s2 = setup(dialect, { connector, random: ZERO, connectTimeoutMs: 1000 });
    const session = s2.model.session();
    const events = record(session, ['reconnecting', 'connected']);
    await s2.clock.advanceAsync(999);
    expect(events.map((e) => e[0])).toEqual(['connected']);
    await s2.clock.advanceAsync(1);
    expect(events[1]).toMatchObject(['reconnecting', { cause: { code: 'CONNECT_TIMEOUT' } }]);
    await s2.clock.advanceAsync(200);
    expect(session.connectionState.status).toBe('open');
    expect(n).toBe(2);
    await session.close();
  });
});
