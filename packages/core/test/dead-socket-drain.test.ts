/**
 * A socket on a network that died without a close: what is written goes nowhere, nothing comes
 * back, and its `bufferedAmount` only grows. A browser's WebSocket has no keep-alive ping and
 * reports such a close only when TCP gives up (minutes); meanwhile the user speaks into nothing.
 * Once input audio waits on a socket whose buffered bytes have not gone down at all for
 * `backpressure.drainTimeoutMs`, the session drops it as dead and reconnects.
 */
import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { Outbox } from '../src/outbox.js';
import { RealtimeModel } from '../src/model.js';
import { openSession, setup } from './helpers.js';
import { dyingNetwork } from './dying-network.js';

const append = (): ClientEvent => ({ type: 'input_audio_buffer.append', audio: 'A'.repeat(640) });

describe('Outbox: a socket whose buffered bytes do not drain', () => {
  function congested(options: { drainTimeoutMs?: number | false } = {}) {
    const clock = new SimulatedClock();
    let timeouts = 0;
    const o = new Outbox(() => undefined, {
      clock,
      highWaterMark: 1_000,
      ...options,
      onDrainTimeout: () => timeouts++,
    });
    const socket = { buffered: 0, written: 0 };
    o.open({
      write: () => {
        socket.written++;
        socket.buffered += 700;
      },
      bufferedAmount: () => socket.buffered,
    });
    return { clock, o, socket, timeouts: () => timeouts };
  }

  it('audio waiting on a buffer that never goes down: dropped once, after drainTimeoutMs', async () => {
    const { clock, o, socket, timeouts } = congested({ drainTimeoutMs: 5_000 });
    for (let i = 0; i < 5; i++) o.send(append());
    // two written (1,400 bytes buffered, above the mark), three waiting
    expect(socket.written).toBe(2);
    await clock.advanceAsync(4_900);
    expect(timeouts()).toBe(0);
    await clock.advanceAsync(200);
    expect(timeouts()).toBe(1);
    // polling stopped: the session drops the transport, and the queue waits for the next one
    await clock.advanceAsync(60_000);
    expect(timeouts()).toBe(1);
    expect(o.queued).toBe(3);
  });

  it('a slow socket that drains a little now and then is not dropped', async () => {
    const { clock, o, socket, timeouts } = congested({ drainTimeoutMs: 5_000 });
    for (let i = 0; i < 5; i++) o.send(append());
    for (let s = 0; s < 12; s++) {
      await clock.advanceAsync(4_000);
      socket.buffered -= 1;
    }
    expect(timeouts()).toBe(0);
    expect(o.queued).toBe(3);
  });

  it('each wait starts its own bound: a socket that drained and congests again gets it whole', async () => {
    const { clock, o, socket, timeouts } = congested({ drainTimeoutMs: 5_000 });
    for (let i = 0; i < 3; i++) o.send(append());
    await clock.advanceAsync(4_000);
    socket.buffered = 0;
    await clock.advanceAsync(20);
    expect(o.queued).toBe(0);
    for (let i = 0; i < 3; i++) o.send(append());
    await clock.advanceAsync(4_000);
    expect(timeouts()).toBe(0);
    await clock.advanceAsync(1_100);
    expect(timeouts()).toBe(1);
  });

  it('drainTimeoutMs false waits for ever', async () => {
    const { clock, o, timeouts } = congested({ drainTimeoutMs: false });
    for (let i = 0; i < 5; i++) o.send(append());
    await clock.advanceAsync(600_000);
    expect(timeouts()).toBe(0);
    expect(o.queued).toBe(3);
  });
});

/** The fake, and a connector whose connection dies (see `dying-network.ts`) on `die()`. */
function dyingFake(options: Parameters<typeof createFakeServer>[0] = {}) {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  const { connector: fake, server } = createFakeServer({ clock, ...options });
  const network = dyingNetwork(fake);
  return { clock, server, connector: network.connector, die: () => network.dieOnNextSend() };
}

describe('a session on a socket whose network died without a close', () => {
  it.each([0, -1, Number.NaN, Infinity, '10s'])(
    'drainTimeoutMs %s is INVALID_ARGUMENT',
    (drainTimeoutMs) => {
      const { connector } = createFakeServer();
      expect(
        () =>
          new RealtimeModel({
            connector,
            backpressure: { drainTimeoutMs: drainTimeoutMs as never },
          }),
      ).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          data: { argument: 'backpressure.drainTimeoutMs' },
        }),
      );
    },
  );

  it('is dropped once its buffered audio has not drained for drainTimeoutMs, and reconnects', async () => {
    const { clock, server, connector, die } = dyingFake();
    const s = setup('ga', {
      connector,
      clock,
      random: () => 0,
      backpressure: { drainTimeoutMs: 5_000 },
    });
    const session = await openSession(s);
    const errors: { code: string | null; message: string }[] = [];
    session.on('error', (e) => errors.push({ code: e.code, message: e.message }));
    let reconnectedAt: number | undefined;
    session.on('reconnected', () => (reconnectedAt ??= clock.now()));

    die();
    const diedAt = clock.now();
    // the microphone streams on (24 kHz PCM16: ~64 KB of base64 a second)
    for (let t = 0; t < 30_000 && reconnectedAt === undefined; t += 100) {
      for (const frame of speechThenSilence(0, 100)) session.inputAudioBuffer.append(frame);
      await clock.advanceAsync(100);
    }
    expect(reconnectedAt).toBeDefined();
    // the buffer passes the 256 KiB mark after ~4 s of audio; 5 s later it is given up
    expect(reconnectedAt! - diedAt).toBeLessThan(12_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'SOCKET_CLOSED' });
    expect(errors[0]!.message).toMatch(/did not go down/);
    expect(server.connections).toHaveLength(2);
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });

  it('a turn spoken into the dead socket is written again: the fresh server hears it and answers', async () => {
    const { clock, server, connector, die } = dyingFake({ transcribe: () => 'Are you there?' });
    server.onResponse((ctx) => ctx.say(ctx.userText === 'Are you there?' ? 'I am.' : '?'));
    const s = setup('ga', {
      connector,
      clock,
      random: () => 0,
      backpressure: { drainTimeoutMs: 5_000 },
    });
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    });
    const answers: string[] = [];
    session.on('response_done', (r) => answers.push(r.text));
    let reconnected = false;
    session.on('reconnected', () => (reconnected = true));

    die();
    // a second of silence, the question, and the microphone streams on
    const frames = [...speechThenSilence(0, 1_000), ...speechThenSilence(800, 400)];
    for (const frame of frames) {
      session.inputAudioBuffer.append(frame);
      await clock.advanceAsync(100);
    }
    for (let t = 0; t < 30_000 && !reconnected; t += 100) {
      for (const frame of speechThenSilence(0, 100)) session.inputAudioBuffer.append(frame);
      await clock.advanceAsync(100);
    }
    expect(reconnected).toBe(true);
    for (let t = 0; t < 5_000; t += 100) {
      for (const frame of speechThenSilence(0, 100)) session.inputAudioBuffer.append(frame);
      await clock.advanceAsync(100);
    }
    // the old server never heard it; the fresh one did, from the replay
    expect(server.connections[0]!.conversation.snapshot()).toEqual([]);
    expect(answers).toEqual(['I am.']);
    await session.close();
  });
});
