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
import type { Clock } from '@voxwire/protocol';
import { WebSocketServer } from 'ws';
import { bridgeCall, resolveFrameMs, resolveMaxMarks, resolveStartTimeoutMs } from './bridge.js';
import type { BridgeCall, BridgeOptions } from './bridge.js';
import { checkPublicUrl } from './config.js';
import { resolveHeartbeatMs } from './heartbeat.js';
import { readBoundedBody } from './http-body.js';
import { consoleLog } from './log.js';
import type { BridgeLog } from './log.js';
import { OPENAI_WEBHOOK_PATH, createSipHandler } from './sip.js';
import type { SipCall, SipHandler, SipOptions } from './sip.js';
import { TWILIO_SIGNATURE_HEADER, isValidTwilioSignature } from './twilio-signature.js';

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
   * The public https origin Twilio reaches this server at (`https://abc.ngrok.app`, no path: a
   * `ConfigError` otherwise): the TwiML
   * points Twilio at its `wss://…/media-stream`. Without it, the webhook request's `Host` and
   * `X-Forwarded-Proto` (set by tunnels) are used.
   * @default undefined
   */
  readonly publicUrl?: string | undefined;
  /**
   * The Twilio account's auth token. When given, the webhook and the media-stream handshake must
   * carry Twilio's `X-Twilio-Signature` for it (403 otherwise), so only Twilio can open calls on
   * the provider key. Without it anyone who learns the public URL can.
   * @default undefined (requests are not checked)
   */
  readonly twilioAuthToken?: string | undefined;
  /** Where calls log. @default consoleLog */
  readonly log?: BridgeLog | undefined;
  /** Passed to each call. @default DEFAULT_MAX_MESSAGES_BEFORE_START */
  readonly maxMessagesBeforeStart?: number | undefined;
  /** Passed to each call: ms Twilio has to send `start`. @default DEFAULT_START_TIMEOUT_MS (10000) */
  readonly startTimeoutMs?: number | undefined;
  /** Passed to each call: marks that may wait for Twilio's echo. @default DEFAULT_MAX_MARKS_OUTSTANDING (3000) */
  readonly maxMarksOutstanding?: number | undefined;
  /** Passed to each call: ms of audio per `media` message to Twilio. @default DEFAULT_FRAME_MS (20) */
  readonly frameMs?: number | undefined;
  /** Passed to each call: ms between pings of Twilio's socket, or `false`. @default DEFAULT_HEARTBEAT_MS (15000) */
  readonly heartbeatMs?: number | false | undefined;
  /** Passed to each call: the clock of its heartbeat and its timers. @default systemClock */
  readonly clock?: Clock | undefined;
  /** Passed to each call: a key the caller pressed. @default undefined (logged only) */
  readonly onDtmf?: BridgeOptions['onDtmf'];
  /** Passed to each call: Twilio's `start` arrived (per-call instructions). @default undefined */
  readonly onStart?: BridgeOptions['onStart'];
  /**
   * SIP mode: answers OpenAI's `realtime.call.incoming` webhook at `POST /openai/webhook`
   * (`OPENAI_WEBHOOK_PATH`) and drives each call over a side-band session of `model`. A function
   * is called with the server's own URL once it listens (a local fake SIP trunk needs it for its
   * webhook); webhooks that arrive before it resolves are answered 503, and so OpenAI retries them.
   * @default undefined (SIP mode off: the path is 404)
   */
  readonly sip?: SipOptions | ((bridgeUrl: string) => Promise<SipOptions>) | undefined;
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
  /** SIP calls in progress (SIP mode; always empty without it). */
  readonly sipCalls: ReadonlySet<SipCall>;
  /** Ends every call (SIP calls are hung up), then stops listening. */
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

/**
 * The webhook's fields handed on to the call as `<Stream>` `<Parameter>`s: they come back in
 * Twilio's `start` (`call.customParameters` in `onStart`), where the caller's number is otherwise
 * unknown (`start` carries the call's id only).
 */
