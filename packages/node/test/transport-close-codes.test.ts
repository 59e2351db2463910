/**
 * createWebSocketTransport turns the way a connection ends into a typed error: the server's
 * close codes (fatal or retriable), an abrupt drop, and a write that fails underneath ws.
 */
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport } from '../src/index.js';
import { tcpSocketOf, transportTestKit } from './transport-helpers.js';

const { wsServer, track } = transportTestKit();

describe('createWebSocketTransport: close codes become typed errors', () => {
  it.each([
    [3000, 'invalid_request_error.invalid_api_key', 'AUTH_FAILED', true],
    [4000, 'invalid_request_error.invalid_model', 'BAD_REQUEST', true],
    [1001, 'Your session hit the maximum duration of 60 minutes.', 'SESSION_EXPIRED', false],
    [1011, 'internal', 'SOCKET_CLOSED', false],
  ] as const)('close %i → %s (fatal: %s)', async (code, reason, errorCode, fatal) => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url });
    const t = track(transport);
    await transport.start();
    (await server.nextHandshake()).socket.close(code, reason);
    expect(await t.closed).toEqual([code, reason]);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]).toMatchObject({
      code: errorCode,
      fatal,
      closeCode: code,
      closeReason: reason,
    });
    expect(transport.closeError).toBe(t.errors[0]);
  });

  it('an abrupt drop is a retriable SOCKET_CLOSED with 1006', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url });
    const t = track(transport);
    await transport.start();
    (await server.nextHandshake()).socket.terminate();
    expect((await t.closed)[0]).toBe(1006);
    expect(t.errors[0]).toMatchObject({ code: 'SOCKET_CLOSED', retriable: true });
  });

  it('a write that fails (send takes no callback) still ends in one retriable SOCKET_CLOSED with 1006', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url });
    const t = track(transport);
    await transport.start();
    await server.nextHandshake();
    // the client's own TCP socket fails the write, as an EPIPE would
    const socket = tcpSocketOf(transport.raw);
    socket.write = ((_data: unknown, callback?: (error?: Error) => void) => {
      const error = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      process.nextTick(() => {
        callback?.(error);
        socket.destroy(error);
      });
      return false;
    }) as typeof socket.write;
    transport.send('{"type":"input_audio_buffer.clear"}');
    expect((await t.closed)[0]).toBe(1006);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]).toMatchObject({ code: 'SOCKET_CLOSED', retriable: true });
  });
});
