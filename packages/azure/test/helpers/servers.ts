/**
 * Loopback servers for transport tests: a `ws` server that records each handshake, a raw HTTP
 * server that refuses upgrades with a chosen status, and a TCP server that never answers.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Handshake {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly protocols: string[];
}

export interface LoopbackWsServer {
  readonly url: string;
  readonly port: number;
  readonly handshakes: Handshake[];
  /** Resolves with the next (or an already recorded, not yet taken) handshake. */
  nextHandshake(): Promise<Handshake>;
  close(): Promise<void>;
}

export async function startWsServer(options: { autoPong?: boolean; path?: string } = {}): Promise<LoopbackWsServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    autoPong: options.autoPong ?? true,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  const handshakes: Handshake[] = [];
  const waiting: ((h: Handshake) => void)[] = [];
  let taken = 0;
  wss.on('connection', (socket, request) => {
    socket.on('error', () => {});
    const protocolHeader = request.headers['sec-websocket-protocol'];
    const handshake: Handshake = {
      socket,
      request,
      url: new URL(request.url ?? '/', `ws://127.0.0.1:${port}`),
      headers: request.headers,
      protocols: protocolHeader ? protocolHeader.split(',').map((p) => p.trim()) : [],
    };
    handshakes.push(handshake);
    const waiter = waiting.shift();
    if (waiter) {
      taken++;
      waiter(handshake);
    }
  });
  return {
    url: `ws://127.0.0.1:${port}${options.path ?? '/v1/realtime'}`,
    port,
    handshakes,
    nextHandshake() {
      if (taken < handshakes.length) return Promise.resolve(handshakes[taken++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** An HTTP server that answers every upgrade with `status`, `headers` and `body`. */
export async function startRefusingServer(status: number, body: string, headers: Record<string, string> = {}) {
  const server = createHttpServer();
  const requests: IncomingMessage[] = [];
  server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    requests.push(request);
    const lines = [`HTTP/1.1 ${status} Refused`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server that accepts connections and never says a word (a hung handshake). */
export async function startSilentServer() {
  const server = createTcpServer();
  const sockets: Socket[] = [];
  const waiting: (() => void)[] = [];
  server.on('connection', (socket) => {
    socket.on('error', () => {});
    sockets.push(socket);
    waiting.splice(0).forEach((w) => w());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    connected: () => (sockets.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bind one, then release it. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A promise with its resolver, for waiting on callbacks without sleeping. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
