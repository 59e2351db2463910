/**
 * Raw loopback servers for testing a WebSocket *transport* (yours or `@voxwire/node`'s) rather
 * than a session: a plain `ws` server that records every handshake and hands the test the
 * server-side socket, an HTTP server that refuses every upgrade with a chosen status, a TCP
 * server that accepts and never answers (a hung handshake), and a port nothing listens on.
 * Unlike {@link startFakeWsServer} they speak no Realtime protocol: the test drives the socket.
 * All listen on 127.0.0.1 with an OS-chosen port, and every wait is on an event, never a timer.
 * @module
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeServerOptionsError } from '../errors.js';

const HOST = '127.0.0.1';

/** One upgrade the {@link LoopbackWsServer} accepted. */
export interface LoopbackHandshake {
  /** The server side of the connection, for the test to send, close or terminate. */
  readonly socket: WebSocket;
  /** The upgrade request as Node received it. */
  readonly request: IncomingMessage;
  /** The request URL, resolved against the server's origin (path and query as sent). */
  readonly url: URL;
  /** Request headers (lower-cased names). */
  readonly headers: IncomingMessage['headers'];
  /** Subprotocols the client offered, in order. */
  readonly protocols: readonly string[];
}

/** Options of {@link startLoopbackWsServer}. */
export interface LoopbackWsServerOptions {
  /**
   * Whether `ws` answers client pings by itself; off to test a client's keep-alive timeout.
   * @default true
   */
  readonly autoPong?: boolean | undefined;
  /**
   * The path appended to the server's origin in {@link LoopbackWsServer.url}. Any path is
   * accepted on the wire; this only shapes the convenience URL.
   * @default '/v1/realtime'
   */
  readonly path?: string | undefined;
  /**
   * The subprotocol chosen when the client offers it; other offers get no subprotocol.
   * @default 'realtime'
   */
  readonly subprotocol?: string | undefined;
}

/** A running {@link startLoopbackWsServer}. */
export interface LoopbackWsServer {
  /** `ws://127.0.0.1:PORT` followed by the `path` option. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Every accepted handshake so far, in order. */
  readonly handshakes: readonly LoopbackHandshake[];
  /** Resolves with the next handshake not yet taken (an already recorded one first). */
  nextHandshake(): Promise<LoopbackHandshake>;
  /** Terminates every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a plain `ws` server on 127.0.0.1 that records each handshake. */
export async function startLoopbackWsServer(
  options: LoopbackWsServerOptions = {},
): Promise<LoopbackWsServer> {
  const subprotocol = options.subprotocol ?? 'realtime';
  const wss = new WebSocketServer({
    host: HOST,
    port: 0,
    autoPong: options.autoPong ?? true,
    handleProtocols: (protocols) => (protocols.has(subprotocol) ? subprotocol : false),
  });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  const handshakes: LoopbackHandshake[] = [];
  const waiting: ((h: LoopbackHandshake) => void)[] = [];
  let taken = 0;
  wss.on('connection', (socket, request) => {
    // A test that kills the client mid-frame must not crash the process with an unhandled error.
    socket.on('error', () => {});
    const header = request.headers['sec-websocket-protocol'];
    const handshake: LoopbackHandshake = {
      socket,
      request,
      url: new URL(request.url ?? '/', `ws://${HOST}:${port}`),
      headers: request.headers,
      protocols: header ? header.split(',').map((p) => p.trim()) : [],
    };
    handshakes.push(handshake);
    const waiter = waiting.shift();
    if (waiter) {
      taken++;
      waiter(handshake);
    }
  });
  return {
    url: `ws://${HOST}:${port}${options.path ?? '/v1/realtime'}`,
    port,
    handshakes,
    nextHandshake() {
      if (taken < handshakes.length)
        return Promise.resolve(handshakes[taken++] as LoopbackHandshake);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Options of {@link startRefusingServer}. */
export interface RefusingServerOptions {
  /** The HTTP status every upgrade gets (401, 403, 429, 503, …). */
  readonly status: number;
  /**
   * The response body.
   * @default ''
   */
  readonly body?: string | undefined;
  /**
   * Extra response headers (e.g. `retry-after`).
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A running {@link startRefusingServer}. */
export interface RefusingServer {
  /** `ws://127.0.0.1:PORT/v1/realtime`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Every refused upgrade request, in order. */
  readonly requests: readonly IncomingMessage[];
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server that answers every WebSocket upgrade with an HTTP error, as a gateway,
 * a rate limiter or an auth proxy does before any 101.
 * @throws FakeServerOptionsError when `status` is not an HTTP status (100–599).
 */
export async function startRefusingServer(options: RefusingServerOptions): Promise<RefusingServer> {
  const { status, body = '', headers = {} } = options;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new FakeServerOptionsError(`status must be an HTTP status 100–599, got ${status}`);
  }
  const server = createHttpServer();
  const requests: IncomingMessage[] = [];
  server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    requests.push(request);
    const lines = [
      `HTTP/1.1 ${status} Refused`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://${HOST}:${port}/v1/realtime`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A running {@link startSilentServer}. */
export interface SilentServer {
  /** `ws://127.0.0.1:PORT/v1/realtime`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Resolves once a client has connected (at once when one already has). */
  connected(): Promise<void>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a TCP server that accepts connections and never says a word: a hung handshake. */
export async function startSilentServer(): Promise<SilentServer> {
  const server = createTcpServer();
  const sockets: Socket[] = [];
  const waiting: (() => void)[] = [];
  server.on('connection', (socket) => {
    socket.on('error', () => {});
    sockets.push(socket);
    waiting.splice(0).forEach((w) => w());
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://${HOST}:${port}/v1/realtime`,
    port,
    connected: () =>
      sockets.length > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push(resolve)),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A 127.0.0.1 port nothing listens on (bound, then released), for "connection refused" tests.
 * Another process could take it in between; on a test machine that is vanishingly rare.
 */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
