/**
 * The bridge's HTTP + WebSocket server: Twilio's voice webhook (`/twiml`) is answered with TwiML
 * that connects the call's audio to `/media-stream`, where each WebSocket is one call
 * ({@link bridgeCall}).
 * @module
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RealtimeModel, SessionOverrides } from '@voxwire/core';
import { WebSocketServer } from 'ws';
import { bridgeCall } from './bridge.js';
import type { BridgeCall, BridgeOptions } from './bridge.js';
import { consoleLog } from './log.js';
import type { BridgeLog } from './log.js';

/** Path of Twilio's voice webhook. */
export const TWIML_PATH = '/twiml';
/** Path of the Media Streams WebSocket. */
export const MEDIA_STREAM_PATH = '/media-stream';

/** Options of {@link startPhoneBridgeServer}. */
export interface PhoneBridgeServerOptions {
  /** The model every call's session is made from (one model, a session per call). */
  readonly model: RealtimeModel;
  /** Per-call session options (a fresh `connector` per call, say). @default () => ({}) */
  readonly sessionOverrides?: (() => SessionOverrides) | undefined;
  /** Address to bind. @default '127.0.0.1' (a tunnel such as ngrok forwards to it) */
  readonly host?: string | undefined;
  /** TCP port; 0 asks the OS for a free one. @default 0 */
  readonly port?: number | undefined;
  /**
   * The public https URL Twilio reaches this server at (`https://abc.ngrok.app`): the TwiML
   * points Twilio at its `wss://…/media-stream`. Without it, the webhook request's `Host` and
   * `X-Forwarded-Proto` (set by tunnels) are used.
   * @default undefined
   */
  readonly publicUrl?: string | undefined;
  /** Where calls log. @default consoleLog */
  readonly log?: BridgeLog | undefined;
  /** Passed to each call. @default DEFAULT_MAX_MESSAGES_BEFORE_START */
  readonly maxMessagesBeforeStart?: number | undefined;
  /** Passed to each call: a key the caller pressed. @default undefined (logged only) */
  readonly onDtmf?: BridgeOptions['onDtmf'];
}

/** A running bridge server. */
export interface PhoneBridgeServer {
  /** `http://HOST:PORT` (as bound; the public URL is the tunnel's). */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The underlying HTTP server. */
  readonly http: Server;
  /** Calls in progress. */
  readonly calls: ReadonlySet<BridgeCall>;
  /** Ends every call, then stops listening. */
  close(): Promise<void>;
}

/** Escapes text for an XML attribute. */
function xmlAttr(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/** The TwiML that connects a call's audio, both ways, to `streamUrl` (`<Connect><Stream>`). */
export function connectStreamTwiml(streamUrl: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Connect><Stream url="${xmlAttr(streamUrl)}"/></Connect></Response>`
  );
}

/** The `wss://` URL of the media stream, from `publicUrl` or the webhook request. */
export function streamUrlFor(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) {
    const url = new URL(MEDIA_STREAM_PATH, publicUrl);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    return url.href;
  }
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
  // Twilio only connects to wss://; plain ws:// is for a local test without a tunnel
  const scheme = forwarded === 'https' ? 'wss' : forwarded === 'http' ? 'ws' : 'wss';
  return `${scheme}://${req.headers.host ?? 'localhost'}${MEDIA_STREAM_PATH}`;
}

/** Starts the server; resolves once it listens. */
export async function startPhoneBridgeServer(
  options: PhoneBridgeServerOptions,
): Promise<PhoneBridgeServer> {
  const log = options.log ?? consoleLog;
  const host = options.host ?? '127.0.0.1';
  const calls = new Set<BridgeCall>();
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === TWIML_PATH && (req.method === 'POST' || req.method === 'GET')) {
      req.resume(); // the webhook's form body (CallSid, From …) is not needed
      res
        .writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
        .end(connectStreamTwiml(streamUrlFor(req, options.publicUrl)));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  });
  // Twilio's messages are small (20 ms of audio in base64): 64 KiB is plenty
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 16 });
  http.on('upgrade', (req, socket, head) => {
    // Node takes its own error listener off an upgraded socket
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== MEDIA_STREAM_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      let call: BridgeCall;
      try {
        call = bridgeCall(ws, options.model, {
          sessionOverrides: options.sessionOverrides?.(),
          log,
          maxMessagesBeforeStart: options.maxMessagesBeforeStart,
          onDtmf: options.onDtmf,
        });
      } catch (error) {
        log('error', 'the session could not start', {
          error: error instanceof Error ? error.message : String(error),
        });
        ws.close(1011, 'session could not start');
        return;
      }
      calls.add(call);
      void call.ended.then(() => calls.delete(call));
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    http,
    calls,
    async close() {
      await Promise.allSettled([...calls].map((call) => call.close()));
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
