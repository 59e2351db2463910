import { describe, expect, it } from 'vitest';
import { createCounterIdGenerator, type Connector } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock } from '@voxwire/testing';
import { RealtimeModel } from '../src/model.js';
import type { RealtimeSession } from '../src/session.js';
import { captureLogger, outcome, record, setup } from './helpers.js';

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
  it('the close after session.created is applied once open: the session reconnects instead of staying open on a dead transport', async () => {
    const s = setup('ga', { random: () => 0 });
    // the first connection closes (1011, retryable) right after its first event, session.created
    s.server.faults.closeAfterEvents(1, { code: 1011, reason: 'server error' });
    const session = s.model.session({ modalities: ['text'] });
    session.once('disconnected', () => s.server.faults.clear());
    const events = record(session, ['connected', 'disconnected', 'reconnecting', 'closed']);
    await s.settle();
    await s.clock.advanceAsync(60_000);
    expect(events.map((e) => e[0])).toEqual([
      'connected',
      'disconnected',
      'reconnecting',
      'connected',
    ]);
    expect(events[1]).toMatchObject(['disconnected', { code: 1011 }]);
    expect(s.server.connections).toHaveLength(2);
    expect(session.connectionState.status).toBe('open');
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
