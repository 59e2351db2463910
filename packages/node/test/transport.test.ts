import { EventEmitter, getEventListeners, once } from 'node:events';
import { Agent, createServer as createHttpServer } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createWebSocketTransport,
  TransportError,
  type WebSocketTransport,
} from '../src/index.js';
import { deferred, SimulatedClock } from '@voxwire/testing';
import {
  closedPort,
  startLoopbackWsServer,
  startRefusingServer,
  startSilentServer,
} from '@voxwire/testing/ws';
import type WebSocket from 'ws';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from './fixtures/self-signed.js';

const SECRET = 'sk-test-SECRET-0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wsServer(options?: Parameters<typeof startLoopbackWsServer>[0]) {
  const server = await startLoopbackWsServer(options);
  cleanups.push(() => server.close());
  return server;
}

function track(transport: WebSocketTransport) {
  const closes: [number, string][] = [];
  const errors: Error[] = [];
  const frames: (string | Uint8Array)[] = [];
  const closed = deferred<[number, string]>();
  transport.onclose = (code, reason) => {
    closes.push([code, reason]);
    closed.resolve([code, reason]);
  };
  transport.onerror = (error) => errors.push(error);
  transport.onmessage = (frame) => frames.push(frame);
  cleanups.push(() => transport.close());
  return { closes, errors, frames, closed: closed.promise };
}

