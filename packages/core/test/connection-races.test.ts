import { describe, expect, it } from 'vitest';
import { createCounterIdGenerator, type Connector } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock } from '@voxwire/testing';
import type { SessionError } from '../src/errors.js';
import { userMessage } from '../src/index.js';
import { RealtimeModel } from '../src/model.js';
import type { RealtimeSession } from '../src/session.js';
import { mirrorView, serverView } from './fault-helpers.js';
import { captureLogger, openSession, outcome, record, setup } from './helpers.js';

describe('close() during a connect attempt', () => {
  it('close() from a connecting listener on the first connect wins: the session never opens', async () => {
    const s = setup('ga', { random: () => 0 });
    const session = s.model.session({ modalities: ['text'] });
    const events = record(session, ['connecting', 'connected', 'closed']);
    let closing: ReturnType<typeof outcome<void>> | undefined;
    session.once('connecting', () => {
      closing = outcome(session.close());
    });
    await s.clock.advanceAsync(60_000);
    expect(events.map((e) => e[0])).toEqual(['connecting', 'closed']);
    expect(session.connectionState.status).toBe('closed');
    expect(closing?.done).toBe(true);
    expect(s.server.connections).toHaveLength(0);
  });

  it('close() from a connecting listener on a reconnect attempt ends the session without connecting again', async () => {
    const s = setup('ga', { random: () => 0 });
    const session = s.model.session({ modalities: ['text'] });
    await s.settle();
    expect(session.connectionState.status).toBe('open');
    const events = record(session, ['connecting', 'connected', 'closed']);
    let closing: ReturnType<typeof outcome<void>> | undefined;
    session.on('connecting', ({ attempt }) => {
      if (attempt >= 1) closing = outcome(session.close());
    });
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(60_000);
    expect(events.map((e) => e[0])).toEqual(['connecting', 'closed']);
    expect(s.server.connections).toHaveLength(1);
    expect(closing?.done).toBe(true);
  });

  it('close() while connecting, with the transport closing at the same moment: closed once, never reconnects', async () => {
    const clock = new SimulatedClock({ microtaskRounds: 400 });
    const { connector: fake, server } = createFakeServer({ dialect: 'ga', clock });
    let closing: ReturnType<typeof outcome<void>> | undefined;
    const connector: Connector = async (attempt) => {
      const connection = await fake(attempt);
      const t = connection.transport;
      const start = t.start.bind(t);
      t.start = async () => {
        await start();
        // the app closes the session before the connect completed ...
        if (attempt.attempt === 0) {
          closing = outcome(session.close());
          // ... and the network drops at the same moment
          server.close(1006, 'network');
        }
      };
      return connection;
    };
    const { logger } = captureLogger();
    const model = new RealtimeModel({
      connector,
      clock,
      logger,
      generateId: createCounterIdGenerator('t'),
      random: () => 0,
    });
    // read by the connector only once the attempt is under way
    const session: RealtimeSession = model.session({ modalities: ['text'] });
    const events = record(session, [
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
      'closed',
    ]);
    await clock.advanceAsync(60_000);
    expect(closing?.done).toBe(true);
    // no `disconnected` either: the transport never opened
    expect(events.map((e) => e[0])).toEqual(['connecting', 'closed']);
    expect(session.connectionState.status).toBe('closed');
    expect(server.connections).toHaveLength(1);
  });
});

describe('a transport that closes before its start() settled', () => {
  it('a close right after session.created, before the session could use the transport, is a failed connect: it is retried, not left open on a dead transport', async () => {
    const s = setup('ga', { random: () => 0 });
    // the first connection closes (1011, retryable) right after its first event, session.created
    s.server.faults.closeAfterEvents(1, { code: 1011, reason: 'server error' });
    const session = s.model.session({ modalities: ['text'] });
    session.once('reconnecting', () => s.server.faults.clear());
    const events = record(session, ['connected', 'disconnected', 'reconnecting', 'closed']);
    await s.settle();
    await s.clock.advanceAsync(60_000);
    // never connected, so never disconnected
    expect(events.map((e) => e[0])).toEqual(['reconnecting', 'connected']);
    expect(events[0]).toMatchObject([
      'reconnecting',
      { attempt: 1, cause: { code: 'CONNECT_FAILED', data: { code: 1011 } } },
    ]);
    expect(s.server.connections).toHaveLength(2);
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });

  it('a reconnect whose server closes right after session.created loses nothing: requests, caller audio and the restore go to the next connection', async () => {
    const s = setup('ga', { random: () => 0 });
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    await Promise.all([session.conversation.item.create(userMessage('u_a', 'a')), s.settle()]);
    // the first connection drops; the second accepts, sends session.created and closes at once
    // (a server shedding load); the third is healthy
    session.once('disconnected', () => {
      s.server.faults.clear();
      s.server.faults.closeAfterEvents(1, { code: 1011, reason: 'overloaded' });
      session.once('reconnecting', () =>
        session.once('reconnecting', () => s.server.faults.clear()),
      );
    });
    const created = outcome(session.conversation.item.create(userMessage('u_b', 'b')));
    s.server.close(1006, 'network');
    await s.settle();
    // a second of caller audio while away
    for (let i = 0; i < 10; i++)
      session.inputAudioBuffer.append({
        data: new Int16Array(2400).fill(100 + i),
        sampleRate: 24000,
        channels: 1,
      });
    await s.clock.advanceAsync(30_000);
    expect(session.connectionState.status).toBe('open');
    expect(s.server.connections).toHaveLength(3);
    expect(created.done).toBe(true);
    expect(created.error).toBeUndefined();
    expect(
      s.server.connections.map(
        (c) => c.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append').length,
      ),
    ).toEqual([0, 0, 10]);
    expect(errors.filter((e) => e.code === 'SOCKET_ERROR')).toEqual([]);
    expect(mirrorView(session)).toEqual(serverView(s));
    await session.close();
  });

  it('close() of a session whose transport closed that early resolves', async () => {
    const s = setup('ga', { random: () => 0 });
    s.server.faults.closeAfterEvents(1, { code: 1011, reason: 'server error' });
    const session = s.model.session({ modalities: ['text'] });
    await s.settle();
    const closing = outcome(session.close());
    await s.clock.advanceAsync(60_000);
    expect(session.connectionState.status).toBe('closed');
    expect(closing.done).toBe(true);
  });
});
