/**
 * The real server's error events, with the verbatim messages of protocol.md §7.10. Each builder
 * returns the `error` object of an `error` event; `event_id` is the client's, or `null`.
 * @module
 */
import type { JsonObject } from './wire.js';

/** The `error` field of a server `error` event. */
export interface ServerErrorBody extends JsonObject {
  type: string;
  code: string | null;
  message: string;
  param: string | null;
  event_id: string | null;
}

/** Builds an error body; `type` defaults to `invalid_request_error`. */
export function serverError(
  code: string | null,
  message: string,
  param: string | null = null,
  eventId: string | null = null,
  type = 'invalid_request_error',
): ServerErrorBody {
  return { type, code, message, param, event_id: eventId };
}

/** The list the real (GA) server prints for an unknown client event type (protocol.md §7.9). */
export const SUPPORTED_CLIENT_TYPES_MESSAGE =
  "Supported values are: 'session.update', 'session.close', 'input_audio_buffer.append', " +
  "'session.input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', " +
  "'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', " +
  "'conversation.item.retrieve', 'response.create', and 'response.cancel'.";

/**
 * The list a beta connection gets for an unknown client event type. Assumed: no beta capture
 * of this message is recorded (protocol.md §7.9 quotes the GA server's). It names the beta
 * client events (§3) the fake serves over a WebSocket, in the GA list's order: no
 * `session.close` or `session.input_audio_buffer.append` (GA only), no
 * `output_audio_buffer.clear` (WebRTC/SIP only, as in GA) and no `transcription_session.update`
 * (the fake has no beta transcription session), so nothing it lists is then refused.
 */
export const SUPPORTED_BETA_CLIENT_TYPES_MESSAGE =
  "Supported values are: 'session.update', 'input_audio_buffer.append', " +
  "'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', " +
  "'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', " +
  "'response.create', and 'response.cancel'.";

