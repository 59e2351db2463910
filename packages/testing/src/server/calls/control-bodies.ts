/**
 * The call-control answers (`POST /v1/realtime/calls/{id}/accept|reject|refer|hangup`) that do
 * not depend on a call: the HTTP-shaped result, the refusals, and the body checks. protocol.md
 * records none of the API's error wording for these routes: every message here is assumed
 * (the `{error:{message,type,code,param}}` shape is the API's).
 * @module
 */
import { httpErrorBody } from '../client-secrets.js';
import { Errors, serverError, type ServerErrorBody } from '../error-catalog.js';
import { isObject, type JsonObject } from '../wire.js';

/** The answer of a call-control method, as the HTTP route sends it. */
export interface CallControlResult {
  /** 200 done; 400 a bad body or a call in the wrong state; 404 an unknown call. */
  readonly status: 200 | 400 | 404;
  /** `undefined` (an empty body) on 200, else the API's `{error:{message,type,code,param}}`. */
  readonly body: JsonObject | undefined;
}

/** The default SIP status of `POST …/reject` without `status_code`: 603 Decline. */
export const DEFAULT_REJECT_STATUS = 603;

/** 200, no body. */
export const DONE: CallControlResult = { status: 200, body: undefined };

/** A 400 with `error`. */
export function badRequest(error: ServerErrorBody): CallControlResult {
  return { status: 400, body: httpErrorBody(error) };
}

/** The 404 of an id the server never issued (assumed wording). */
export function unknownCall(callId: string): CallControlResult {
  return {
    status: 404,
    body: httpErrorBody(serverError('call_not_found', `Call '${callId}' not found.`, 'call_id')),
  };
}

/** The 400 of a call in a state the action does not apply to (assumed wording). */
export function wrongState(
  callId: string,
  action: string,
  state: string,
  needs: string,
): CallControlResult {
  return badRequest(
    serverError(
      'invalid_call_state',
      `Cannot ${action} call '${callId}': it is ${state}; only ${needs} calls can be.`,
      'call_id',
    ),
  );
}

// the checks name the session's fields (`session.instructions`); an accept body is the session
// itself, so its fields are named at the top level
function topLevel(error: ServerErrorBody): ServerErrorBody {
  return {
    ...error,
    message: error.message.replace(/'session\./g, "'"),
    param: error.param?.replace(/^session\./, '') ?? null,
  };
}

/**
 * An accept body's refusal, or `undefined`: it must be an object whose `type` is `'realtime'`
 * (a SIP call runs a conversation), then pass the checks a mint's session gets (`check`).
 */
export function checkAcceptBody(
  body: unknown,
  check: (session: JsonObject) => ServerErrorBody | undefined,
): ServerErrorBody | undefined {
  if (!isObject(body)) return Errors.invalidType('body', 'an object', null);
  if (body['type'] === undefined) return Errors.missingParameter('type', null);
  if (body['type'] !== 'realtime')
    return Errors.invalidValue('type', body['type'], ['realtime'], null);
  const bad = check(body);
  return bad ? topLevel(bad) : undefined;
}

/** A reject body's SIP status (`status_code`, an integer 400–699, default 603), or its refusal. */
export function rejectStatusOf(body: unknown): number | ServerErrorBody {
  if (body === undefined || body === null) return DEFAULT_REJECT_STATUS;
  if (!isObject(body)) return Errors.invalidType('body', 'an object', null);
  for (const key of Object.keys(body))
    if (key !== 'status_code') return Errors.unknownParameter(key, null);
  const code = body['status_code'];
  if (code === undefined) return DEFAULT_REJECT_STATUS;
  if (typeof code !== 'number' || !Number.isInteger(code))
    return Errors.invalidType('status_code', 'an integer', null);
  if (code < 400) return Errors.belowMin('status_code', 400, code, true, null);
  if (code > 699) return Errors.aboveMax('status_code', 699, code, true, null);
  return code;
}

/** A refer body's `target_uri` (`tel:`, `sip:` or `sips:`), or its refusal. */
export function referTargetOf(body: unknown): string | ServerErrorBody {
  if (!isObject(body)) return Errors.invalidType('body', 'an object', null);
  for (const key of Object.keys(body))
    if (key !== 'target_uri') return Errors.unknownParameter(key, null);
  const target = body['target_uri'];
  if (target === undefined) return Errors.missingParameter('target_uri', null);
  if (typeof target !== 'string') return Errors.invalidType('target_uri', 'a string', null);
  if (!/^(?:tel|sips?):\S+$/i.test(target))
    return serverError(
      'invalid_value',
      `Invalid 'target_uri': ${JSON.stringify(target)}. Expected a 'tel:' or 'sip:' (or 'sips:') URI.`,
      'target_uri',
    );
  return target;
}
