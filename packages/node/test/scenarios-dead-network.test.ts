/**
 * The network under a session dies without a close (the fake's `unplug()`: the server reads
 * nothing more and sends nothing), over a real loopback socket, both ends on one simulated clock.
 * With no keep-alive ping to notice (`keepAlive: false`, as a browser's WebSocket has none), the
 * microphone's audio piles up in the socket's buffers; once it has waited on a buffer that did
 * not go down for `backpressure.drainTimeoutMs`, the session drops the socket and reconnects, and
 * the audio still queued reaches the fresh server. Waits are on socket events (a few event loop
 * turns per clock step), never on wall time. An idle session writes no audio: there a request
 * finds the death, once the server has sent nothing for `replyTimeoutMs` after it.
 */
import { SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeSession } from '@voxwire/core';
import { createOpenAIRealtimeModel } from '../src/index.js';
import {
  type Cleanups,
  io,
  loopbackModelOptions,
  pumpUntil,
  recordUnhandledRejections,
} from './scenario-helpers.js';

const KEY = 'sk-proj-SCENARIO-dead-network-0000';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The session's errors as their code and `data.reason`. */
function errorReasons(session: RealtimeSession): { code: string | null; reason: unknown }[] {
  const errors: { code: string | null; reason: unknown }[] = [];
  session.on('error', (e) =>
    errors.push({
      code: e.code,
      reason: 'data' in e ? (e.data as { reason?: unknown })?.reason : undefined,
    }),
  );
  return errors;
}

describe('a network that dies without a close, no keep-alive', () => {
  it('the socket is dropped once its buffered audio has not drained for drainTimeoutMs, and the session reconnects', async () => {
    const clock = new SimulatedClock();
    const fake = await startFakeWsServer({ apiKey: KEY, clock, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const unhandled = recordUnhandledRejections(cleanups);
    const model = createOpenAIRealtimeModel({
      ...loopbackModelOptions(fake, KEY, clock),
      reconnect: { backoff: () => 0 },
      turnDetection: null,
      backpressure: { drainTimeoutMs: 3_000 },
    });
    const session = model.session();
    cleanups.push(() => model.close());
    const errors = errorReasons(session);
    let reconnected = false;
    session.on('reconnected', () => (reconnected = true));
    expect(await pumpUntil(clock, () => fake.server.sessionConfig !== undefined)).toBe(true);
    expect(session.connectionState.status).toBe('open');

    fake.unplug();
    const unpluggedAt = clock.now();
    // the microphone streams on, faster than real time so that the loopback's kernel buffers
    // (megabytes) fill within the test: 1 s of audio every 20 ms of clock
    const second = speechThenSilence(0, 1_000, { frameMs: 1_000 })[0]!;
    for (let i = 0; i < 2_000 && !reconnected; i++) {
      session.inputAudioBuffer.append(second);
      await clock.advanceAsync(20);
      await io();
    }
    expect(reconnected).toBe(true);
    expect(errors).toEqual([{ code: 'SOCKET_CLOSED', reason: 'transport not draining' }]);
    expect(clock.now() - unpluggedAt).toBeGreaterThanOrEqual(3_000);
    // the fresh server hears the microphone again
    const heardBefore = fake.server.current!.clientEvents.filter(
      (e) => e['type'] === 'input_audio_buffer.append',
    ).length;
    session.inputAudioBuffer.append(second);
    for (let i = 0; i < 20; i++) {
      await clock.advanceAsync(20);
      await io();
    }
    expect(
      fake.server.current!.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append')
        .length,
    ).toBeGreaterThan(heardBefore);
    expect(fake.server.connections).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });
});

describe('a network that dies without a close under an idle session, no keep-alive', () => {
  it('a request finds the death after replyTimeoutMs of silence: reconnected, asked again, answered', async () => {
    const clock = new SimulatedClock();
    const fake = await startFakeWsServer({ apiKey: KEY, clock, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    fake.server.onResponse((ctx) => ctx.say('Still here.'));
    const unhandled = recordUnhandledRejections(cleanups);
    const model = createOpenAIRealtimeModel({
      ...loopbackModelOptions(fake, KEY, clock),
      reconnect: { backoff: () => 0 },
      turnDetection: null,
      replyTimeoutMs: 3_000,
    });
    const session = model.session();
    cleanups.push(() => model.close());
    const errors = errorReasons(session);
    const answers: string[] = [];
    session.on('response_done', (r) => answers.push(`${r.status}: ${r.text}`));
    expect(await pumpUntil(clock, () => fake.server.sessionConfig !== undefined)).toBe(true);
    expect(session.connectionState.status).toBe('open');

    // the session idles (no microphone: push-to-talk between turns), and the network dies
    fake.unplug();
    const askedAt = clock.now();
    session.response.generate().catch(() => undefined);
    for (let i = 0; i < 1_000 && answers.length === 0; i++) {
      await clock.advanceAsync(20);
      await io();
    }
    expect(answers).toEqual(['completed: Still here.']);
    expect(errors).toEqual([{ code: 'SOCKET_CLOSED', reason: 'server silent' }]);
    // found by the silence, not by TCP giving up (minutes) nor by the request's TIMEOUT (10 s)
    expect(clock.now() - askedAt).toBeGreaterThanOrEqual(3_000);
    expect(clock.now() - askedAt).toBeLessThan(10_000);
    expect(fake.server.connections).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });
});
