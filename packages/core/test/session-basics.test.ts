import { describe, expect, it } from 'vitest';
import { ServerError, VoxwireError } from '../src/errors.js';
import { DIALECTS, openSession, outcome, record, setup } from './helpers.js';

describe.each(DIALECTS)('session basics (%s)', (dialect) => {
  it('sends the full session first and emits session_updated from the echo', async () => {
    const s = setup(dialect, { instructions: 'be brief', voice: 'ash' });
    const session = s.model.session({ temperature: 0.7 });
    const events = record(session, ['connecting', 'connected', 'session_updated']);
    await s.settle();
    expect(events.map((e) => e[0])).toEqual(['connecting', 'connected', 'session_updated']);
    const first = s.server.clientEvents[0];
    expect(first?.['type']).toBe('session.update');
    const updated = events[2]?.[1] as {
      voice: string;
      instructions: string;
      modalities: string[];
      turnDetection: unknown;
    };
    expect(updated.voice).toBe('ash');
    expect(updated.instructions).toBe('be brief');
    expect(updated.modalities).toEqual(['text', 'audio']);
    expect(updated.turnDetection).toMatchObject({
      type: 'server_vad',
      threshold: 0.5,
      prefixPaddingMs: 300,
      silenceDurationMs: 500,
    });
    expect(session.sessionId).not.toBe('not-connected');
    expect(session.connectionState.status).toBe('open');
    if (dialect === 'beta') {
      const wire = s.server.clientEvents[0]?.['session'] as Record<string, unknown>;
      expect(wire).toBeDefined();
    }
    await session.close();
  });

  it('off(name, listener) removes a listener registered with once(name, listener)', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const seen: string[] = [];
    const listener = () => seen.push('created');
    session.once('response_created', listener);
    session.off('response_created', listener);
    s.server.emit({
      type: 'response.created',
      response: { id: 'resp_x', object: 'realtime.response', status: 'in_progress', output: [] },
    });
    await s.settle();
    expect(seen).toEqual([]);
    await session.close();
  });

  it('sessionUpdate sends the whole session and resolves with the echo', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const options = await Promise.all([session.sessionUpdate({ voice: 'marin' }), s.settle()]).then(
      ([o]) => o,
    );
    expect(options.voice).toBe('marin');
    expect(session.options.voice).toBe('marin');
    const updates = s.server.clientEvents.filter((e) => e['type'] === 'session.update');
    expect(updates).toHaveLength(2);
    expect(s.server.sessionConfig).toBeDefined();
    await session.close();
  });

  it('sessionUpdate rejects a bad option with INVALID_ARGUMENT and sends nothing', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const before = s.server.clientEvents.length;
    await expect(session.sessionUpdate({ temperature: 7 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(session.sessionUpdate({ maxResponseOutputTokens: 0 })).rejects.toBeInstanceOf(
      VoxwireError,
    );
    await s.settle();
    expect(s.server.clientEvents.length).toBe(before);
    await session.close();
  });

  it('events queued before the socket opens are flushed in order', async () => {
    const s = setup(dialect);
    const session = s.model.session();
    const created = session.conversation.item.create({ role: 'user', content: 'hi' });
    session.inputAudioBuffer.clear();
    await s.settle();
    await created;
    expect(s.server.clientEvents.map((e) => e['type']).slice(0, 3)).toEqual([
      'session.update',
      'conversation.item.create',
      'input_audio_buffer.clear',
    ]);
    await session.close();
  });

  it('item create resolves on ack; a refusal rejects exactly that promise with the ServerError', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors = record(session, ['error']);
    const ok = session.conversation.item.create({ role: 'user', content: 'hello' });
    const bad = session.conversation.item.create({ role: 'user', content: 'x' }, 'item_missing');
    const badResult = bad.catch((e: unknown) => e);
    await s.settle();
    const item = await ok;
    expect(item).toMatchObject({ type: 'message', role: 'user' });
    const error = await badResult;
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).eventId).toBeTruthy();
    expect(errors).toHaveLength(1);
    expect(s.server.conversation.map((i) => i['id'])).toEqual([item.id]);
    await session.close();
  });

  it('creates every message kind the seed supports', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const p = Promise.all([
      session.conversation.item.create({ id: 'item_sys', role: 'system', content: 'rules' }),
      session.conversation.item.create({
        id: 'item_user',
        role: 'user',
        content: ['look', { data: new Int16Array(2400), sampleRate: 24000, channels: 1 }],
      }),
      session.conversation.item.create({ id: 'item_asst', role: 'assistant', content: 'sure' }),
      session.conversation.item.create({
        id: 'item_call',
        type: 'function_call',
        callId: 'call_1',
        name: 'lookup',
        arguments: '{}',
      }),
      session.conversation.item.create({
        id: 'item_out',
        type: 'function_call_output',
        callId: 'call_1',
        output: '{"ok":true}',
      }),
    ]);
    await s.settle();
    const items = await p;
    expect(items.map((i) => i.type)).toEqual([
      'message',
      'message',
      'message',
      'function_call',
      'function_call_output',
    ]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual([
      'item_sys',
      'item_user',
      'item_asst',
      'item_call',
      'item_out',
    ]);
    await expect(
      session.conversation.item.create({ role: 'tool' as never, content: 'x' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      session.conversation.item.create({
        role: 'system',
        content: { data: new Int16Array(2), sampleRate: 24000, channels: 1 },
      }),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_CONTENT',
    });
    await expect(
      session.conversation.item.create({
        role: 'user',
        content: { data: new Int16Array(2), sampleRate: 24001, channels: 1 },
      }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_CONTENT' });
    await expect(
      session.conversation.item.create({ role: 'user', content: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await session.close();
  });

  it('delete resolves on ack and rejects for an unknown item', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const created = session.conversation.item.create({ id: 'item_a', role: 'user', content: 'a' });
    await s.settle();
    await created;
    const del = session.conversation.item.delete({ itemId: 'item_a' });
    const missing = session.conversation.item
      .delete({ itemId: 'item_nope' })
      .catch((e: unknown) => e);
    await s.settle();
    await expect(del).resolves.toBeUndefined();
    expect(await missing).toBeInstanceOf(ServerError);
    expect(s.server.conversation).toEqual([]);
    await session.close();
  });

  it('a request with no ack rejects with TIMEOUT after requestTimeoutMs of clock time', async () => {
    const s = setup(dialect, { requestTimeoutMs: 500 });
    const session = await openSession(s);
    // fault rules name GA-model events in both dialects
    s.server.faults.drop('conversation.item.added');
    const p = session.conversation.item.create({ role: 'user', content: 'hi' });
    const result = p.catch((e: unknown) => e);
    await s.clock.advanceAsync(499);
    let settled = false;
    void p.then(
      () => (settled = true),
      () => (settled = true),
    );
    await s.settle();
    expect(settled).toBe(false);
    await s.clock.advanceAsync(1);
    expect(await result).toMatchObject({
      code: 'TIMEOUT',
      data: { timeoutMs: 500, operation: 'item.create' },
    });
    await session.close();
  });

  it('a request made before the first connect does not time out while the session has never connected', async () => {
    const s = setup(dialect, { random: () => 0.99 });
    // the first connects fail: about 16 s of backoff (beyond requestTimeoutMs) before the first open
    s.server.faults.rejectConnects(6);
    const session = s.model.session({ modalities: ['text'] });
    const events = record(session, ['connected']);
    const created = outcome(session.conversation.item.create({ role: 'user', content: 'hello' }));
    await s.clock.advanceAsync(15_000);
    expect(events).toEqual([]);
    expect(created.done).toBe(false);
    await s.clock.advanceAsync(15_000);
    expect(events).toHaveLength(1);
    // written once connected, acknowledged, resolved
    expect(s.server.conversation).toHaveLength(1);
    expect(created.error).toBeUndefined();
    expect(created.value).toMatchObject({ role: 'user' });
    await session.close();
  });
});
