/**
 * createWebSocketTransport when the connect fails: a refused port, HTTP refusals and the typed
 * error each status maps to (Retry-After, a body that never ends), a redirect it will not follow
 * with credentials attached, a handshake that times out, an abort, a close() while connecting.
 * None of them crashes the process; each ends in one onclose.
 */
import { type EventEmitter, once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport, TransportError } from '../src/index.js';
import { deferred, SimulatedClock } from '@voxwire/testing';
import { closedPort } from '@voxwire/testing/ws';
import { SECRET, startError, transportTestKit } from './transport-helpers.js';

const { cleanups, wsServer, refusingServer, silentServer, track } = transportTestKit();

describe('createWebSocketTransport: failed connects never crash the process', () => {
  it('a refused port rejects start() with a retriable CONNECT_FAILED and fires onclose once', async () => {
    const port = await closedPort();
    const transport = createWebSocketTransport({
      url: `ws://127.0.0.1:${port}/v1/realtime`,
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const t = track(transport);
    const error = await startError(transport);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'CONNECT_FAILED', retriable: true, fatal: false });
    expect((error as Error).message).toContain('connection refused');
    await t.closed;
    expect(t.closes).toHaveLength(1);
    expect(t.closes[0]![0]).toBe(1006);
  });

  it('an HTTP 401 refusal is a fatal AUTH_FAILED that quotes the server but never the key', async () => {
    const server = await refusingServer({
      status: 401,
      body: JSON.stringify({ error: { message: `Incorrect API key provided: ${SECRET}.` } }),
    });
    const transport = createWebSocketTransport({ url: server.url, headers: { 'api-key': SECRET } });
    const t = track(transport);
    const error = await startError(transport);
    expect(error).toMatchObject({
      code: 'AUTH_FAILED',
      fatal: true,
      retriable: false,
      httpStatus: 401,
    });
    expect(error.message).toContain('Incorrect API key provided: [REDACTED]');
    expect(error.message).not.toContain(SECRET);
    await t.closed;
    expect(JSON.stringify(t.closes)).not.toContain(SECRET);
  });

  it('an HTTP 503 refusal is retriable and carries Retry-After', async () => {
    const server = await refusingServer({
      status: 503,
      body: 'overloaded',
      headers: { 'Retry-After': '7' },
    });
    const transport = createWebSocketTransport({ url: server.url });
    track(transport);
    const error = await startError(transport);
    expect(error).toMatchObject({
      code: 'CONNECT_FAILED',
      retriable: true,
      httpStatus: 503,
      retryAfterMs: 7000,
    });
    expect(error.message).toContain('overloaded');
  });

  it('reads an HTTP-date Retry-After against the response Date, not the injected clock', async () => {
    // the injected clock has an arbitrary epoch (a simulated one starts at 0): an HTTP date is
    // wall-clock time, so measuring it from clock.now() asked for decades of waiting
    const server = await refusingServer({
      status: 503,
      headers: {
        Date: 'Tue, 01 Jan 2030 00:00:00 GMT',
        'Retry-After': 'Tue, 01 Jan 2030 00:00:30 GMT',
      },
    });
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({ url: server.url, clock });
    track(transport);
    await expect(transport.start()).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
      httpStatus: 503,
      retryAfterMs: 30_000,
    });
  });

  it.each([
    [403, 'AUTH_FAILED'],
    [404, 'BAD_REQUEST'],
    [429, 'CONNECT_FAILED'],
  ] as const)('an HTTP %i refusal maps to %s', async (status, code) => {
    const server = await refusingServer({ status });
    const transport = createWebSocketTransport({ url: server.url });
    track(transport);
    await expect(transport.start()).rejects.toMatchObject({ code, httpStatus: status });
  });

  it.each([
    [401, { code: 'AUTH_FAILED', fatal: true, httpStatus: 401 }],
    [503, { code: 'CONNECT_FAILED', retriable: true, httpStatus: 503, retryAfterMs: 3000 }],
  ] as const)(
    'an HTTP %i refusal whose body never ends is still that refusal at the connect timeout',
    async (status, expected) => {
      // a hand-written upgrade handler or a gateway that sends the status and headers, then
      // stalls its body (a Content-Length it never fills, a socket it never ends): the status
      // was known, so the connect timeout must not replace it with a retriable CONNECT_TIMEOUT
      const server = createHttpServer();
      const sockets: Socket[] = [];
      server.on('upgrade', (_request, socket: Socket) => {
        sockets.push(socket);
        socket.on('error', () => {});
        socket.write(
          `HTTP/1.1 ${status} Refused\r\nContent-Length: 100\r\nRetry-After: 3\r\n\r\nrefused: partial`,
        );
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanups.push(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      });
      const port = (server.address() as AddressInfo).port;
      const clock = new SimulatedClock();
      const transport = createWebSocketTransport({
        url: `ws://127.0.0.1:${port}/v1/realtime`,
        clock,
        connectTimeoutMs: 2500,
      });
      const t = track(transport);
      const started = transport.start().catch((e: unknown) => e);
      // the transport's own refusal listener runs first; the test waits for the partial body
      const bodySeen = deferred();
      transport.raw!.once('unexpected-response', (_request, response: EventEmitter) =>
        response.once('data', () => bodySeen.resolve()),
      );
      await bodySeen.promise;
      clock.advance(2500);
      const error = (await started) as TransportError;
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject(expected);
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain('refused: partial');
      await t.closed;
      expect(clock.pendingTimers).toBe(0);
    },
  );

  it('does not follow a redirect while credentials are attached', async () => {
    const target = await wsServer();
    const server = await refusingServer({ status: 302, headers: { Location: target.url } });
    const transport = createWebSocketTransport({
      url: server.url,
      headers: { Authorization: `Bearer ${SECRET}` },
      followRedirects: true,
    });
    track(transport);
    await expect(transport.start()).rejects.toMatchObject({ code: 'BAD_REQUEST', httpStatus: 302 });
    expect(target.handshakes).toHaveLength(0);
  });

  it('times out a handshake the server never answers', async () => {
    const server = await silentServer();
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({ url: server.url, clock, connectTimeoutMs: 2500 });
    const t = track(transport);
    const started = transport.start().catch((e: unknown) => e);
    await server.connected();
    clock.advance(2499);
    clock.advance(1);
    const error = (await started) as TransportError;
    expect(error).toMatchObject({ code: 'CONNECT_TIMEOUT', retriable: true });
    expect(error.message).toContain('2500 ms');
    await t.closed;
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborts a connect through the signal', async () => {
    const server = await silentServer();
    const controller = new AbortController();
    const transport = createWebSocketTransport({ url: server.url, signal: controller.signal });
    track(transport);
    const started = transport.start().catch((e: unknown) => e);
    await server.connected();
    controller.abort();
    expect(await started).toMatchObject({ code: 'ABORTED', retriable: false });
  });

  it('close() while connecting rejects start() with ABORTED and resolves', async () => {
    const server = await silentServer();
    const transport = createWebSocketTransport({ url: server.url });
    const t = track(transport);
    const started = transport.start().catch((e: unknown) => e);
    await server.connected();
    await transport.close();
    expect(await started).toMatchObject({ code: 'ABORTED' });
    expect(t.closes).toHaveLength(1);
  });
});