export const FORWARDED_WEBHOOK_FIELDS = ['From', 'To'] as const;

/** The longest webhook value handed on (a phone number, a SIP URI, a client name fit easily). */
export const MAX_FORWARDED_VALUE_LENGTH = 256;

// characters XML 1.0 cannot hold at all, escaped or not (C0 controls but tab, LF and CR; lone
// surrogates): one in the TwiML would make Twilio refuse the whole answer, and the call fail
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/**
 * The TwiML that connects a call's audio, both ways, to `streamUrl` (`<Connect><Stream>`), with
 * `parameters` as `<Parameter>`s.
 */
export function connectStreamTwiml(
  streamUrl: string,
  parameters: Readonly<Record<string, string>> = {},
): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
    .join('');
  const stream =
    params === ''
      ? `<Stream url="${xmlAttr(streamUrl)}"/>`
      : `<Stream url="${xmlAttr(streamUrl)}">${params}</Stream>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Connect>${stream}</Connect></Response>`;
}

/** The {@link FORWARDED_WEBHOOK_FIELDS} the webhook carried (its form, or a GET's query). */
function forwardedFields(
  req: IncomingMessage,
  form: URLSearchParams | undefined,
): Record<string, string> {
  const source = form ?? new URL(req.url ?? '/', 'http://localhost').searchParams;
  const out: Record<string, string> = {};
  for (const name of FORWARDED_WEBHOOK_FIELDS) {
    const value = source.get(name);
    // a value TwiML cannot carry is left out rather than breaking the call's answer
    if (value === null || value === '' || value.length > MAX_FORWARDED_VALUE_LENGTH) continue;
    if (!NOT_XML.test(value)) out[name] = value;
  }
  return out;
}

/** The scheme a tunnel or proxy says the request came in on (`X-Forwarded-Proto`), if any. */
function forwardedProto(req: IncomingMessage): string | undefined {
  return String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
}

/** The `wss://` URL of the media stream, from `publicUrl` or the webhook request. */
export function streamUrlFor(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) {
    const url = new URL(MEDIA_STREAM_PATH, publicUrl);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    return url.href;
  }
  // Twilio only connects to wss://; plain ws:// is for a local test without a tunnel
  const scheme = forwardedProto(req) === 'http' ? 'ws' : 'wss';
  return `${scheme}://${req.headers.host ?? 'localhost'}${MEDIA_STREAM_PATH}`;
}

/** The largest webhook body read (Twilio's form has a few dozen short fields). */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

/**
 * The URLs Twilio may have requested to reach `req` (what it signed): `publicUrl`'s origin, or
 * the tunnel's `Host` with `X-Forwarded-Proto` (both schemes when no proxy said which), with the
 * request's path and query. `secure`/`plain` are the schemes to use (`https`/`http` for the
 * webhook; a handshake is tried as `wss`/`https` and `ws`/`http`).
 */
function requestedUrls(
  req: IncomingMessage,
  publicUrl: string | undefined,
  secure: readonly string[],
  plain: readonly string[],
): string[] {
  const path = req.url ?? '/';
  if (publicUrl !== undefined) {
    const origin = new URL(publicUrl);
    const schemes = origin.protocol === 'http:' ? plain : secure;
    return schemes.map((scheme) => `${scheme}://${origin.host}${path}`);
  }
  const forwarded = forwardedProto(req);
  const schemes =
    forwarded === 'https' ? secure : forwarded === 'http' ? plain : [...secure, ...plain];
  return schemes.map((scheme) => `${scheme}://${req.headers.host ?? 'localhost'}${path}`);
}

