/**
 * The ws fake's call-control routes over real HTTP (`POST /v1/realtime/calls/{id}/accept|
 * reject|refer|hangup`, Azure's `/openai/v1/…` too), answered by the same code as the
 * in-memory `server.callsApi()`, with CORS as the calls endpoint; and the test hook
 * `POST /fake/sip/incoming` (loopback clients only) that places a SIP call, so an app in
 * another process can be driven end to end.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callControlRoute, serveCallControl } from '../server/calls/calls-api.js';
import type { FakeSipCall } from '../server/calls/call-record.js';
import type { SipIncomingOptions } from '../server/calls/registry.js';
import { httpErrorBody } from '../server/client-secrets.js';
import { Errors, serverError, type ServerErrorBody } from '../server/error-catalog.js';
import type { FakeServer } from '../server/fake-server.js';
import { isObject } from '../server/wire.js';
import { readCapped } from './client-secrets-http.js';
import { answerPreflight, CORS_HEADERS, flatHeaders } from './web-rtc-http.js';

/** The path of the test hook that places a SIP call on the ws fake. */
export const FAKE_SIP_INCOMING_PATH = '/fake/sip/incoming';

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

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): void {
  res.writeHead(status, { ...headers, ...CORS_HEADERS, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, error: ServerErrorBody): void {
  send(res, status, JSON.stringify(httpErrorBody(error)), { 'content-type': 'application/json' });
}

// reads a body under the cap, or answers 413 (the connection then closes: the rest is unread)
function readBody(req: IncomingMessage, res: ServerResponse, done: (body: string) => void): void {
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

// a loopback peer: the hook places calls on a server a test or a local app drives, never a
// remote one (a fake bound to 0.0.0.0 must not ring for anybody on the network)
function fromLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || /^(?:::ffff:)?127\./.test(address);
}

/**
 * Answers `POST /fake/sip/incoming` (JSON `{from?, to?}`, no key: it is the fake's own test
 * hook) with 201 and `{call_id, webhook_event}`, placing a ringing SIP call (its webhook
 * delivered when the server has one); 403 to a client not on loopback, 405 to another method,
 * 400 to a body that is not a JSON object of strings. Returns false for another path.
 */
export function serveFakeSipIncoming(
  req: IncomingMessage,
  res: ServerResponse,
  incoming: (options: SipIncomingOptions) => FakeSipCall,
): boolean {
  const path = new URL(req.url ?? '/', 'http://fake.invalid').pathname.replace(/\/+$/, '');
  if (path !== FAKE_SIP_INCOMING_PATH) return false;
  if (!fromLoopback(req)) {
    sendError(
      res,
      403,
      serverError(null, `${FAKE_SIP_INCOMING_PATH} is served to loopback clients only.`),
    );
    return true;
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendError(res, 405, serverError(null, `Method ${req.method ?? ''} is not allowed; use POST.`));
    return true;
  }
  readBody(req, res, (text) => {
    let body: unknown = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (error) {
        return sendError(
          res,
          400,
          Errors.invalidJson(error instanceof Error ? error.message : String(error)),
        );
      }
    }
    if (!isObject(body)) return sendError(res, 400, Errors.invalidType('body', 'an object', null));
    for (const [key, value] of Object.entries(body)) {
      if (key !== 'from' && key !== 'to')
        return sendError(res, 400, Errors.unknownParameter(key, null));
      if (typeof value !== 'string')
        return sendError(res, 400, Errors.invalidType(key, 'a string', null));
    }
    const call = incoming({
      from: body['from'] as string | undefined,
      to: body['to'] as string | undefined,
    });
    send(res, 201, JSON.stringify({ call_id: call.callId, webhook_event: call.webhookEvent }), {
      'content-type': 'application/json',
    });
  });
  return true;
}
