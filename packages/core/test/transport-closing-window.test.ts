/**
 * A real socket has a closing window: once the server's close frame arrived (or the engine asked
 * for a close, as a rollover does), `send` throws `NOT_CONNECTED` while `onclose` comes only a
 * round trip later. Events the engine writes in that window must wait for the next connection.
 */
import { describe, expect, it } from 'vitest';
import { audioFrame, type Connector, type Transport } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock } from '@voxwire/testing';
import type { SessionError } from '../src/errors.js';
import { VoxwireError } from '../src/errors.js';
import { RealtimeModel } from '../src/model.js';
import { captureLogger } from './helpers.js';

/** Wraps the in-memory transport: `closing()` makes `send` refuse, as a socket whose close began. */
function withClosingWindow(inner: Transport): Transport & { closing(): void } {
  let refusing = false;
  const t: Transport & { closing(): void } = {
    start: () => inner.start(),
    send: (frame) => {
      if (refusing) throw new VoxwireError('NOT_CONNECTED', 'cannot send: the socket is closing');
      inner.send(frame);
    },
    close: (code, reason) => inner.close(code, reason),
    closing: () => {
      refusing = true;
    },
  };
  inner.onmessage = (frame) => t.onmessage?.(frame);
  inner.onclose = (code, reason) => t.onclose?.(code, reason);
  inner.onerror = (error) => t.onerror?.(error);
  return t;
}

/** Model options the scenarios vary. */
type ScenarioOptions = Partial<ConstructorParameters<typeof RealtimeModel>[0]>;

/**
 * A text session over the fake server whose transports all have a closing window; `adapt` may
 * change a transport (its index given) before the session gets it.
 */
async function closingWindowSession(
  options: ScenarioOptions = {},
  adapt: (transport: ReturnType<typeof withClosingWindow>, index: number) => void = () => undefined,
  maxSessionDurationMs?: number,
) {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  const { connector: fake, server } = createFakeServer({ dialect: 'ga', clock });
  const transports: ReturnType<typeof withClosingWindow>[] = [];
  const connector: Connector = async (attempt) => {
    const connection = await fake(attempt);
    const transport = withClosingWindow(connection.transport);
    adapt(transport, transports.length);
    transports.push(transport);
    return maxSessionDurationMs === undefined
      ? { ...connection, transport }
      : { ...connection, transport, maxSessionDurationMs };
  };
  const model = new RealtimeModel({
    connector,
    clock,
    logger: captureLogger().logger,
    random: () => 0,
    ...options,
  });
  const session = model.session({ modalities: ['text'], turnDetection: null });
  const errors: SessionError[] = [];
  session.on('error', (e) => errors.push(e));
  await clock.advanceAsync(0);
  return { clock, server, transports, session, errors };
}

describe('events written while the transport is closing', () => {
  it('are kept for the next connection, not failed and reported', async () => {
    const { clock, server, transports, session, errors } = await closingWindowSession();
    expect(session.connectionState.status).toBe('open');

    // the server's close frame arrived: the socket refuses sends until its close completes
    transports[0]!.closing();
    const frame = () => audioFrame(new Int16Array(480).fill(7));
    for (let i = 0; i < 3; i++) session.inputAudioBuffer.append(frame());
    server.close(1006, 'network');
    await clock.advanceAsync(10_000);
    expect(session.connectionState.status).toBe('open');
    expect(transports).toHaveLength(2);
    // nothing but the drop itself: no "could not send" per refused frame
    expect(errors.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    // the three frames went out on the new connection
    const appends = server.connections[1]!.clientEvents.filter(
      (e) => e['type'] === 'input_audio_buffer.append',
    );
    expect(appends).toHaveLength(3);
    await session.close();
  });

  it('a request refused while closing settles with the close of the session, not SOCKET_ERROR', async () => {
    const { clock, transports, session, errors } = await closingWindowSession();
    const transport = transports[0];
    transport!.closing();
    const created = session.conversation.item
      .create({ role: 'user', content: 'hi' })
      .catch((e: unknown) => e);
    // polled while the socket closes: still no error per attempt
    await clock.advanceAsync(100);
    expect(errors).toEqual([]);
    await session.close();
    expect(await created).toMatchObject({ code: 'SESSION_CLOSED' });
    expect(errors).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a transport that refuses writes and never reports its close is dropped after 10 s, and the session reconnects', async () => {
    const { clock, server, transports, session, errors } = await closingWindowSession();
    const disconnects: (string | undefined)[] = [];
    session.on('disconnected', ({ error }) => disconnects.push(error?.code));
    expect(session.connectionState.status).toBe('open');

    // a third-party transport stuck half-closed: every send refused, no onclose, ever
    transports[0]!.closing();
    const frame = () => audioFrame(new Int16Array(480).fill(7));
    for (let i = 0; i < 3; i++) session.inputAudioBuffer.append(frame());
    await clock.advanceAsync(9_990);
    expect(disconnects).toEqual([]);
    expect(transports).toHaveLength(1);
    await clock.advanceAsync(10_000);
    expect(disconnects).toEqual(['SOCKET_CLOSED']);
    expect(errors.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    expect(session.connectionState.status).toBe('open');
    expect(transports).toHaveLength(2);
    // the refused frames went out on the new connection
    const appends = server.connections[1]!.clientEvents.filter(
      (e) => e['type'] === 'input_audio_buffer.append',
    );
    expect(appends).toHaveLength(3);
    await session.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a rollover whose old transport never reports its close goes on after 10 s, as a rollover', async () => {
    const { clock, server, transports, session, errors } = await closingWindowSession(
      { stallTimeoutMs: false, reconnect: { rolloverMarginMs: 60_000 } },
      (transport, index) => {
        // the first transport's close() starts refusing writes and never completes
        if (index === 0)
          transport.close = () => {
            transport.closing();
            return new Promise<void>(() => undefined);
          };
      },
      10 * 60_000,
    );
    const reconnected: boolean[] = [];
    session.on('reconnected', (e) => reconnected.push(e.rollover));
    await clock.advanceAsync(9 * 60_000);
    expect(transports).toHaveLength(1);
    session.inputAudioBuffer.append(audioFrame(new Int16Array(480).fill(7)));
    await clock.advanceAsync(10_000);
    expect(transports).toHaveLength(2);
    expect(reconnected).toEqual([true]);
    expect(errors).toEqual([]);
    const appends = server.connections[1]!.clientEvents.filter(
      (e) => e['type'] === 'input_audio_buffer.append',
    );
    expect(appends).toHaveLength(1);
    await session.close();
  });

  it('session.close() on a transport whose close never completes ends after 10 s', async () => {
    const { clock, session } = await closingWindowSession({}, (transport) => {
      transport.close = () => new Promise<void>(() => undefined);
    });
    let closed = false;
    void session.close().then(() => (closed = true));
    await clock.advanceAsync(9_999);
    expect(closed).toBe(false);
    await clock.advanceAsync(1);
    expect(closed).toBe(true);
    expect(session.connectionState.status).toBe('closed');
  });
});