/** Reads a form body up to {@link MAX_WEBHOOK_BODY_BYTES}; `undefined` when it is larger. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBoundedBody(req, MAX_WEBHOOK_BODY_BYTES);
  if (body === undefined) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  // only a form's fields are signed; a body of another type signs none
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams(body.toString('utf8'));
}

/** Starts the server; resolves once it listens. */
export async function startPhoneBridgeServer(
  options: PhoneBridgeServerOptions,
): Promise<PhoneBridgeServer> {
  const log = options.log ?? consoleLog;
  // a bad option fails here, at start, rather than at every call
  const frameMs = resolveFrameMs(options.frameMs);
  const maxMarksOutstanding = resolveMaxMarks(options.maxMarksOutstanding);
  const heartbeatMs = resolveHeartbeatMs(options.heartbeatMs);
  const startTimeoutMs = resolveStartTimeoutMs(options.startTimeoutMs);
  if (options.publicUrl !== undefined) checkPublicUrl(options.publicUrl);
  const host = options.host ?? '127.0.0.1';
  const calls = new Set<BridgeCall>();
  const token = options.twilioAuthToken;
  const answerWebhook = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = req.method === 'POST' ? await readForm(req).catch(() => undefined) : undefined;
    if (req.method === 'POST' && form === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('webhook body too large');
      return;
    }
    if (token !== undefined) {
      const urls = requestedUrls(req, options.publicUrl, ['https'], ['http']);
      const signature = req.headers[TWILIO_SIGNATURE_HEADER];
      if (!isValidTwilioSignature(token, String(signature ?? ''), urls, form)) {
        log('warn', 'webhook refused: not signed by Twilio', { signed: signature !== undefined });
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('forbidden');
        return;
      }
    }
    res
      .writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
      .end(connectStreamTwiml(streamUrlFor(req, options.publicUrl), forwardedFields(req, form)));
  };
  // set once the SIP options are known (at once, or when their factory resolves)
  let sip: SipHandler | undefined;
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === TWIML_PATH && (req.method === 'POST' || req.method === 'GET')) {
      void answerWebhook(req, res);
      return;
    }
    if (path === OPENAI_WEBHOOK_PATH && req.method === 'POST' && options.sip !== undefined) {
      if (sip === undefined)
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('starting');
      else void sip.handle(req, res);
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
    if (token !== undefined) {
      // Twilio signs the handshake of the URL in the TwiML (wss://); an https:// form of the same
      // URL is accepted too, since the docs do not say which scheme the signature covers
      const urls = requestedUrls(req, options.publicUrl, ['wss', 'https'], ['ws', 'http']);
      const signature = req.headers[TWILIO_SIGNATURE_HEADER];
      if (!isValidTwilioSignature(token, String(signature ?? ''), urls)) {
        log('warn', 'media stream refused: not signed by Twilio', {
          signed: signature !== undefined,
        });
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      let call: BridgeCall;
      try {
        call = bridgeCall(ws, options.model, {
          sessionOverrides: options.sessionOverrides?.(),
          log,
          maxMessagesBeforeStart: options.maxMessagesBeforeStart,
          startTimeoutMs,
          frameMs,
          maxMarksOutstanding,
          heartbeatMs,
          clock: options.clock,
          onDtmf: options.onDtmf,
          onStart: options.onStart,
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
  const url = `http://${shownHost}:${port}`;
  const close = async (): Promise<void> => {
    await Promise.allSettled([
      ...[...calls].map((call) => call.close()),
      sip?.close() ?? Promise.resolve(),
    ]);
    for (const client of wss.clients) client.terminate();
    wss.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  if (options.sip !== undefined) {
    try {
      const sipOptions = typeof options.sip === 'function' ? await options.sip(url) : options.sip;
      sip = createSipHandler(sipOptions, options.model, log);
    } catch (error) {
      // nothing is left listening for a start that failed
      await close();
      throw error;
    }
  }
  return {
    url,
    port,
    http,
    calls,
    get sipCalls() {
      return sip?.calls ?? new Set<SipCall>();
    },
    close,
  };
}
