/**
 * A refused upgrade whose body never ends (status and headers sent, the body stalled by a
 * gateway or a hand-written upgrade handler) through a whole model: the session's own connect
 * deadline (as long as the transport's, and started earlier, before the key lookup) must not
 * turn a 401 into a retriable CONNECT_TIMEOUT. The refusal is settled from its headers and the
 * body read so far a short while after they arrive. A real socket; the simulated clock.
 */
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ClosedEvent } from '@voxwire/core';
import { SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import {
  createOpenAIRealtimeModel,
  createWebSocketTransport,
  TransportError,
} from '../src/index.js';
import { transportTestKit } from './transport-helpers.js';

const { cleanups } = transportTestKit();

/** A server answering every upgrade with `status`, then a body it never finishes. */
async function stallingServer(status: number): Promise<{ url: string; upgrades: () => number }> {
  const server = createHttpServer();
  const sockets: Socket[] = [];
  server.on('upgrade', (_request, socket: Socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.write(`HTTP/1.1 ${status} Refused\r\nContent-Length: 100\r\n\r\nrefused: partial`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}/v1`, upgrades: () => sockets.length };
}

/** Advances the clock in 100 ms steps, letting the sockets work, until `until` holds. */
async function run(clock: SimulatedClock, until: () => boolean, maxMs: number): Promise<void> {
  for (let t = 0; t < maxMs && !until(); t += 100) {
    await clock.advanceAsync(100);
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('a refusal whose body stalls', () => {
  it('the bare transport settles it from the headers a second after they came, long before its connect timeout', async () => {
    const { url } = await stallingServer(401);
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({ url, clock, connectTimeoutMs: 10_000 });
    let error: unknown;
    const started = transport.start().catch((e: unknown) => (error = e));
    await run(clock, () => error !== undefined, 1_500);
    expect(clock.now()).toBeLessThanOrEqual(1_500);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', fatal: true, httpStatus: 401 });
    expect((error as Error).message).toContain('refused: partial');
    await started;
  });

  it('a model session fails fatal AUTH_FAILED on a 401, not a retried CONNECT_TIMEOUT', async () => {
    const { url, upgrades } = await stallingServer(401);
    const clock = new SimulatedClock();
    const model = createOpenAIRealtimeModel({
      apiKey: 'sk-refused-key-0123456789',
      baseURL: url,
      env: {},
      clock,
      keepAlive: false,
      random: () => 0,
    });
    const session = model.session();
    cleanups.push(() => session.close());
    const seen: string[] = [];
    let closed: ClosedEvent | undefined;
    session.on('reconnecting', () => seen.push('reconnecting'));
    session.on('closed', (e) => (closed = e));
    session.on('error', () => undefined);
    await run(clock, () => closed !== undefined, 30_000);
    expect(seen).toEqual([]);
    expect(closed?.error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(upgrades()).toBe(1);
  });
});
