/**
 * A socket on a network that died without a close, found by a request: a session sending no
 * audio (idle, or between push-to-talk turns) never fills the socket's buffer, so the drain
 * watch never sees the death, and a browser's WebSocket reports it only when TCP gives up,
 * minutes later. Every client event but an audio append is answered within a round trip, so
 * `replyTimeoutMs` of silence after one means the network is dead: the session drops the
 * connection, reconnects, and the restore re-sends what was in flight.
 */
import { describe, expect, it } from 'vitest';
import { createFakeServer, SimulatedClock, speechThenSilence } from '@voxwire/testing';
import type { ClientEvent } from '@voxwire/protocol';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { LIVENESS_PROBE_ITEM_ID, ReplyWatch } from '../src/reconnect/reply-watch.js';
import { RealtimeModel } from '../src/model.js';
import { openSession, setup } from './helpers.js';
import { dyingNetwork } from './dying-network.js';

describe('ReplyWatch', () => {
  function watch(options: { timeoutMs?: number | false } = {}) {
    const clock = new SimulatedClock();
    let silences = 0;
    const socket = { buffered: 0, bufferedAmount: () => socket.buffered };
    const probes: ClientEvent[] = [];
    const outbox = {
      queued: 0,
      // the probe is written as any event is: the watch hears of its write
      send: (event: ClientEvent) => {
        probes.push(event);
        w.wrote(socket);
        return true;
      },
    };
    const w = new ReplyWatch(
      clock,
      createCounterIdGenerator('p'),
      options.timeoutMs ?? 5_000,
      outbox,
      () => silences++,
    );
    // the connection's first frame (session.created): before it, the first-frame deadline
    // judges the silence, not this watch
    w.heard();
    return { clock, w, socket, outbox, probes, silences: () => silences };
  }

  it("a write before the connection's first frame is not timed: the first frame answers it, or the connect timeout ends the connection", async () => {
    const { clock, w, socket, probes, silences } = watch();
    w.stop();
    w.opened(0);
    w.wrote(socket);
    await clock.advanceAsync(60_000);
    expect([probes, silences(), w.armed]).toEqual([[], 0, false]);
    // the first frame answers it; from then on writes are timed
    w.heard();
    w.wrote(socket);
    expect(w.armed).toBe(true);
    // a connection whose handshake held frames has heard the server already
    w.stop();
    w.opened(1);
    w.wrote(socket);
    expect(w.armed).toBe(true);
  });

  it('a write the server never answers, nor the probe halfway: silent once, timeoutMs after it', async () => {
    const { clock, w, socket, probes, silences } = watch();
    w.wrote(socket);
    await clock.advanceAsync(2_499);
    expect(probes).toEqual([]);
    await clock.advanceAsync(1);
    expect(probes).toEqual([
      {
        type: 'conversation.item.retrieve',
        event_id: expect.any(String),
        item_id: LIVENESS_PROBE_ITEM_ID,
      },
    ]);
    expect(w.isProbe(probes[0]!.event_id!)).toBe(true);
    await clock.advanceAsync(2_499);
    expect(silences()).toBe(0);
    await clock.advanceAsync(1);
    expect(silences()).toBe(1);
    // no timer left behind (the probe's own write found the timer running)
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(60_000);
    expect(silences()).toBe(1);
  });

  it('a server that answers only the probe is alive: the event is left to its own timeout', async () => {
    const { clock, w, socket, probes, silences } = watch();
    w.wrote(socket);
    await clock.advanceAsync(2_500);
    expect(probes).toHaveLength(1);
    await clock.advanceAsync(300);
    w.heard(); // the probe's refusal
    await clock.advanceAsync(60_000);
    expect(silences()).toBe(0);
    expect(w.armed).toBe(false);
  });

  it('any frame after the write is an answer: no probe, and the timer ends', async () => {
    const { clock, w, socket, probes, silences } = watch();
    w.wrote(socket);
    await clock.advanceAsync(300);
    w.heard();
    await clock.advanceAsync(60_000);
    expect(probes).toEqual([]);
    expect(silences()).toBe(0);
    expect(w.armed).toBe(false);
  });

  it('a frame before the write is no answer to it', async () => {
    const { clock, w, socket, silences } = watch();
    w.heard();
    w.wrote(socket);
    await clock.advanceAsync(5_000);
    expect(silences()).toBe(1);
  });

  it('frames a connection received while starting, delivered after its first writes, are no answer', async () => {
    const { clock, w, socket, silences } = watch();
    // session.created came during the handshake; the restore is written at the open, then the
    // held frame is delivered
    w.opened(1);
    w.wrote(socket);
    w.heard();
    await clock.advanceAsync(5_000);
    expect(silences()).toBe(1);
    // on the next connection, a frame after the held ones is an answer
    w.stop();
    w.opened(2);
    w.wrote(socket);
    w.heard();
    w.heard();
    w.heard();
    await clock.advanceAsync(60_000);
    expect(silences()).toBe(1);
  });

  it('writes while one is unanswered do not put the silence off', async () => {
    const { clock, w, socket, probes, silences } = watch();
    w.wrote(socket);
    await clock.advanceAsync(2_000);
    w.wrote(socket);
    await clock.advanceAsync(2_000);
    expect(probes).toHaveLength(1);
    w.wrote(socket);
    await clock.advanceAsync(999);
    expect(silences()).toBe(0);
    await clock.advanceAsync(1);
    expect(silences()).toBe(1);
  });

  it('a write after an answered one is timed from itself, on the one timer', async () => {
    const { clock, w, socket, probes, silences } = watch();
    w.wrote(socket);
    await clock.advanceAsync(200);
    w.heard(); // the first is answered
    await clock.advanceAsync(3_800);
    w.wrote(socket); // at 4 s: the network dies with it
    await clock.advanceAsync(2_499);
    expect(probes).toEqual([]);
    await clock.advanceAsync(1);
    expect(probes).toHaveLength(1);
    await clock.advanceAsync(2_499);
    expect(silences()).toBe(0);
    await clock.advanceAsync(1);
    expect(silences()).toBe(1);
  });

  it('a socket still sending what it holds is slow, not dead: waited for while its buffer falls', async () => {
    const { clock, w, socket, probes, silences } = watch();
    socket.buffered = 100_000;
    w.wrote(socket);
    for (let i = 0; i < 9; i++) {
      socket.buffered -= 10_000;
      await clock.advanceAsync(2_500);
    }
    expect(probes).toEqual([]);
    expect(silences()).toBe(0);
    // it stops falling: probed, then dead
    await clock.advanceAsync(2_500);
    expect(probes).toHaveLength(1);
    await clock.advanceAsync(2_500);
    expect(silences()).toBe(1);
  });

  it('a buffer that only grows is no sign of life', async () => {
    const { clock, w, socket, silences } = watch();
    socket.buffered = 1_000;
    w.wrote(socket);
    socket.buffered = 5_000;
    await clock.advanceAsync(5_000);
    expect(silences()).toBe(1);
  });

  it('events waiting in the outbox leave the judgement to its own watches', async () => {
    const { clock, w, socket, outbox, probes, silences } = watch();
    outbox.queued = 3;
    w.wrote(socket);
    await clock.advanceAsync(30_000);
    expect(probes).toEqual([]);
    expect(silences()).toBe(0);
    outbox.queued = 0;
    await clock.advanceAsync(5_000);
    expect(silences()).toBe(1);
  });

  it('stop() ends the timing; false never times', async () => {
    const stopped = watch();
    stopped.w.wrote(stopped.socket);
    stopped.w.stop();
    await stopped.clock.advanceAsync(60_000);
    expect(stopped.silences()).toBe(0);
    expect(stopped.probes).toEqual([]);

    const off = watch({ timeoutMs: false });
    off.w.wrote(off.socket);
    expect(off.w.armed).toBe(false);
    await off.clock.advanceAsync(60_000);
    expect(off.silences()).toBe(0);
  });
});