describe('createWebSocketTransport: a working connection', () => {
  it('offers no permessage-deflate unless asked (zlib per socket costs more than it saves for audio)', async () => {
    const server = await wsServer();
    const plain = createWebSocketTransport({ url: server.url });
    track(plain);
    await plain.start();
    expect((await server.nextHandshake()).headers['sec-websocket-extensions']).toBeUndefined();

    const compressed = createWebSocketTransport({ url: server.url, perMessageDeflate: true });
    track(compressed);
    await compressed.start();
    expect((await server.nextHandshake()).headers['sec-websocket-extensions']).toContain(
      'permessage-deflate',
    );
  });

  it('sends headers and subprotocols, exchanges text frames, and closes with 1000', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({
      url: server.url + '?model=gpt-realtime',
      headers: { Authorization: `Bearer ${SECRET}`, 'X-Extra': 'yes' },
      protocols: ['realtime'],
    });
    const t = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    expect(hs.url.pathname).toBe('/v1/realtime');
    expect(hs.url.searchParams.get('model')).toBe('gpt-realtime');
    expect(hs.headers['authorization']).toBe(`Bearer ${SECRET}`);
    expect(hs.headers['x-extra']).toBe('yes');
    expect(hs.protocols).toEqual(['realtime']);
    expect(transport.protocol).toBe('realtime');

    const got = once(hs.socket, 'message');
    transport.send('{"type":"session.update"}');
    const [data, isBinary] = (await got) as [Buffer, boolean];
    expect(isBinary).toBe(false);
    expect(data.toString()).toBe('{"type":"session.update"}');

    const delivered = deferred();
    transport.onmessage = (frame) => {
      t.frames.push(frame);
      delivered.resolve();
    };
    hs.socket.send('{"type":"session.created"}');
    await delivered.promise;
    expect(t.frames).toEqual(['{"type":"session.created"}']);
    expect(transport.bufferedAmount).toBe(0);

    const serverSaw = once(hs.socket, 'close');
    await transport.close();
    const [code] = (await serverSaw) as [number];
    expect(code).toBe(1000);
    expect(t.closes).toEqual([[1000, '']]);
    expect(t.errors).toEqual([]);
    expect(transport.closeError).toBeUndefined();
  });

  it('lets go of the connect attempt once open: its timer, abort listener and refusal listener', async () => {
    const server = await wsServer();
    const clock = new SimulatedClock();
    const controller = new AbortController();
    const transport = createWebSocketTransport({
      url: server.url,
      clock,
      signal: controller.signal,
      keepAlive: false,
    });
    track(transport);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const started = transport.start();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    expect(clock.pendingTimers).toBe(1);
    await started;
    // an open connection keeps neither the connect timeout nor the attempt's signal alive
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const ws = transport.raw!;
    expect(ws.listenerCount('unexpected-response')).toBe(0);
    expect(ws.listenerCount('open')).toBe(0);
    // the listeners a connection lives on stay, once each
    for (const event of ['message', 'close', 'error', 'pong'])
      expect(ws.listenerCount(event)).toBe(1);
    // an abort after the open no longer touches the connection
    controller.abort();
    transport.send('{"type":"ping"}');
    expect(transport.closeError).toBeUndefined();
  });

  it('passes binary frames as plain Uint8Array', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url });
    const got = deferred<string | Uint8Array>();
    track(transport);
    transport.onmessage = (frame) => got.resolve(frame);
    await transport.start();
    (await server.nextHandshake()).socket.send(Buffer.from([1, 2, 3]), { binary: true });
    const frame = await got.promise;
    expect(frame).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(frame)).toBe(false);
    expect([...(frame as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('buffers frames that arrive before onmessage is set and delivers them in order', async () => {
    const server = await wsServer();
    // no compression: inflating is asynchronous and could reorder frames behind the ping below
    const transport = createWebSocketTransport({ url: server.url, perMessageDeflate: false });
    await transport.start();
    cleanups.push(() => transport.close());
    const hs = await server.nextHandshake();
    hs.socket.send('one');
    hs.socket.send('two');
    // the pong proves the client read the ping, hence both frames before it, with no handler set
    const probe = once(hs.socket, 'pong');
    hs.socket.ping();
    await probe;
    const frames: (string | Uint8Array)[] = [];
    transport.onmessage = (frame) => frames.push(frame);
    expect(frames).toEqual(['one', 'two']);
  });

  it('routes a throwing onmessage handler to onerror instead of crashing', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url });
    const t = track(transport);
    const reported = deferred<Error>();
    transport.onerror = (error) => reported.resolve(error);
    transport.onmessage = () => {
      throw new Error('handler bug');
    };
    await transport.start();
    (await server.nextHandshake()).socket.send('x');
    expect((await reported.promise).message).toBe('handler bug');
    expect(t.closes).toEqual([]);
  });

  it('uses a caller-supplied agent for the handshake (proxy support)', async () => {
    const server = await wsServer();
    let used = 0;
    class CountingAgent extends Agent {
      override createConnection(...args: Parameters<Agent['createConnection']>) {
        used++;
        return super.createConnection(...args);
      }
    }
    const transport = createWebSocketTransport({ url: server.url, agent: new CountingAgent() });
    track(transport);
    await transport.start();
    expect(used).toBe(1);
  });

  it('refuses send before start and a second start', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url });
    track(transport);
    expect(() => transport.send('x')).toThrow(expect.objectContaining({ code: 'NOT_CONNECTED' }));
    await transport.start();
    await expect(transport.start()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('rejects URLs that are not ws: or wss: and bad timeouts with a ConfigurationError', () => {
    expect(() => createWebSocketTransport({ url: 'https://api.openai.com/v1/realtime' })).toThrow(
      ConfigurationError,
    );
    expect(() => createWebSocketTransport({ url: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'INVALID_URL' }),
    );
    expect(() => createWebSocketTransport({ url: 'ws://127.0.0.1/', connectTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('createWebSocketTransport: failed connects never crash the process', () => {
  it('a refused port rejects start() with a retriable CONNECT_FAILED and fires onclose once', async () => {
    const port = await closedPort();
    const transport = createWebSocketTransport({
      url: `ws://127.0.0.1:${port}/v1/realtime`,
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const t = track(transport);
    const error = await transport.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'CONNECT_FAILED', retriable: true, fatal: false });
    expect((error as Error).message).toContain('connection refused');
    await t.closed;
    expect(t.closes).toHaveLength(1);
    expect(t.closes[0]![0]).toBe(1006);
  });

  it('never shows the password of a URL with credentials in a message', async () => {
    const port = await closedPort();
    const transport = createWebSocketTransport({
      url: `ws://user:${SECRET}@127.0.0.1:${port}/v1/realtime`,
    });
    const t = track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
    expect(error).toMatchObject({ code: 'CONNECT_FAILED' });
    expect(error.message).toContain(`127.0.0.1:${port}`);
    const [, reason] = await t.closed;
    for (const text of [error.message, reason, String(error.cause ?? '')])
      expect(text).not.toContain(SECRET);
  });

  it('never shows a credential-like query value (an APIM subscription-key=, key=, sig=) that a refusal or a redirect echoes', async () => {
    // decoded, a SAS-style value differs from what the URL carries (`+`, `/`, `=` are escaped)
    const SUB = 'apim-subscription-5e4d3c2b1a';
    const SIG = 'sv2024+Abc/Def=';
    const query = `subscription-key=${SUB}&sig=${encodeURIComponent(SIG)}&model=m`;
    const refusing = await startRefusingServer({
      status: 401,
      body: JSON.stringify({
        message: `Access denied for /v1/realtime?${query} (key ${SUB}, signature ${SIG})`,
      }),
    });
    cleanups.push(() => refusing.close());
    const refused = createWebSocketTransport({ url: `${refusing.url}?${query}` });
    const t = track(refused);
    const error = (await refused.start().catch((e: unknown) => e)) as TransportError;
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(error.message).toContain('Access denied');
    await t.closed;
    for (const text of [error.message, JSON.stringify(t.closes)]) {
      expect(text).not.toContain(SUB);
      expect(text).not.toContain(SIG);
      expect(text).not.toContain(encodeURIComponent(SIG));
    }

    const KEYQ = 'query-key-77aa88bb99';
    const redirecting = await startRefusingServer({
      status: 302,
      headers: { Location: `https://elsewhere.example/v1/realtime?key=${KEYQ}` },
    });
    cleanups.push(() => redirecting.close());
    const redirected = createWebSocketTransport({ url: `${redirecting.url}?key=${KEYQ}` });
    track(redirected);
    const redirect = (await redirected.start().catch((e: unknown) => e)) as TransportError;
    expect(redirect).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 302 });
    expect(redirect.message).toContain('elsewhere.example');
    expect(redirect.message).not.toContain(KEYQ);
  });

  it("never shows a credential-like query value the server's close reason echoes", async () => {
    const SUB = 'apim-subscription-0f1e2d3c4b';
    const server = await wsServer();
    const transport = createWebSocketTransport({
      url: `${server.url}?subscription-key=${SUB}`,
      keepAlive: false,
    });
    const t = track(transport);
    await transport.start();
    (await server.nextHandshake()).socket.close(4000, `bad subscription-key=${SUB}`);
    const [code, reason] = await t.closed;
    expect(code).toBe(4000);
    expect(reason).toContain('[REDACTED]');
    expect(reason).not.toContain(SUB);
    expect(t.errors[0]!.message).not.toContain(SUB);
    expect(JSON.stringify(t.errors[0])).not.toContain(SUB);
  });

  it('an HTTP 401 refusal is a fatal AUTH_FAILED that quotes the server but never the key', async () => {
    const server = await startRefusingServer({
      status: 401,
      body: JSON.stringify({ error: { message: `Incorrect API key provided: ${SECRET}.` } }),
    });
    cleanups.push(() => server.close());
    const transport = createWebSocketTransport({ url: server.url, headers: { 'api-key': SECRET } });
    const t = track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
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
    const server = await startRefusingServer({
      status: 503,
      body: 'overloaded',
      headers: { 'Retry-After': '7' },
    });
    cleanups.push(() => server.close());
    const transport = createWebSocketTransport({ url: server.url });
    track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
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
    const server = await startRefusingServer({
      status: 503,
      headers: {
        Date: 'Tue, 01 Jan 2030 00:00:00 GMT',
        'Retry-After': 'Tue, 01 Jan 2030 00:00:30 GMT',
      },
    });
    cleanups.push(() => server.close());
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
    const server = await startRefusingServer({ status });
    cleanups.push(() => server.close());
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
    const server = await startRefusingServer({ status: 302, headers: { Location: target.url } });
    cleanups.push(() => server.close());
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
    const server = await startSilentServer();
    cleanups.push(() => server.close());
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
    const server = await startSilentServer();
    cleanups.push(() => server.close());
    const controller = new AbortController();
    const transport = createWebSocketTransport({ url: server.url, signal: controller.signal });
    track(transport);
    const started = transport.start().catch((e: unknown) => e);
    await server.connected();
    controller.abort();
    expect(await started).toMatchObject({ code: 'ABORTED', retriable: false });
  });

  it('close() while connecting rejects start() with ABORTED and resolves', async () => {
    const server = await startSilentServer();
    cleanups.push(() => server.close());
    const transport = createWebSocketTransport({ url: server.url });
    const t = track(transport);
    const started = transport.start().catch((e: unknown) => e);
    await server.connected();
    await transport.close();
    expect(await started).toMatchObject({ code: 'ABORTED' });
    expect(t.closes).toHaveLength(1);
  });
});

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
    const socket = (transport.raw as unknown as { _socket: Socket })._socket;
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

describe('createWebSocketTransport: keep-alive', () => {
  it('detects a dead peer: no pong within the timeout terminates with 1006 and a clear reason', async () => {
    const server = await wsServer({ autoPong: false });
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({
      url: server.url,
      clock,
      keepAlive: { intervalMs: 1000, timeoutMs: 500 },
    });
    const t = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    const pinged = once(hs.socket, 'ping');
    clock.advance(1000);
    await pinged;
    clock.advance(499);
    expect(t.closes).toEqual([]);
    clock.advance(1);
    const [code, reason] = await t.closed;
    expect(code).toBe(1006);
    expect(reason).toBe('keep-alive timeout: no pong within 500 ms');
    expect(t.errors[0]).toMatchObject({ code: 'KEEPALIVE_TIMEOUT', retriable: true });
  });

  it('keeps a live peer: each pong re-arms the next ping', async () => {
    const server = await wsServer();
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({
      url: server.url,
      clock,
      keepAlive: { intervalMs: 1000, timeoutMs: 500 },
    });
    const t = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    for (let round = 0; round < 3; round++) {
      const ponged = once(transport.raw!, 'pong');
      const pinged = once(hs.socket, 'ping');
      // half an interval, then the other half: the ping goes out exactly at the interval
      clock.advance(500);
      clock.advance(500);
      await pinged;
      await ponged;
    }
    // the pong cleared the deadline: a whole timeout later the socket is still open
    clock.advance(500);
    expect(t.closes).toEqual([]);
    expect(t.errors).toEqual([]);
  });

  it('answers server pings by itself', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url, keepAlive: false });
    track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    const pong = once(hs.socket, 'pong');
    hs.socket.ping(Buffer.from('hi'));
    const [payload] = (await pong) as [Buffer];
    expect(payload.toString()).toBe('hi');
  });

  it.each(['after', 'before'] as const)(
    "a ping due %s the server's close frame (TCP not yet closed) does not replace the server's close with KEEPALIVE_TIMEOUT",
    async (when) => {
      const server = await wsServer();
      const clock = new SimulatedClock();
      const transport = createWebSocketTransport({
        url: server.url,
        clock,
        keepAlive: { intervalMs: 1000, timeoutMs: 500 },
      });
      const t = track(transport);
      await transport.start();
      const hs = await server.nextHandshake();
      // the server sends close 4000 on the raw socket and then stops reading: the TCP connection
      // stays half open, as when the server's FIN is slow to come (ws waits up to 30 s for it)
      const raw = (hs.socket as unknown as { _socket: Socket })._socket;
      raw.pause();
      // 'before': the ping is out (unanswered: the server reads nothing) when the close frame comes
      if (when === 'before') clock.advance(1000);
      const reason = Buffer.from('bad model');
      raw.write(Buffer.concat([Buffer.from([0x88, 2 + reason.length, 0x0f, 0xa0]), reason]));
      for (let i = 0; i < 1000 && transport.raw!.readyState !== transport.raw!.CLOSING; i++)
        await new Promise((resolve) => setImmediate(resolve));
      expect(transport.raw!.readyState).toBe(transport.raw!.CLOSING);
      // a whole keep-alive round: no pong can come (ws reads nothing after a close frame)
      if (when === 'after') clock.advance(1000);
      clock.advance(500);
      await new Promise((resolve) => setImmediate(resolve));
      expect(t.closes).toEqual([]);
      raw.destroy();
      const [code, closeReason] = await t.closed;
      expect([code, closeReason]).toEqual([4000, 'bad model']);
      expect(t.errors).toHaveLength(1);
      expect(t.errors[0]).toMatchObject({ code: 'BAD_REQUEST', fatal: true, closeCode: 4000 });
    },
  );

  it("close() after the server's close frame arrived (TCP not yet closed) keeps the server's close as the error", async () => {
    const server = await wsServer();
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({ url: server.url, clock, keepAlive: false });
    const t = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    // the server sends close 3000 and stops reading: its close is under way, not yet complete
    const raw = (hs.socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    const reason = Buffer.from('invalid key');
    raw.write(Buffer.concat([Buffer.from([0x88, 2 + reason.length, 0x0b, 0xb8]), reason]));
    for (let i = 0; i < 1000 && transport.raw!.readyState !== transport.raw!.CLOSING; i++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(transport.raw!.readyState).toBe(transport.raw!.CLOSING);
    // the app closes in that window (say, on the server's `error` event that came just before)
    const closing = transport.close();
    raw.destroy();
    await closing;
    expect(t.closes).toEqual([[3000, 'invalid key']]);
    expect(transport.closeError).toMatchObject({
      code: 'AUTH_FAILED',
      fatal: true,
      closeCode: 3000,
      closeReason: 'invalid key',
    });
    expect(t.errors).toEqual([transport.closeError]);
  });

  it('a peer that never answers our close frame is cut after closeTimeoutMs', async () => {
    const server = await wsServer();
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({
      url: server.url,
      clock,
      closeTimeoutMs: 300,
      keepAlive: false,
    });
    const t = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    // make the server deaf: its socket stops reading, so our close frame is never answered
    (hs.socket as unknown as { _socket: Socket })._socket.pause();
    const closing = transport.close();
    clock.advance(300);
    await closing;
    expect(t.closes).toHaveLength(1);
    expect(t.errors).toEqual([]);
  });
});

describe('createWebSocketTransport: TLS certificate failures are fatal', () => {
  async function selfSignedServer(): Promise<number> {
    // an HTTPS server, no WebSocket server: whoever gets past TLS is refused with 404
    const server = createHttpsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, (_, res) =>
      res.writeHead(404).end(),
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return (server.address() as AddressInfo).port;
  }

  it('a self-signed certificate fails the connect with a fatal TLS_CERTIFICATE_INVALID that says what to do', async () => {
    const port = await selfSignedServer();
    const transport = createWebSocketTransport({
      url: `wss://127.0.0.1:${port}/v1/realtime`,
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const t = track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({
      code: 'TLS_CERTIFICATE_INVALID',
      fatal: true,
      retriable: false,
    });
    expect((error.cause as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('self-signed');
    expect(error.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(error.message).not.toContain(SECRET);
    await t.closed;
    expect(t.closes).toHaveLength(1);
    expect(transport.closeError).toBe(error);
  });

  it('the same server with its certificate trusted (an agent with the CA) connects past TLS', async () => {
    const port = await selfSignedServer();
    const transport = createWebSocketTransport({
      url: `wss://localhost:${port}/v1/realtime`,
      agent: new HttpsAgent({ ca: SELF_SIGNED_CERT }),
    });
    track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
    // refused at the HTTP upgrade (404): TLS itself passed
    expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 404 });
  });

  /** A `ws` stand-in whose connect fails with a socket error of the given code. */
  function failingWith(code: string, message = `${code}: some detail`): typeof WebSocket {
    return class extends EventEmitter {
      readyState = 0;
      bufferedAmount = 0;
      protocol = '';
      constructor() {
        super();
        queueMicrotask(() => {
          this.emit('error', Object.assign(new Error(message), { code }));
          this.readyState = 3;
          this.emit('close', 1006, Buffer.alloc(0));
        });
      }
      terminate(): void {}
    } as unknown as typeof WebSocket;
  }

  it.each([
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_REVOKED',
    'HOSTNAME_MISMATCH',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('%s is a fatal TLS_CERTIFICATE_INVALID', async (code) => {
    const transport = createWebSocketTransport({
      url: 'wss://api.openai.test/v1/realtime',
      WebSocket: failingWith(code),
    });
    track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
    expect(error).toMatchObject({ code: 'TLS_CERTIFICATE_INVALID', fatal: true });
    expect((error.cause as { code?: string }).code).toBe(code);
    expect(error.message).toContain('api.openai.test');
  });

  it('wss: to a plain ws:/http: port fails at once with a fatal NOT_TLS that says to use ws://', async () => {
    // a local fake server speaks plain HTTP: it answers the TLS ClientHello with an HTTP 400
    const server = createHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;
    const transport = createWebSocketTransport({
      url: `wss://127.0.0.1:${port}/v1/realtime`,
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const t = track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'NOT_TLS', fatal: true, retriable: false });
    expect(error.message).toContain(`the server at 127.0.0.1:${port} does not speak TLS`);
    expect(error.message).toContain(`Use ws://127.0.0.1:${port}`);
    expect(error.message).not.toContain(SECRET);
    await t.closed;
    expect(transport.closeError).toBe(error);
  });

  it.each([
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_WRONG_VERSION_NUMBER: some detail'],
    ['EPROTO', 'write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'],
  ])('%s (wrong version number) is a fatal NOT_TLS naming the host', async (code, message) => {
    const transport = createWebSocketTransport({
      url: 'wss://api.openai.test:8080/v1/realtime',
      WebSocket: failingWith(code, message),
    });
    track(transport);
    const error = (await transport.start().catch((e: unknown) => e)) as TransportError;
    expect(error).toMatchObject({ code: 'NOT_TLS', fatal: true });
    expect(error.message).toContain('api.openai.test:8080 does not speak TLS');
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPROTO', 'OUT_OF_MEM'])(
    '%s stays a retriable CONNECT_FAILED',
    async (code) => {
      const transport = createWebSocketTransport({
        url: 'wss://api.openai.test/v1/realtime',
        WebSocket: failingWith(code),
      });
      track(transport);
      const error = await transport.start().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONNECT_FAILED', fatal: false, retriable: true });
    },
  );
});
