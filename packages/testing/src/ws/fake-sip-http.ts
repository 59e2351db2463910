/**
 * The ws fake's own SIP test hooks over HTTP (loopback clients only, no key): `POST
 * /fake/sip/incoming` places a SIP call, and `POST /fake/sip/calls/{id}/speak|hangup` drive its
 * simulated caller, so an app in another process (a demo, a script with curl) can be driven end
 * to end, both ways.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TimerId } from '@voxwire/protocol';
import type { FakeCall, FakeSipCall, WebhookDelivery } from '../server/calls/call-record.js';
import type { SipIncomingOptions } from '../server/calls/registry.js';
import { SipCallEntry } from '../server/calls/sip-call.js';
import { FakeServerError } from '../errors.js';
import { Errors, serverError } from '../server/error-catalog.js';
import { isObject, type JsonObject } from '../server/wire.js';
import { readBody, send, sendError } from './calls-control-http.js';

/** The path of the test hook that places a SIP call on the ws fake (`POST`). */
export const FAKE_SIP_INCOMING_PATH = '/fake/sip/incoming';

/** The prefix of the per-call caller hooks: `/fake/sip/calls/{call_id}/speak|hangup`. */
export const FAKE_SIP_CALLS_PATH = '/fake/sip/calls';

/** What the caller does at a caller hook. */
export type FakeSipCallerAction = 'speak' | 'hangup';

/**
 * The path of the hook where the simulated SIP caller of `callId` speaks a turn or hangs up
 * (`POST`): `/fake/sip/calls/{call_id}/speak` or `…/hangup`. The id is URL-encoded.
 */
export function fakeSipCallerPath(callId: string, action: FakeSipCallerAction): string {
  return `${FAKE_SIP_CALLS_PATH}/${encodeURIComponent(callId)}/${action}`;
}

/** `speechMs` of a `speak` hook without one: about a short sentence. */
export const FAKE_SIP_SPEAK_DEFAULT_SPEECH_MS = 600;
/** `silenceMs` of a `speak` hook without one: longer than any VAD's default silence, so the turn ends. */
export const FAKE_SIP_SPEAK_DEFAULT_SILENCE_MS = 700;
/**
 * The largest `speechMs` or `silenceMs` the `speak` hook takes, ms: the turn is generated at
 * once, so a bound keeps one request from allocating minutes of audio.
 */
export const FAKE_SIP_SPEAK_MAX_MS = 60_000;

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://fake.invalid').pathname.replace(/\/+$/, '');
}

// a loopback peer: the hooks drive a server a test or a local app runs, never a remote one (a
// fake bound to 0.0.0.0 must not ring, speak or hang up for anybody on the network)
function fromLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || /^(?:::ffff:)?127\./.test(address);
}

// the refusals every hook shares (403 off loopback, 405 another method); true when answered
function refused(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (!fromLoopback(req)) {
    sendError(res, 403, serverError(null, `${path} is served to loopback clients only.`));
    return true;
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendError(res, 405, serverError(null, `Method ${req.method ?? ''} is not allowed; use POST.`));
    return true;
  }
  return false;
}

// a body that is empty (`{}`) or a JSON object, or the 400 already sent (`undefined`)
function jsonObjectBody(res: ServerResponse, text: string): JsonObject | undefined {
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (error) {
      sendError(
        res,
        400,
        Errors.invalidJson(error instanceof Error ? error.message : String(error)),
      );
      return undefined;
    }
  }
  if (isObject(body)) return body;
  sendError(res, 400, Errors.invalidType('body', 'an object', null));
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: JsonObject): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json' });
}

/**
 * How long `POST /fake/sip/incoming` waits for the call's webhook delivery before it answers,
 * in ms of the server's clock: an app that holds its webhook's answer (as the real API would
 * time it out, and retry) must not hold the hook's answer too.
 */
export const FAKE_SIP_WEBHOOK_WAIT_MS = 10_000;

/**
 * Answers `POST /fake/sip/incoming` (JSON `{from?, to?}`, no key: it is the fake's own test
 * hook) with 201 and `{call_id, webhook_event, webhook_delivery}`, placing a ringing SIP call.
 * With a `webhook`, the answer waits for its delivery (at most {@link FAKE_SIP_WEBHOOK_WAIT_MS}
 * of `clock`), and `webhook_delivery` is `call.webhookDelivery`: `{state: 'delivered', status}`
 * (the app's HTTP status, whatever it is), `{state: 'failed', error}` (no answer: the app is
 * down, the URL wrong) or `{state: 'pending'}` (no answer yet); the call rings either way, as
 * the in-process call does. `null` without a webhook. 403 to a client not on loopback, 405 to
 * another method, 400 to a body that is not a JSON object of strings (no call placed). Returns
 * false for another path.
 * @param clock the server's clock, for the wait's bound
 */
export function serveFakeSipIncoming(
  req: IncomingMessage,
  res: ServerResponse,
  incoming: (options: SipIncomingOptions) => FakeSipCall,
  clock: Clock,
): boolean {
  if (pathOf(req) !== FAKE_SIP_INCOMING_PATH) return false;
  if (refused(req, res, FAKE_SIP_INCOMING_PATH)) return true;
  readBody(req, res, (text) => {
    const body = jsonObjectBody(res, text);
    if (!body) return;
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
    void deliveryWithin(call, clock, FAKE_SIP_WEBHOOK_WAIT_MS).then((delivery) =>
      sendJson(res, 201, {
        call_id: call.callId,
        webhook_event: call.webhookEvent,
        webhook_delivery: delivery === undefined ? null : { ...delivery },
      }),
    );
  });
  return true;
}

