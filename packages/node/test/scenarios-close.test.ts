/**
 * An app that closes its session at awkward moments, over a real loopback socket to the fake
 * server: mid tool call, mid rollover, while reconnecting (waiting out a backoff, and with a
 * handshake in flight). Each time `close()` resolves, `closed` comes once, every promise the app
 * holds settles, and the session leaves no timer on its clock. The client has a simulated clock
 * of its own, so that what is left on it is the client's; waits are on events, never wall time.
 */
import type { RealtimeSession } from '@voxwire/core';
import { deferred, nextEvent as next, SimulatedClock } from '@voxwire/testing';
import { startFakeWsServer, startSilentServer, type FakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { defineTool } from '@voxwire/core';
import { createOpenAIRealtimeModel, type OpenAIRealtimeModelOptions } from '../src/index.js';
import {
  type Cleanups,
  io,
  loopbackModelOptions,
  recordUnhandledRejections,
  watch as watchClose,
} from './scenario-helpers.js';
import { tcpSocketOf } from './transport-helpers.js';

const KEY = 'sk-proj-SCENARIO-close-0000';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  readonly fake: FakeWsServer;
  readonly clock: SimulatedClock;
  readonly session: RealtimeSession;
  readonly closed: { error: unknown }[];
  readonly rejections: unknown[];
}

async function rig(options: Partial<OpenAIRealtimeModelOptions> = {}): Promise<Rig> {
  const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
  cleanups.push(() => fake.close());
  const clock = new SimulatedClock();
  const model = createOpenAIRealtimeModel({
    ...loopbackModelOptions(fake, KEY, clock),
    stallTimeoutMs: false,
    ...options,
  });
  const session = model.session();
  cleanups.push(() => session.close());
  const closed: { error: unknown }[] = [];
  session.on('closed', (e) => closed.push(e));
  const rejections = recordUnhandledRejections(cleanups);
  return { fake, clock, session, closed, rejections };
}

/** Lets the event loop run a few turns: unhandled rejections are reported then. */
const settleLoop = () => io(3);

