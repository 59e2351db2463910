/**
 * A connection reset mid-stream (ECONNRESET: a NAT or load balancer that dropped the flow, the
 * server process killed). `ws` handles the socket's error itself and reports only a 1006 close,
 * so the app's error said "closed unexpectedly (close 1006)" for a reset, a timeout and a plain
 * TCP close alike. The transport keeps the socket's error as the close's cause.
 */
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport, type TransportError } from '../src/index.js';
import { tcpSocketOf, transportTestKit } from './transport-helpers.js';

const { wsServer, track } = transportTestKit();

describe('a connection reset mid-stream', () => {
  it('is a retriable SOCKET_CLOSED 1006 that names the reset, with the socket error as its cause', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url, keepAlive: false });
    const t = track(transport);
    const errors = t.errors as TransportError[];
    await transport.start();
    const hs = await server.nextHandshake();
    tcpSocketOf(hs.socket).resetAndDestroy();
    const [code] = await t.closed;
    expect(code).toBe(1006);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'SOCKET_CLOSED', retriable: true, closeCode: 1006 });
    expect(errors[0]!.message).toMatch(/connection reset by peer/);
    expect(errors[0]!.cause).toMatchObject({ code: 'ECONNRESET' });
    expect(transport.closeError).toBe(errors[0]);
  });
});
