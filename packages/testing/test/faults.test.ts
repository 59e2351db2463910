import { describe, expect, it } from 'vitest';
import {
  ConnectRejectedError,
  createFakeServer,
  deferred,
  FakeServerOptionsError,
  IncompleteScenarioError,
  runTransportContract,
  SimulatedClock,
  tone,
  TransportNotClosedError,
  UnexpectedClientEventError,
} from '../src/index.js';
import { connect } from './helpers.js';

describe('fault injection', () => {
  it('closes at a named event type, before it is sent', async () => {
    const c = await connect();
    c.server.faults.closeAt('response.output_audio.delta', {
      occurrence: 2,
      code: 1011,
      reason: 'boom',
    });
    c.server.queueResponse((ctx) => ctx.say('Hello there world'));
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types().filter((t) => t === 'response.output_audio.delta')).toHaveLength(1);
    expect(c.closes).toEqual([{ code: 1011, reason: 'boom' }]);
    c.server.assertClosed();
  });

  it('a rule whose occurrence the open connection already sent throws, naming the next one; the next occurrence still fires', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.text('one'));
    c.server.queueResponse((ctx) => ctx.text('two'));
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types().filter((t) => t === 'response.done')).toHaveLength(1);
    // counted from the connection's start, occurrence 1 is already past: it would never fire here
    const late = [
      () => c.server.faults.closeAt('response.done'),
      () => c.server.faults.drop('response.done', 1),
      () => c.server.faults.duplicate('response.done'),
      () => c.server.faults.delay('response.done', 10),
      () => c.server.faults.stallAt('response.done'),
    ];
    for (const add of late) {
      expect(add).toThrow(FakeServerOptionsError);
      expect(add).toThrow(/already sent 1 'response\.done'.*use occurrence 2/);
    }
    expect(c.server.faults.describe()).toEqual([]);
    expect(c.server.current?.outbound.counted('response.done')).toBe(1);
    // the next occurrence is accepted and fires on this connection
    c.server.faults.closeAt('response.done', { occurrence: 2, code: 1011, reason: 'second' });
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types().filter((t) => t === 'response.done')).toHaveLength(1);
    expect(c.closes).toEqual([{ code: 1011, reason: 'second' }]);
    // with no connection open, a rule counts from the next connection's start: accepted
    expect(() => c.server.faults.drop('response.done')).not.toThrow();
  });

  it('closeAfterEvents with a count the open connection has already passed closes it right after its next event', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.text('one'));
    c.send({ type: 'response.create' });
    await c.flush();
    const sent = c.events.length;
    expect(sent).toBeGreaterThan(3);
    // counted from the connection's start, 3 is past: the close comes after the next event
    c.server.faults.closeAfterEvents(3, { code: 1011 });
    expect(c.closes).toEqual([]);
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.events).toHaveLength(sent + 1);
    expect(c.closes).toEqual([{ code: 1011, reason: '' }]);
  });

  it('closes after the Nth event; drop, duplicate, malformed, unknown and schema-invalid frames', async () => {
    const c = await connect();
    c.server.faults
      .drop('conversation.item.done')
      .duplicate('conversation.item.added', { times: 2 });
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] },
    });
    await c.flush();
    expect(c.types().slice(1)).toEqual([
      'conversation.item.added',
      'conversation.item.added',
      'conversation.item.added',
    ]);
    c.server.faults.sendMalformed();
    c.server.faults.sendUnknownEvent('response.brand_new');
    c.server.faults.sendSchemaInvalid();
    await c.flush();
    const tail = c.events.slice(-3);
    expect(tail[0]).toMatchObject({ type: '__violation', reason: 'invalid_json' });
    expect(tail[1]).toMatchObject({ type: 'response.brand_new', __unknown: true });
    expect(tail[2]).toMatchObject({ type: '__violation', reason: 'schema_mismatch' });
    const d = await connect();
    d.server.faults.closeAfterEvents(3);
    d.send({ type: 'response.create' });
    await d.flush();
    expect(d.events).toHaveLength(3);
    expect(d.closes[0]?.code).toBe(1006);
  });

  it('delays and stalls events on the clock, keeping order', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock });
    c.server.faults.delay('response.created', 500).stallAt('response.done');
    c.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await c.flush();
    expect(c.types()).not.toContain('response.created');
    await clock.advanceAsync(500);
    await c.flush();
    expect(c.types()).toContain('response.output_text.done');
    expect(c.types()).not.toContain('response.done');
    c.server.faults.release();
    await c.flush();
    expect(c.types().slice(-2)).toEqual(['response.done', 'rate_limits.updated']);
  });

  it('rejects a reconnect through the connector; a later connect works on a fresh session', async () => {
    const { connector, server } = createFakeServer();
    const first = await connector({ attempt: 0, signal: new AbortController().signal });
    expect(first).toMatchObject({ dialect: 'ga', maxSessionDurationMs: 3_600_000 });
    await first.transport.start();
    server.faults.rejectConnects(1, new ConnectRejectedError());
    await expect(
      connector({ attempt: 1, signal: new AbortController().signal }),
    ).rejects.toBeInstanceOf(ConnectRejectedError);
    const third = await connector({ attempt: 2, signal: new AbortController().signal });
    await third.transport.start();
    expect(server.connections).toHaveLength(2);
  });

  it('expires the session early', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock });
    c.server.faults.expireSession(1000);
    await clock.advanceAsync(1000);
    await c.flush();
    expect(c.events.at(-1)!['error']).toMatchObject({ code: 'session_expired' });
    expect(c.closes[0]?.code).toBe(1001);
  });

  it('a connection that closes first takes its scheduled expiry and delayed transcription with it', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock, transcriptionDelayMs: 500 });
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1' } } } },
    });
    c.appendAudio(tone(600));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.flush();
    c.server.faults.expireSession(60_000);
    // the session's own expiry, the scheduled one and the pending transcription
    expect(clock.pendingTimers).toBe(3);
    await c.transport.close(1000, 'bye');
    await c.flush();
    // in ws mode the clock is the system's: a timer left here would hold the process open
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('timers after a close', () => {
  it.each(['pending handler', 'streaming audio'] as const)(
    'a response in progress (%s) that the close cancels leaves no idle timer behind',
    async (phase) => {
      const clock = new SimulatedClock();
      const c = await connect({ clock, pacing: { realtimeFactor: 1 } });
      const hold = deferred();
      c.server.queueResponse(async (ctx) => {
        if (phase === 'pending handler') await hold.promise;
        ctx.say('A long enough answer to be cut by the close');
      });
      c.send({
        type: 'session.update',
        session: {
          type: 'realtime',
          audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 6000 } } },
        },
      });
      c.send({ type: 'response.create' });
      await clock.advanceAsync(200);
      await c.flush();
      if (phase === 'streaming audio') expect(c.types()).toContain('response.output_audio.delta');
      else expect(c.types()).not.toContain('response.output_item.added');
      await c.transport.close(1000, 'bye');
      await c.flush();
      hold.resolve();
      await c.flush();
      // with the system clock (ws mode) a timer left here holds the process open for seconds
      expect(clock.pendingTimers).toBe(0);
    },
  );
});