describe('closing at awkward moments over a real socket', () => {
  it('mid tool call: close() resolves, the tool is aborted and reported, nothing is left', async () => {
    const started = deferred<AbortSignal>();
    const lookup = defineTool({
      name: 'lookup',
      description: 'a slow lookup',
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
      execute: (_args, { signal }) => {
        started.resolve(signal);
        return new Promise<string>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error)),
        );
      },
    });
    const { fake, clock, session, closed, rejections } = await rig({ tools: [lookup] });
    await next(session, 'session_updated');
    fake.server.queueResponse((ctx) => ctx.callFunction('lookup', { q: 'x' }, { callId: 'c1' }));
    const finished = next(session, 'function_calls_finished');
    const answer = session.response.generate();
    await session.conversation.item.create({ role: 'user', content: 'look it up' });
    await session.response.create();
    const signal = await started.promise;
    // an app's own request in flight at the moment of the close
    const pendingItem = session.conversation.item.create({ role: 'user', content: 'and more' });
    const pendingOutcome = pendingItem.then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    await session.close();
    expect(signal.aborted).toBe(true);
    expect(closed).toEqual([{ error: undefined }]);
    const calls = (await finished) as { error?: { kind?: string } }[];
    expect(calls.map((c) => c.error?.kind)).toEqual(['aborted']);
    await answer.catch(() => undefined);
    // the ack may have raced the close: either way it settled
    expect(['resolved', 'SESSION_CLOSED']).toContain(await pendingOutcome);
    expect(clock.pendingTimers).toBe(0);
    await settleLoop();
    expect(rejections).toEqual([]);
  });

  it('while waiting out a reconnect backoff: close() resolves at once, no retry follows', async () => {
    const { fake, clock, session, closed, rejections } = await rig({
      reconnect: { backoff: () => 5_000 },
    });
    await next(session, 'session_updated');
    const reconnecting = next(session, 'reconnecting');
    fake.server.close(1011, 'server going away');
    await reconnecting;
    const handshakes = fake.handshakes.length;
    const item = session.conversation.item.create({ role: 'user', content: 'queued' });
    const itemOutcome = item.then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    await session.close();
    expect(await itemOutcome).toBe('SESSION_CLOSED');
    expect(closed).toEqual([{ error: undefined }]);
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(60_000);
    expect(fake.handshakes.length).toBe(handshakes);
    await settleLoop();
    expect(rejections).toEqual([]);
  });

  it('a server that never answers the close frame (SIGTERM drain): cut after closeTimeoutMs', async () => {
    // a shutdown handler closing every session with a short grace period: the bound is the
    // connector's closeTimeoutMs (on the session's clock), not the transport's 5 s default
    const { fake, clock, session, closed } = await rig({ closeTimeoutMs: 1_000 });
    await next(session, 'session_updated');
    // the server goes deaf: its socket stops reading, our close frame is never answered
    const [socket] = [...fake.sockets];
    tcpSocketOf(socket).pause();
    const start = clock.now();
    const closing = watchClose(session.close());
    await clock.advanceAsync(999);
    expect(closing.settled).toBe(false);
    await clock.advanceAsync(1);
    while (!closing.settled) await settleLoop();
    expect(clock.now() - start).toBe(1_000);
    expect(closed).toEqual([{ error: undefined }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('with the first handshake unanswered: close() resolves once the socket is gone, no timer left', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const clock = new SimulatedClock();
    const model = createOpenAIRealtimeModel({
      apiKey: KEY,
      baseURL: silent.url.replace(/\/realtime$/, ''),
      env: {},
      clock,
      keepAlive: false,
    });
    const session = model.session();
    const closed: unknown[] = [];
    session.on('closed', (e) => closed.push(e));
    const pending = session.conversation.item.create({ role: 'user', content: 'early' }).then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    await silent.connected(); // the upgrade request is out; no answer will ever come
    await session.close();
    expect(closed).toEqual([{ error: undefined }]);
    expect(await pending).toBe('SESSION_CLOSED');
    // the transport's connect timer went with its socket: nothing is left to fire
    expect(clock.pendingTimers).toBe(0);
  });

  it('with a reconnect waiting for its session.created: close() resolves', async () => {
    const { fake, clock, session, closed, rejections } = await rig({
      reconnect: { backoff: () => 0 },
    });
    await next(session, 'session_updated');
    fake.setStall(true); // the next connection gets its 101 but never a session.created
    const connecting = deferred<void>();
    session.on('connecting', () => connecting.resolve());
    const reconnecting = next(session, 'reconnecting');
    fake.server.close(1011, 'server going away');
    await reconnecting;
    // the backoff (0 ms) runs on the simulated clock
    await clock.advanceAsync(0);
    await connecting.promise;
    // the 101 arrived: the transport is open, the engine waits for session.created
    while (fake.handshakes.length < 2) await new Promise<void>((resolve) => setImmediate(resolve));
    const generate = session.response.generate();
    const generateOutcome = generate.then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    await session.close();
    expect(await generateOutcome).toBe('SESSION_CLOSED');
    expect(closed).toEqual([{ error: undefined }]);
    expect(clock.pendingTimers).toBe(0);
    await settleLoop();
    expect(rejections).toEqual([]);
  });

  it('mid rollover (the old socket closing, the fresh one not yet open): close() resolves once', async () => {
    const { fake, clock, session, closed, rejections } = await rig({
      maxSessionDurationMs: 10 * 60_000,
      reconnect: { rolloverMarginMs: 60_000, backoff: () => 0 },
    });
    await next(session, 'session_updated');
    const reconnecting: unknown[] = [];
    session.on('reconnecting', (e) => reconnecting.push(e));
    // the rollover comes due: its close frame is on the wire, the server has not answered yet
    await clock.advanceAsync(9 * 60_000);
    expect(session.stats.rollovers).toBe(1);
    await session.close();
    expect(closed).toEqual([{ error: undefined }]);
    expect(clock.pendingTimers).toBe(0);
    // the session ended: no fresh connection was made for the rollover
    await clock.advanceAsync(60_000);
    await settleLoop();
    expect(fake.handshakes).toHaveLength(1);
    expect(reconnecting).toEqual([]);
    expect(session.connectionState.status).toBe('closed');
    expect(clock.pendingTimers).toBe(0);
    await settleLoop();
    expect(rejections).toEqual([]);
  });

  it('during the rollover restore, keep-alive on: close() resolves, no ping or restore timer left', async () => {
    const { fake, clock, session, closed, rejections } = await rig({
      keepAlive: { intervalMs: 15_000, timeoutMs: 10_000 },
      maxSessionDurationMs: 10 * 60_000,
      reconnect: { rolloverMarginMs: 60_000, backoff: () => 0 },
    });
    await next(session, 'session_updated');
    await session.conversation.item.create({ role: 'user', content: 'remember me' });
    const restoring = deferred<void>();
    // the fresh connection is open: its restore (session.update, the item) is on its way
    session.on('connected', ({ attempt }) => {
      if (attempt > 0) restoring.resolve();
    });
    const pendingUpdate = session.sessionUpdate({ instructions: 'Be brief.' }).then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    // the update is answered on the old connection before the rollover comes due
    expect(await pendingUpdate).toBe('resolved');
    // step by step: each ping's pong has to come back over the socket before the next step
    for (let t = 0; t < 9 * 60_000 && session.stats.rollovers === 0; t += 5_000) {
      await clock.advanceAsync(5_000);
      await settleLoop();
    }
    expect(session.stats.rollovers).toBe(1);
    for (let i = 0; i < 100 && fake.handshakes.length < 2; i++) {
      await clock.advanceAsync(0);
      await settleLoop();
    }
    await restoring.promise;
    const item = session.conversation.item.create({ role: 'user', content: 'late' }).then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    await session.close();
    expect(closed).toEqual([{ error: undefined }]);
    expect(await item).toBe('SESSION_CLOSED');
    expect(clock.pendingTimers).toBe(0);
    await settleLoop();
    expect(rejections).toEqual([]);
  });

  it.each(['error', 'disconnected', 'reconnecting', 'connected', 'reconnected'] as const)(
    'from a %s listener of a reconnect: close() resolves, closed once, no retry, nothing left',
    async (name) => {
      const { fake, clock, session, closed, rejections } = await rig({
        reconnect: { backoff: () => 0 },
      });
      await next(session, 'session_updated');
      const closing = deferred<Promise<void>>();
      let armed = false;
      session.on(name, () => {
        if (armed) closing.resolve(session.close());
      });
      armed = true;
      const generate = session.response.generate().then(
        () => 'resolved',
        (e: { code?: string }) => e.code,
      );
      fake.server.close(1011, 'server going away');
      for (let i = 0; i < 200 && closed.length === 0; i++) {
        await clock.advanceAsync(0);
        await settleLoop();
      }
      await await closing.promise;
      expect(closed).toEqual([{ error: undefined }]);
      expect(['resolved', 'SESSION_CLOSED']).toContain(await generate);
      expect(clock.pendingTimers).toBe(0);
      const handshakes = fake.handshakes.length;
      await clock.advanceAsync(60_000);
      await settleLoop();
      expect(fake.handshakes.length).toBe(handshakes);
      expect(rejections).toEqual([]);
    },
  );
});