// the call's webhook delivery once settled, or as it stands (pending) after `ms` of `clock`;
// `undefined` without a webhook
async function deliveryWithin(
  call: FakeSipCall,
  clock: Clock,
  ms: number,
): Promise<WebhookDelivery | undefined> {
  let timer: TimerId | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, ms)));
  await Promise.race([call.webhookDelivered, timedOut]);
  // no timer left behind on a simulated clock (pendingTimers), nor a real one holding the CLI
  clock.clearTimeout(timer);
  return call.webhookDelivery;
}

const CALLER_PATH = /^\/fake\/sip\/calls\/([^/]+)\/(speak|hangup)$/;

// `{speechMs?, silenceMs?}` checked, or the 400 already sent (`undefined`)
function turnOf(
  res: ServerResponse,
  body: JsonObject,
): { speechMs: number; silenceMs: number } | undefined {
  const turn = {
    speechMs: FAKE_SIP_SPEAK_DEFAULT_SPEECH_MS,
    silenceMs: FAKE_SIP_SPEAK_DEFAULT_SILENCE_MS,
  };
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'speechMs' && key !== 'silenceMs') {
      sendError(res, 400, Errors.unknownParameter(key, null));
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      sendError(res, 400, Errors.invalidType(key, 'an integer (ms)', null));
      return undefined;
    }
    if (value < 1 || value > FAKE_SIP_SPEAK_MAX_MS) {
      const error =
        value < 1
          ? Errors.belowMin(key, 1, value, true, null)
          : Errors.aboveMax(key, FAKE_SIP_SPEAK_MAX_MS, value, true, null);
      sendError(res, 400, error);
      return undefined;
    }
    turn[key] = value;
  }
  return turn;
}

// whether any of the turn reached the call's session (speakTurn throws when none did)
function spokeTurn(call: SipCallEntry, turn: { speechMs: number; silenceMs: number }): boolean {
  try {
    call.speakTurn(turn.speechMs, turn.silenceMs);
    return true;
  } catch (error) {
    if (error instanceof FakeServerError && error.code === 'NO_OPEN_CONNECTION') return false;
    throw error;
  }
}

// 409: the call exists but its caller cannot do this now (assumed wording, as the control routes')
function conflict(res: ServerResponse, callId: string, message: string, code: string): void {
  sendError(res, 409, serverError(code, `Call '${callId}' ${message}`, 'call_id'));
}

/**
 * Answers the simulated SIP caller's hooks (loopback clients only, no key) and returns true;
 * false for another path:
 * - `POST /fake/sip/calls/{call_id}/speak`, JSON `{speechMs?, silenceMs?}` (integers 1–60000,
 *   default 600 and 700): the caller speaks one turn (`FakeSipCall.speakTurn`), heard by the
 *   session's VAD; 200 `{call_id, state}`; 409 unless the call is active (ringing, rejected,
 *   ended); 400 to a bad body.
 * - `POST /fake/sip/calls/{call_id}/hangup` (body ignored): the caller hangs up
 *   (`FakeSipCall.hangUp`: a ringing call ends, an active one's session and side-bands close
 *   with 1000, `endReason: 'caller_hung_up'`); 200 `{call_id, state}`; 409 once it is over.
 *
 * An unknown call id is 404 (`call_not_found`). A WebRTC call's id is 409 (`invalid_call_type`):
 * its caller is the WebRTC peer (the app's client), which speaks and hangs up on its own leg; an
 * app hangs such a call up with `POST /v1/realtime/calls/{id}/hangup`. 403 to a client not on
 * loopback, 405 to another method.
 * @param call the call of an id the server knows (`server.calls`), or `undefined`
 */
export function serveFakeSipCaller(
  req: IncomingMessage,
  res: ServerResponse,
  call: (callId: string) => FakeCall | undefined,
): boolean {
  const path = pathOf(req);
  const match = CALLER_PATH.exec(path);
  if (!match) return false;
  if (refused(req, res, path)) return true;
  let callId: string;
  try {
    callId = decodeURIComponent(match[1] ?? '');
  } catch {
    // a malformed escape names no call the fake ever issued
    callId = match[1] ?? '';
  }
  const action = match[2] as FakeSipCallerAction;
  readBody(req, res, (text) => {
    const found = call(callId);
    if (!found) {
      const error = serverError('call_not_found', `Call '${callId}' not found.`, 'call_id');
      return sendError(res, 404, error);
    }
    if (!(found instanceof SipCallEntry))
      return conflict(
        res,
        callId,
        "is a WebRTC call: its caller is the WebRTC peer, which speaks and hangs up itself; these hooks drive a SIP call's simulated caller only.",
        'invalid_call_type',
      );
    if (action === 'hangup') {
      if (found.state === 'ended' || found.state === 'rejected')
        return conflict(res, callId, `is already ${found.state}.`, 'invalid_call_state');
      found.hangUp();
      return sendJson(res, 200, { call_id: callId, state: found.state });
    }
    const body = jsonObjectBody(res, text);
    if (!body) return;
    const turn = turnOf(res, body);
    if (!turn) return;
    if (found.state !== 'active')
      return conflict(
        res,
        callId,
        `is ${found.state}: the caller speaks on an active (accepted) call only.`,
        'invalid_call_state',
      );
    // the state says active, but the session may have closed this very tick: the audio went nowhere
    if (!spokeTurn(found, turn))
      return conflict(res, callId, 'has no session to hear the caller.', 'invalid_call_state');
    sendJson(res, 200, { call_id: callId, state: found.state });
  });
  return true;
}