/** Formats a list the way the server does: 'a', 'b', and 'c'. */
export function supportedValues(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

/** Builders for each catalogued error. */
export const Errors = {
  unknownType: (type: string, eventId: string | null, dialect: 'ga' | 'beta' = 'ga') =>
    serverError(
      'invalid_value',
      `Invalid value: '${type}'. ${dialect === 'ga' ? SUPPORTED_CLIENT_TYPES_MESSAGE : SUPPORTED_BETA_CLIENT_TYPES_MESSAGE}`,
      'type',
      eventId,
    ),
  missingType: (eventId: string | null) =>
    serverError('invalid_event', "The 'type' field is missing.", null, eventId),
  binaryFrame: () =>
    serverError(
      'invalid_event',
      'Expected a text WebSocket message; binary frames are not supported.',
      null,
      null,
    ),
  invalidJson: (detail: string) =>
    serverError('invalid_json', `Invalid event: failed to parse JSON value. ${detail}`, null, null),
  unknownParameter: (param: string, eventId: string | null) =>
    serverError('unknown_parameter', `Unknown parameter: '${param}'.`, param, eventId),
  missingParameter: (param: string, eventId: string | null) =>
    serverError(
      'missing_required_parameter',
      `Missing required parameter: '${param}'.`,
      param,
      eventId,
    ),
  invalidType: (param: string, expected: string, eventId: string | null) =>
    serverError(
      'invalid_type',
      `Invalid type for '${param}': expected ${expected}.`,
      param,
      eventId,
    ),
  /**
   * A value of the wrong kind in a client event (a string where an object belongs, a number too
   * long). protocol.md's catalogue (§7.10) has no such case and no `invalid_type` code for the
   * Realtime events; `invalid_value`, its code for a value the server does not take, is the
   * closest, so the fake answers with it (the wording is assumed). The HTTP routes' bodies keep
   * `invalidType`.
   */
  wrongType: (param: string, expected: string, eventId: string | null) =>
    serverError(
      'invalid_value',
      `Invalid value for '${param}': expected ${expected}.`,
      param,
      eventId,
    ),
  invalidValue: (
    param: string,
    value: unknown,
    supported: readonly string[],
    eventId: string | null,
  ) =>
    serverError(
      'invalid_value',
      `Invalid value: '${String(value)}'. Supported values are: ${supportedValues(supported)}.`,
      param,
      eventId,
    ),
  belowMin: (param: string, min: number, got: number, integer: boolean, eventId: string | null) =>
    serverError(
      integer ? 'integer_below_min_value' : 'decimal_below_min_value',
      `Invalid '${param}': ${integer ? 'integer' : 'decimal'} below minimum value. Expected a value >= ${min}, but got ${got} instead.`,
      param,
      eventId,
    ),
  aboveMax: (param: string, max: number, got: number, integer: boolean, eventId: string | null) =>
    serverError(
      integer ? 'integer_above_max_value' : 'decimal_above_max_value',
      `Invalid '${param}': ${integer ? 'integer' : 'decimal'} above maximum value. Expected a value <= ${max}, but got ${got} instead.`,
      param,
      eventId,
    ),
  commitEmpty: (bufferedMs: number, eventId: string | null) =>
    serverError(
      'input_audio_buffer_commit_empty',
      `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${bufferedMs.toFixed(2)}ms of audio.`,
      null,
      eventId,
    ),
  appendTooLarge: (bytes: number, max: number, eventId: string | null) =>
    serverError(
      'invalid_value',
      `Invalid 'audio': audio chunk too large. Expected at most ${max} bytes of decoded audio, but got ${bytes}.`,
      'audio',
      eventId,
    ),
  invalidAudio: (eventId: string | null) =>
    serverError(
      'invalid_value',
      "Invalid 'audio': expected base64-encoded audio bytes.",
      'audio',
      eventId,
    ),
  activeResponse: (responseId: string, eventId: string | null) =>
    serverError(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${responseId}. Wait until the response is finished before creating a new one.`,
      null,
      eventId,
    ),
  cancelNotActive: (eventId: string | null) =>
    serverError(
      'response_cancel_not_active',
      'Cancellation failed: no active response found',
      null,
      eventId,
    ),
  cannotUpdateVoice: (eventId: string | null) =>
    serverError(
      'cannot_update_voice',
      "Cannot update a conversation's voice if assistant audio is present.",
      null,
      eventId,
    ),
  itemNotFound: (param: string, itemId: string, eventId: string | null) =>
    serverError('item_not_found', `Item with item_id not found: ${itemId}`, param, eventId),
  previousItemNotFound: (itemId: string, eventId: string | null) =>
    serverError(
      'item_not_found',
      `Error adding item: the previous_item_id '${itemId}' does not exist.`,
      'previous_item_id',
      eventId,
    ),
  duplicateItemId: (itemId: string, eventId: string | null) =>
    serverError(
      'duplicate_item_id',
      `Item with id '${itemId}' already exists.`,
      'item.id',
      eventId,
    ),
  truncateNotAudio: (eventId: string | null) =>
    serverError(
      'unsupported_content_type',
      'Only model output audio messages can be truncated',
      null,
      eventId,
    ),
  truncateTooLong: (actualMs: number, requestedMs: number, eventId: string | null) =>
    serverError(
      'invalid_value',
      `Audio content of ${actualMs}ms is already shorter than ${requestedMs}ms`,
      'audio_end_ms',
      eventId,
    ),
  callIdNotFound: (callId: string, eventId: string | null) =>
    serverError(
      'invalid_value',
      `Invalid 'item.call_id': no function call with call_id '${callId}' found in the conversation.`,
      'item.call_id',
      eventId,
    ),
  sessionExpired: (minutes: number) =>
    serverError(
      'session_expired',
      `Your session hit the maximum duration of ${minutes} minutes.`,
      null,
      null,
    ),
  invalidApiKey: (key: string) =>
    serverError(
      'invalid_api_key',
      `Incorrect API key provided: ${redactKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    ),
  missingAuth: () => serverError(null, 'Missing bearer or basic authentication in header'),
  missingModel: () =>
    serverError(
      'missing_model',
      'You must provide a model parameter, for example wss://api.openai.com/v1/realtime?model=gpt-realtime-1.5',
    ),
  invalidModel: (model: string) =>
    serverError('invalid_model', `Model "${model}" is not supported in realtime mode.`),
  betaDisabled: () =>
    serverError(
      'beta_api_shape_disabled',
      'The Realtime API beta interface is no longer available. Remove the OpenAI-Beta header to use the GA interface.',
    ),
} as const;

/** The close reason the real server uses: `error.type + "." + error.code`. */
export function closeReasonOf(error: ServerErrorBody): string {
  return error.code ? `${error.type}.${error.code}` : error.type;
}

/** Shows a key the way OpenAI does: the first and last few characters only. */
export function redactKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`;
}

/**
 * The error the API answers a client event that fails its schema with, in the codes of
 * protocol.md §7.10: `missing_required_parameter` for an absent field; `invalid_value` with the
 * "Supported values are: …" list for a string that is none of the allowed literals (`item.role:
 * 'robot'`); `invalid_value` too for a value of the wrong kind (see `Errors.wrongType`); else
 * `invalid_json`. `param` is in the API's bracket form (`item.content[0].type`).
 * @param raw the frame as sent, to name the value that was refused. @default undefined
 */
export function schemaError(
  issues: readonly { path: string; message: string }[],
  eventId: string | null,
  raw?: JsonObject,
): ServerErrorBody {
  const first = issues[0];
  const path = (first?.path ?? '').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  if (!first || !path)
    return Errors.invalidJson(first?.message ?? 'The event does not match its schema.');
  if (/received undefined/.test(first.message)) return Errors.missingParameter(path, eventId);
  const expected = first.message.replace(/^expected\s+/, '').replace(/,\s*received.*$/, '');
  // a picklist or literal union names its values quoted: ("system" | "user" | "assistant")
  const literals = [...expected.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
  const value = raw ? valueAt(raw, first.path) : undefined;
  if (literals.length > 0 && typeof value === 'string')
    return Errors.invalidValue(path, value, literals, eventId);
  return Errors.wrongType(path, expected, eventId);
}

// the value at a schema issue's dotted path (`item.content.0.type`) in the raw frame
function valueAt(raw: JsonObject, dotted: string): unknown {
  let cur: unknown = raw;
  for (const key of dotted.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (typeof cur === 'object' && cur !== null) cur = (cur as JsonObject)[key];
    else return undefined;
  }
  return cur;
}
