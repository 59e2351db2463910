/**
 * A connection reset mid-stream (ECONNRESET: a NAT or load balancer that dropped the flow, the
 * server process killed). `ws` handles the socket's error itself and reports only a 1006 close,
 * so the app's error said "closed unexpectedly (close 1006)" for a reset, a timeout and a plain
 * TCP close alike. The transport keeps the socket's error as the close's cause.
 */
import type { Socket } from 'node:net';
import { deferred } from '@voxwire/testing';
import { startLoopbackWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketTransport, type TransportError } from '../src/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a connection reset mid-stream', () => {
  it('is a retriable SOCKET_CLOSED 1006 that names the reset, with the socket error as its cause', async () => {
    const server = await startLoopbackWsServer();
    cleanups.push(() => server.close());
    const transport = createWebSocketTransport({ url: server.url, keepAlive: false });
    const errors: TransportError[] = [];
    const closed = deferred<[number, string]>();
    transport.onclose = (code, reason) => closed.resolve([code, reason]);
    transport.onerror = (error) => errors.push(error as TransportError);
    cleanups.push(() => transport.close());
    await transport.start();
    const hs = await server.nextHandshake();
    (hs.socket as unknown as { _socket: Socket })._socket.resetAndDestroy();
    const [code] = await closed.promise;
    expect(code).toBe(1006);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'SOCKET_CLOSED', retriable: true, closeCode: 1006 });
    expect(errors[0]!.message).toMatch(/connection reset by peer/);
    expect(errors[0]!.cause).toMatchObject({ code: 'ECONNRESET' });
    expect(transport.closeError).toBe(errors[0]);
  });
});