/** The fake, and a connector whose connection dies (see `dying-network.ts`) at its next write. */
function dyingFake(options: Parameters<typeof createFakeServer>[0] = {}) {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  const { connector: fake, server } = createFakeServer({ clock, ...options });
  const network = dyingNetwork(fake);
  return { clock, server, connector: network.connector, die: () => network.dieOnNextSend() };
}

describe('a request on a network that died without a close', () => {
  it.each([0, -1, Number.NaN, Infinity, '5s'])('replyTimeoutMs %s is INVALID_ARGUMENT', (ms) => {
    const { connector } = createFakeServer();
    expect(() => new RealtimeModel({ connector, replyTimeoutMs: ms as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'replyTimeoutMs' } }),
    );
  });

  it('generate() on an idle session finds the death: reconnected, re-sent, answered', async () => {
    const { clock, server, connector, die } = dyingFake();
    server.onResponse((ctx) => ctx.say('Still here.'));
    const s = setup('ga', { connector, clock, random: () => 0 });
    const session = await openSession(s);
    const errors: { code: string | null; message: string; data: unknown }[] = [];
    session.on('error', (e) =>
      errors.push({ code: e.code, message: e.message, data: 'data' in e ? e.data : undefined }),
    );
    let reconnectedAt: number | undefined;
    session.on('reconnected', () => (reconnectedAt ??= clock.now()));

    // a minute of silence on both sides, then the network dies with the next write
    await clock.advanceAsync(60_000);
    die();
    const askedAt = clock.now();
    let outcome: string | undefined;
    session.on('response_done', (r) => (outcome = `${r.status}: ${r.text}`));
    session.response.generate().catch((e: { code?: string }) => (outcome = `rejected ${e.code}`));
    await clock.advanceAsync(4_900);
    expect(reconnectedAt).toBeUndefined();
    await clock.advanceAsync(2_000);
    // 5 s of silence, then the reconnect (no backoff with random 0 on the first retry)
    expect(reconnectedAt).toBeDefined();
    expect(reconnectedAt! - askedAt).toBeLessThan(6_000);
    await clock.advanceAsync(5_000);
    expect(outcome).toBe('completed: Still here.');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'SOCKET_CLOSED',
        data: expect.objectContaining({ reason: 'server silent' }),
      }),
    ]);
    expect(errors[0]!.message).toMatch(/sent nothing for 5000 ms/);
    expect(server.connections).toHaveLength(2);
    // the old server never heard the request; the fresh one answered it
    expect(server.connections[0]!.conversation.snapshot()).toEqual([]);
    await session.close();
  });

  it('a push-to-talk turn spoken into the dead network: its commit finds the death, and the fresh server answers it', async () => {
    const { clock, server, connector, die } = dyingFake({ transcribe: () => 'Are you there?' });
    server.onResponse((ctx) => ctx.say(ctx.userText === 'Are you there?' ? 'I am.' : '?'));
    const s = setup('ga', { connector, clock, random: () => 0 });
    const session = await openSession(s, { turnDetection: null });
    const answers: string[] = [];
    session.on('response_done', (r) => answers.push(r.text));
    // a minute between turns, then the network dies under the next turn (under the high-water
    // mark: the drain watch never sees it)
    await clock.advanceAsync(60_000);
    die();
    for (const frame of speechThenSilence(800, 0)) {
      session.inputAudioBuffer.append(frame);
      await clock.advanceAsync(100);
    }
    session.inputAudioBuffer.commit();
    void session.response.create();
    await clock.advanceAsync(12_000);
    // the old server never heard it; the fresh one did, from the replay, and answered once
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0]!.conversation.snapshot()).toEqual([]);
    expect(answers).toEqual(['I am.']);
    await session.close();
  });

  it('a configuration update on the dead network is applied by the fresh server', async () => {
    const { clock, server, connector, die } = dyingFake();
    const s = setup('ga', { connector, clock, random: () => 0 });
    const session = await openSession(s);
    die();
    let result: string | undefined;
    session.sessionUpdate({ instructions: 'Answer in French.' }).then(
      (o) => (result = o.instructions),
      (e: { code?: string }) => (result = `rejected ${e.code}`),
    );
    await clock.advanceAsync(15_000);
    expect(result).toBe('Answer in French.');
    expect(server.connections).toHaveLength(2);
    expect(server.connections[1]!.session['instructions']).toBe('Answer in French.');
    await session.close();
  });

  it('replyTimeoutMs false: the request ends in TIMEOUT and the dead connection stays', async () => {
    const { clock, server, connector, die } = dyingFake();
    const s = setup('ga', { connector, clock, random: () => 0, replyTimeoutMs: false });
    const session = await openSession(s);
    die();
    let outcome: string | undefined;
    session.sessionUpdate({ instructions: 'Answer in French.' }).then(
      () => (outcome = 'resolved'),
      (e: { code?: string }) => (outcome = `rejected ${e.code}`),
    );
    await clock.advanceAsync(30_000);
    expect(outcome).toBe('rejected TIMEOUT');
    expect(server.connections).toHaveLength(1);
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });

  it('a live server slower than a round trip but within replyTimeoutMs is waited for', async () => {
    const s = setup('ga', { random: () => 0 });
    s.server.onResponse((ctx) => ctx.say('Slowly.'));
    const session = await openSession(s);
    s.server.faults.delay('response.created', 4_500);
    let text: string | undefined;
    session.on('response_done', (r) => (text = r.text));
    await Promise.all([session.response.generate(), s.clock.advanceAsync(10_000)]);
    expect(text).toBe('Slowly.');
    expect(s.server.connections).toHaveLength(1);
    expect(session.stats.reconnects).toBe(0);
    await session.close();
  });
});
