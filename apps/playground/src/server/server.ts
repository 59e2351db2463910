/**
 * The playground's HTTP + WebSocket server. Listens on 127.0.0.1 only. Serves the page, `/api/info`
 * and the page's WebSocket `/ws`; each WebSocket gets its own realtime session. Because any web
 * site the person visits could try to open `ws://127.0.0.1:<port>/ws` (WebSockets are not bound by
 * the same-origin policy) and spend their API key, upgrades are accepted only from this server's
 * own origin, and requests only with a loopback `Host` (against DNS rebinding).
 * @module
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { ProviderConfig } from './config.js';
import { secretsOf } from './config.js';
import { createDemoTools } from './demo-tools.js';
import type { DemoTool } from './demo-tools.js';
import { PageSession } from './page-session.js';
import { createProviderRuntime } from './provider.js';
import type { ProviderFactories } from './provider.js';
import type { ApiInfo, ServerMessage } from '../shared/page-messages.js';
import { initialSettings } from './session-settings.js';
import { createStaticHandler } from './static-files.js';

/** The only address the playground binds. */
export const LOOPBACK_HOST = '127.0.0.1';

/** Options of {@link startPlaygroundServer}. */
export interface PlaygroundServerOptions {
  /** Which backend the sessions talk to. */
  provider: ProviderConfig;
  /** Provider factories (connectors). */
  factories: ProviderFactories;
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** Directories the page's files are served from. @default [<app>/public, <app>/dist/public] */
  staticDirs?: readonly string[];
  /** Tools offered to the model. @default createDemoTools() */
  tools?: readonly DemoTool[];
}

/** A running playground server. */
export interface PlaygroundServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The underlying HTTP server (for tests). */
  readonly http: Server;
  /** Closes every page session and the server. */
  close(): Promise<void>;
}

/** `<app>/`, from either `src/server/*.ts` or `dist/server/*.mjs` (both two levels down). */
function appRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

const decoder = new TextDecoder();

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** Starts the server; resolves once it listens. Provider configuration errors reject. */
export async function startPlaygroundServer(
  options: PlaygroundServerOptions,
): Promise<PlaygroundServer> {
  const provider = createProviderRuntime(options.provider, options.factories);
  const secrets = secretsOf(options.provider);
  const tools = options.tools ?? createDemoTools();
  const root = appRoot();
  const staticDirs = options.staticDirs ?? [`${root}public`, `${root}dist/public`];
  let port = 0;
  // browsers leave the default port out of Host and Origin
  const allowedHosts = () =>
    new Set(
      port === 80
        ? [LOOPBACK_HOST, 'localhost', `${LOOPBACK_HOST}:80`, 'localhost:80']
        : [`${LOOPBACK_HOST}:${port}`, `localhost:${port}`],
    );
  const hostAllowed = (req: IncomingMessage) => allowedHosts().has(req.headers.host ?? '');

  const serveStatic = createStaticHandler({
    dirs: staticDirs,
    json: {
      '/api/info': (): ApiInfo => ({
        provider: provider.info,
        settings: initialSettings(provider.transcription),
        transcriptionAvailable: provider.transcription,
      }),
    },
  });
  const http = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res
        .writeHead(421, { 'content-type': 'text/plain; charset=utf-8' })
        .end('wrong host: open the URL the playground printed');
      return;
    }
    serveStatic(req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const sessions = new Set<PageSession>();

  http.on('upgrade', (req, socket, head) => {
    // Node takes its own error listener off an upgraded socket: a client that resets it while
    // being refused would otherwise end the server with an unhandled 'error'
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const origin = req.headers.origin;
    const originOk =
      origin === undefined || [...allowedHosts()].some((h) => origin === `http://${h}`);
    if (path !== '/ws' || !hostAllowed(req) || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    let session: PageSession;
    try {
      session = new PageSession({
        socket: {
          send: (text) => ws.readyState === ws.OPEN && ws.send(text),
          close: (code, reason) => ws.close(code, reason),
          get bufferedAmount() {
            return ws.bufferedAmount;
          },
        },
        provider,
        secrets,
        tools,
      });
    } catch (error) {
      for (const frame of startFailedFrames(error, secrets)) ws.send(frame);
      ws.close(1011, 'session could not start');
      return;
    }
    sessions.add(session);
    ws.on('message', (data, isBinary) =>
      session.receive(isBinary ? toBytes(data) : decoder.decode(toBytes(data)), isBinary),
    );
    ws.on('close', () => {
      sessions.delete(session);
      void session.dispose();
    });
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => {
      wss.close();
      reject(listenError(error, options.port ?? 0));
    };
    http.once('error', refused);
    http.listen(options.port ?? 0, LOOPBACK_HOST, () => {
      http.off('error', refused);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;

  return {
    url: port === 80 ? `http://${LOOPBACK_HOST}/` : `http://${LOOPBACK_HOST}:${port}/`,
    port,
    http,
    async close() {
      await Promise.allSettled([...sessions].map((s) => s.dispose()));
      await Promise.all([...wss.clients].map((client) => goAway(client)));
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** How long a page has to answer the server's close frame before its socket is cut. */
const GOING_AWAY_GRACE_MS = 1_000;

/**
 * Closes a page's socket with 1001 (going away), so the page can tell the playground stopping
 * from a crash or a lost network (1006, which a cut socket gives); cut after a grace if the page
 * does not answer, so that stopping never hangs on a page that went quiet.
 */
function goAway(client: WebSocket): Promise<void> {
  if (client.readyState === client.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cut = setTimeout(() => {
      client.terminate();
      resolve();
    }, GOING_AWAY_GRACE_MS);
    client.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    client.close(1001, 'the playground is stopping');
  });
}

/**
 * What a page is told when its realtime session cannot even be created: one error that says what
 * to do, then the session's end (`link` `closed`), which has the page tear down and close its side
 * first, so the socket's 1011 close that follows is not shown again as a lost connection. Scrubbed
 * of `secrets`, like every other frame to the page.
 */
function startFailedFrames(error: unknown, secrets: readonly string[]): string[] {
  const cause = error instanceof Error ? error.message : String(error);
  const frames: ServerMessage[] = [
    {
      type: 'error',
      source: 'engine',
      code: 'SESSION_START_FAILED',
      message: `the realtime session could not start (${cause}). Press Connect to try again; if it fails again, restart the playground.`,
    },
    { type: 'link', state: 'closed', detail: 'the session could not start' },
  ];
  return frames.map((frame) => {
    let text = JSON.stringify(frame);
    for (const s of secrets) text = text.replaceAll(s, '[redacted]');
    return text;
  });
}

/**
 * What `listen` refused, in the words a newcomer needs: Node's `listen EADDRINUSE: address
 * already in use 127.0.0.1:8080` says what happened, not what to do (a playground left running
 * in another terminal is the usual cause).
 */
function listenError(error: NodeJS.ErrnoException, port: number): Error {
  const where = `port ${port} on ${LOOPBACK_HOST}`;
  if (error.code === 'EADDRINUSE')
    return new Error(
      `${where} is in use (another playground still running?): pass another --port, or leave --port out for a free one`,
      { cause: error },
    );
  if (error.code === 'EACCES')
    return new Error(
      `${where} needs privileges this process does not have (ports below 1024 usually do): pass --port 1024 or above, or leave --port out for a free one`,
      { cause: error },
    );
  return error;
}