describe('scenario scripting and inspection', () => {
  it('expectClientEvent resolves in order; emit sends any event; assertComplete / assertClosed', async () => {
    const c = await connect();
    const update = c.server.expectClientEvent('session.update');
    const create = c.server.expectClientEvent(
      'response.create',
      (e) => (e['response'] as any)?.metadata?.n === '2',
    );
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'x' } });
    c.send({ type: 'response.create', response: { metadata: { n: '1' } } });
    c.send({ type: 'response.create', response: { metadata: { n: '2' } } });
    expect((await update)['type']).toBe('session.update');
    expect(((await create)['response'] as any).metadata.n).toBe('2');
    c.server.emit({ type: 'output_audio_buffer.started', response_id: 'resp_x' });
    await c.flush();
    expect(c.events.find((e) => e.type === 'output_audio_buffer.started')).toMatchObject({
      response_id: 'resp_x',
    });
    expect(c.server.clientEvents.map((e) => e['type'])).toEqual([
      'session.update',
      'response.create',
      'response.create',
    ]);
    expect(() => c.server.assertClosed()).toThrow(TransportNotClosedError);
    const pending = c.server.expectClientEvent('conversation.item.delete');
    void pending;
    c.server.queueResponse((ctx) => ctx.text('unused'));
    expect(() => c.server.assertComplete()).toThrow(IncompleteScenarioError);
    await c.transport.close();
    c.server.assertClosed();
  });

  it('expectNextClientEvent rejects with UnexpectedClientEventError on a different event', async () => {
    const c = await connect();
    const next = c.server.expectNextClientEvent('response.create');
    c.send({ type: 'input_audio_buffer.clear' });
    await expect(next).rejects.toBeInstanceOf(UnexpectedClientEventError);
    await expect(next).rejects.toMatchObject({
      expected: 'response.create',
      actual: 'input_audio_buffer.clear',
    });
  });

  it('an async handler holds the response until the test releases it; handler errors fail the response', async () => {
    const c = await connect();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    c.server.queueResponse(
      async (ctx) => {
        await gate;
        ctx.text('released');
      },
      () => {
        throw new Error('script bug');
      },
    );
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types().at(-1)).toBe('response.created');
    release();
    await c.flush();
    expect(c.events.find((e) => e.type === 'response.output_text.done')!['text']).toBe('released');
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.events.filter((e) => e.type === 'response.done').at(-1)!['response'].status).toBe(
      'failed',
    );
    expect(() => c.server.assertComplete()).toThrow(/script bug/);
  });

  it('conversation can persist across connections', async () => {
    const { connector, server } = createFakeServer({ conversation: 'persist' });
    const a = await connector({ attempt: 0, signal: new AbortController().signal });
    await a.transport.start();
    a.transport.send(
      JSON.stringify({
        type: 'conversation.item.create',
        item: {
          id: 'keep',
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'x' }],
        },
      }),
    );
    await a.transport.close();
    const b = await connector({ attempt: 1, signal: new AbortController().signal });
    await b.transport.start();
    expect(server.conversation.map((i) => i['id'])).toEqual(['keep']);
  });
});

describe('in-memory transport contract', () => {
  for (const check of runTransportContract('InMemoryTransport', async () => {
    const { transport, server } = createFakeServer();
    return { transport, server };
  })) {
    it(check.name, () => check.run());
  }
});

// the suite works with whatever server the user passes: a soak-test server that records no
// appends, a beta one
describe('transport contract against a server with recordAudioAppends: false, beta', () => {
  for (const check of runTransportContract('InMemoryTransport (no appends, beta)', async () => {
    const { transport, server } = createFakeServer({ recordAudioAppends: false, dialect: 'beta' });
    return { transport, server };
  })) {
    it(check.name, () => check.run());
  }
});
