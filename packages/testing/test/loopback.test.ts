/** The raw loopback servers of @voxwire/testing/ws, driven by a plain `ws` client (events only, no sleeps). */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeServerOptionsError } from '../src/index.js';
import {
  closedPort,
  startLoopbackWsServer,
  startRefusingServer,
  startSilentServer,
} from '../src/ws/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(url: string, protocols: string[] = [], headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, protocols, { headers });
  ws.on('error', () => {});
  cleanups.push(async () => {
    if (ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.terminate();
      await closed;
    }
  });
  return ws;
}

describe('startLoopbackWsServer', () => {
  it('records each handshake (url, headers, offered subprotocols) and hands over the server socket', async () => {
    const server = await startLoopbackWsServer();
    cleanups.push(() => server.close());
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}/v1/realtime`);
    const ws = client(`${server.url}?model=m`, ['realtime', 'openai-insecure-api-key.k'], {
      authorization: 'Bearer t',
    });
    const hs = await server.nextHandshake();
    await once(ws, 'open');
    expect(hs.url.pathname).toBe('/v1/realtime');
    expect(hs.url.searchParams.get('model')).toBe('m');
    expect(hs.headers['authorization']).toBe('Bearer t');
    expect(hs.protocols).toEqual(['realtime', 'openai-insecure-api-key.k']);
    expect(ws.protocol).toBe('realtime');
    const got = once(ws, 'message');
    hs.socket.send('hello');
    expect(String((await got)[0])).toBe('hello');
    expect(server.handshakes).toEqual([hs]);
  });

  it('nextHandshake returns an already recorded handshake first, then waits for the next one', async () => {
    const server = await startLoopbackWsServer({ path: '', subprotocol: 'custom' });
    cleanups.push(() => server.close());
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
    const first = client(server.url);
    await once(first, 'open');
    const waiting = server.nextHandshake();
    expect((await waiting).protocols).toEqual([]);
    const second = server.nextHandshake();
    const ws = client(server.url, ['realtime', 'custom']);
    expect((await second).protocols).toEqual(['realtime', 'custom']);
    await once(ws, 'open');
    expect(ws.protocol).toBe('custom');
    expect(server.handshakes).toHaveLength(2);
  });

  it('close terminates open connections', async () => {
    const server = await startLoopbackWsServer();
    const ws = client(server.url);
    await once(ws, 'open');
    const closed = once(ws, 'close');
    await server.close();
    expect((await closed)[0]).toBe(1006);
  });
});

describe('startRefusingServer', () => {
  it('answers every upgrade with the status, headers and body, and records the requests', async () => {
    const server = await startRefusingServer({
      status: 429,
      body: 'slow down',
      headers: { 'retry-after': '7' },
    });
    cleanups.push(() => server.close());
    const ws = client(server.url);
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    response.setEncoding('utf8');
    let body = '';
    response.on('data', (chunk: string) => (body += chunk));
    await once(response, 'end');
    expect(body).toBe('slow down');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.url).toBe('/v1/realtime');
  });

  it('rejects a status that is not an HTTP status', async () => {
    await expect(startRefusingServer({ status: 42 })).rejects.toBeInstanceOf(
      FakeServerOptionsError,
    );
    await expect(startRefusingServer({ status: 600.5 })).rejects.toThrow(/100–599/);
  });
});

describe('startSilentServer and closedPort', () => {
  it('a silent server accepts the TCP connection and never completes the handshake', async () => {
    const server = await startSilentServer();
    cleanups.push(() => server.close());
    const ws = client(server.url);
    await server.connected();
    await server.connected(); // resolves at once once a client is in
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
  });

  it('nothing listens on a closed port', async () => {
    const port = await closedPort();
    const ws = client(`ws://127.0.0.1:${port}/`);
    const [error] = (await once(ws, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});
