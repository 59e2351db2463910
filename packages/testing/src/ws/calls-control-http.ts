/**
 * The ws fake's call-control routes over real HTTP (`POST /v1/realtime/calls/{id}/accept|
 * reject|refer|hangup`, Azure's `/openai/v1/…` too), answered by the same code as the
 * in-memory `server.callsApi()`, with CORS as the calls endpoint; and the JSON answers the
 * fake's own SIP hooks (`fake-sip-http.ts`) share with them.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callControlRoute, serveCallControl } from '../server/calls/calls-api.js';
import { httpErrorBody } from '../server/client-secrets.js';
import { serverError, type ServerErrorBody } from '../server/error-catalog.js';
import type { FakeServer } from '../server/fake-server.js';
import { readCapped } from './client-secrets-http.js';
import { answerPreflight, CORS_HEADERS, flatHeaders } from './web-rtc-http.js';

/** The largest call-control body read, bytes (an accept body is a session config). */
const MAX_CONTROL_BYTES = 1024 * 1024;

/** What the routes need of the ws server. */
export interface CallControlEndpoint {
  readonly server: FakeServer;
  /** The only standard key accepted (any non-`ek_…` key when absent). */
  readonly apiKey: string | undefined;
  /** Whether Azure's paths are served. */
  readonly azure: boolean;
}

/** Sends `body` with `headers` and the calls endpoint's CORS headers. */
export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): void {
  res.writeHead(status, { ...headers, ...CORS_HEADERS, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends the API's `{error:{message,type,code,param}}` with `status`. */
export function sendError(res: ServerResponse, status: number, error: ServerErrorBody): void {
  send(res, status, JSON.stringify(httpErrorBody(error)), { 'content-type': 'application/json' });
}

/**
 * Reads a body under the cap and hands it to `done`, or answers 413 (the connection then
 * closes: the rest is unread).
 */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  done: (body: string) => void,
): void {
  readCapped(
    req,
    (bytes) => {
      if (bytes !== undefined) return done(bytes.toString('utf8'));
      res.setHeader('connection', 'close');
      sendError(
        res,
        413,
        serverError(
          'request_too_large',
          `The request body is larger than ${MAX_CONTROL_BYTES} bytes.`,
        ),
      );
    },
    MAX_CONTROL_BYTES,
  );
}

/**
 * Answers a request to a call-control route (preflight included) and returns true; any other
 * request is the caller's (false).
 */
export function serveCallControlHttp(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: CallControlEndpoint,
): boolean {
  const path = new URL(req.url ?? '/', 'http://fake.invalid').pathname.replace(/\/+$/, '');
  const route = callControlRoute(path, endpoint.azure);
  if (!route) return false;
  if (req.method === 'OPTIONS') return answerPreflight(req, res);
  readBody(req, res, (body) => {
    const answer = serveCallControl(
      endpoint.server,
      { apiKey: endpoint.apiKey, azure: endpoint.azure },
      route,
      { method: req.method ?? 'GET', headers: flatHeaders(req), body },
    );
    send(res, answer.status, answer.body, answer.headers);
  });
  return true;
}
