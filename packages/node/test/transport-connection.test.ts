/**
 * createWebSocketTransport over a connection that works: what the handshake carries (headers,
 * subprotocols, permessage-deflate, a caller's agent), text and binary frames both ways, frames
 * buffered before onmessage is set, a throwing handler, what an open connection lets go of, and
 * the calls and options it refuses.
 */
import { getEventListeners, once } from 'node:events';
import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createWebSocketTransport } from '../src/index.js';
import { deferred, SimulatedClock } from '@voxwire/testing';
import { SECRET, transportTestKit } from './transport-helpers.js';

const { cleanups, wsServer, track } = transportTestKit();

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

  it('names the socket, not its own state, when send() meets a socket that is already closing', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url });
    track(transport);
    await transport.start();
    // the socket starts its closing handshake (as it does when the server's close frame arrives)
    // while the transport has not seen 'close' yet, so its own state still reads 'open'
    transport.raw!.close(1000);
    let error: unknown;
    try {
      transport.send('x');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'NOT_CONNECTED' });
    expect((error as Error).message).toBe(
      'Cannot send: the WebSocket is closing (its closing handshake has started).',
    );
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
