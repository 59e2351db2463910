/**
 * Beta `modalities` as the client sent them. The fake keeps its session in the GA model, where
 * beta's `["text","audio"]` and `["audio"]` are both `output_modalities: ["audio"]`, and the beta
 * codec writes that back as `["text","audio"]`: an echo the client never sent. A beta connection
 * therefore remembers the list it was sent and echoes that; Azure's preview path refuses an
 * audio-only list, as protocol.md §5.2 (Known Azure differences, 1.) reports.
 * @module
 */
import { serverError, type ServerErrorBody } from './error-catalog.js';
import { isObject, type JsonObject } from './wire.js';

/** The `modalities` a beta `session.update` or `response.create` body names, as sent. */
export function sentModalities(body: unknown): string[] | undefined {
  if (!isObject(body)) return undefined;
  const m = body['modalities'];
  return Array.isArray(m) && m.every((x) => typeof x === 'string') ? [...m] : undefined;
}

/**
 * The error Azure's preview endpoint answers an audio-only `modalities` with
 * (openai/openai-agents-js#466). Its code and wording are not recorded: `invalid_value`, the
 * catalogue's code for a value the server does not take (§7.10), and the combinations beta
 * serves are assumed.
 * @param param `session.modalities` or `response.modalities`
 */
export function audioOnlyRefusal(
  body: unknown,
  param: string,
  eventId: string | null,
): ServerErrorBody | undefined {
  const m = sentModalities(body);
  if (!m || m.length === 0 || m.some((x) => x !== 'audio')) return undefined;
  return serverError(
    'invalid_value',
    `Invalid value: ['audio']. Supported values are: ['text'] and ['text', 'audio'].`,
    param,
    eventId,
  );
}

/**
 * A copy of a GA-model session or response bound for a beta connection, whose
 * `output_modalities` gives way to the `modalities` the client sent: the beta codec passes a
 * `modalities` field through and maps `output_modalities` only when it is there.
 * @param sent the list the client sent; `undefined` leaves the object as it is
 */
export function withSentModalities(
  obj: JsonObject,
  sent: readonly string[] | undefined,
): JsonObject {
  if (!sent) return obj;
  const out: JsonObject = { ...obj, modalities: [...sent] };
  delete out['output_modalities'];
  return out;
}
