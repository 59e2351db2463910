/**
 * The ws fake's `POST /v1/realtime/calls` (and Azure's `/openai/v1/realtime/calls`) over real
 * HTTP, with CORS as the API allows a browser to call it: requests judged by the in-memory
 * endpoint's `judgeCallRequest` (same 401/400/404/405 bodies), accepted offers answered by a
 * real werift peer (201 + SDP answer + `Location`).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorBody } from '../server/client-secrets.js';
import { serverError, type ServerErrorBody } from '../server/error-catalog.js';
import type { JsonObject } from '../server/wire.js';
import { judgeCallRequest } from '../web-rtc/calls-endpoint.js';
import { readCapped } from './client-secrets-http.js';
import { WeriftCall, type WeriftCallHost } from './werift-peer.js';

/** The largest offer read, bytes: a browser's offer is a few kB. */
const MAX_OFFER_BYTES = 64 * 1024;

/**
 * The CORS headers of every answer on the API's HTTP routes: what a browser needs to read the
 * answer of a cross-origin POST (`Location` is not a CORS-safelisted header, so without the
 * expose header `fetch` hides the call id).
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Location',
};

// what a calls POST sends beyond the CORS-safelisted headers, when a preflight names none
const DEFAULT_ALLOWED_HEADERS = 'Authorization, Content-Type, api-key';
// an HTTP header name (RFC 9110 token)
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// the header names a preflight asks for, or `undefined` when it names none
function requestedHeaders(req: IncomingMessage): string | undefined {
  const names = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => HEADER_NAME.test(name));
  return names.length ? names.join(', ') : undefined;
}

/**
 * Answers a CORS preflight of a POST (204). Every header it asks for is allowed (a page's
 * tracing or SDK header would otherwise make the browser refuse the POST unsent), as the key
 * and body are what the POST is judged on.
 * @returns true (the request was answered)
 */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): true {
  res.writeHead(204, {
    ...CORS_HEADERS,
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': requestedHeaders(req) ?? DEFAULT_ALLOWED_HEADERS,
    'access-control-max-age': '600',
    vary: 'Access-Control-Request-Headers',
  });
  res.end();
  return true;
}

/** What the calls endpoint needs of the ws server. */
export interface WebRtcCallsEndpoint extends WeriftCallHost {
  /** The only standard key accepted (any non-empty key when absent). */
  readonly apiKey: string | undefined;
  /** Whether Azure's path is served. */
  readonly azure: boolean;
  /**
   * A multipart request's `session` part's refusal, or `undefined`.
   * @default none: any JSON object is taken
   */
  checkSession?(session: JsonObject): ServerErrorBody | undefined;
  /** A new call id (`rtc_…`). */
  newCallId(): string;
  /** Records an answered call (so that closing the ws fake closes its peer). */
  track(call: WeriftCall): void;
  /**
   * Holds an answer werift is making until it is sent or its peer released (never rejects), so
   * that closing the ws fake waits for a peer it could not otherwise see.
   */
  answering(answer: Promise<void>): void;
}

// the calls paths and what lies under them (`/v1/realtime/calls/rtc_…`: judged, so refused 404)
function isCallsPath(path: string, azure: boolean): boolean {
  const under = (base: string) => path === base || path.startsWith(`${base}/`);
  return under('/v1/realtime/calls') || (azure && under('/openai/v1/realtime/calls'));
}

/**
 * Answers a plain HTTP request when it is to a calls path (preflight included), and returns
 * whether it was: any other request is the caller's.
 */
export function serveWebRtcCalls(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: WebRtcCallsEndpoint,
): boolean {
  const path = new URL(req.url ?? '/', 'http://fake.invalid').pathname.replace(/\/+$/, '');
  if (!isCallsPath(path, endpoint.azure)) return false;
  const send = (status: number, body: string, headers: Readonly<Record<string, string>>) => {
    res.writeHead(status, {
      ...headers,
      ...CORS_HEADERS,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  if (req.method === 'OPTIONS') return answerPreflight(req, res);
  readCapped(
    req,
    (bytes) => {
      if (bytes === undefined) {
        res.setHeader('connection', 'close');
        const error = serverError(
          'request_too_large',
          `The request body is larger than ${MAX_OFFER_BYTES} bytes.`,
        );
        return send(413, JSON.stringify(httpErrorBody(error)), {
          'content-type': 'application/json',
        });
      }
      const body = bytes.toString('utf8');
      const verdict = judgeCallRequest(endpoint, {
        path,
        method: req.method ?? 'GET',
        headers: flatHeaders(req),
        body,
      });
      if (verdict.kind === 'refused') return send(verdict.status, verdict.body, verdict.headers);
      const callId = endpoint.newCallId();
      // a client gone before its answer (a page that navigated away, the ws fake closing its
      // connections) will never read it nor connect to the peer
      let gone = false;
      res.once('close', () => (gone ||= !res.writableFinished));
      const answer = WeriftCall.answer(endpoint, {
        callId,
        azure: verdict.azure,
        clientSecret: verdict.secret,
        offer: verdict.offer,
        session: verdict.session,
      }).then(
        async (call) => {
          if (gone || res.destroyed) return call.end(1006, 'the calls request was abandoned');
          endpoint.track(call);
          send(201, call.answer, {
            'content-type': 'application/sdp',
            location: `${path}/${callId}`,
          });
        },
        (error: unknown) => {
          if (gone || res.destroyed) return;
          // an offer the SDP check let through but werift cannot apply
          const refusal = serverError(
            'invalid_offer',
            `The SDP offer could not be applied: ${error instanceof Error ? error.message : String(error)}`,
          );
          send(400, JSON.stringify(httpErrorBody(refusal)), {
            'content-type': 'application/json',
          });
        },
      );
      endpoint.answering(answer.catch(() => undefined));
    },
    MAX_OFFER_BYTES,
  );
  return true;
}

/** Node's headers (lower case; a repeated one is an array) as the judges read them. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
