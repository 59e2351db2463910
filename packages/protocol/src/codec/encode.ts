/**
 * Validation before serialising a client event, shared by the codecs.
 * @module
 */
import * as v from 'valibot';
import { summarizeIssues, toProtocolIssues } from './issues.js';
import { ProtocolEncodeError } from './types.js';

/** Checks that `event` is an object with a known `type`, and (if `validate`) that it matches its schema. */
export function checkClientEvent(
  event: unknown,
  schemas: ReadonlyMap<string, v.GenericSchema>,
  validate: boolean,
): asserts event is { type: string } & Record<string, unknown> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new ProtocolEncodeError('a client event must be an object');
  }
  const type = (event as { type?: unknown }).type;
  if (typeof type !== 'string')
    throw new ProtocolEncodeError('a client event needs a string "type"');
  const schema = schemas.get(type);
  if (schema === undefined)
    throw new ProtocolEncodeError(`unknown client event type "${type}"`, { type });
  if (!validate) return;
  const result = v.safeParse(schema, event);
  if (!result.success) {
    const issues = toProtocolIssues(result.issues);
    throw new ProtocolEncodeError(`invalid ${type}: ${summarizeIssues(issues)}`, { type, issues });
  }
}

/** A shallow copy of `obj` without `key` (or `obj` itself when the key is absent). */
export function without<T extends object>(obj: T, key: string): T {
  if (!(key in obj)) return obj;
  const copy = { ...obj } as Record<string, unknown>;
  delete copy[key];
  return copy as T;
}

/**
 * The frame of an `input_audio_buffer.append` whose `audio` the caller encoded as base64 itself
 * (`EncodeOptions.audioIsBase64`): `{"type":…,"event_id":…,"audio":…}`, byte-identical to
 * `JSON.stringify(event)` when the event has exactly these keys in this order (`event_id`
 * optional). Only the short id goes through `JSON.stringify`; base64 never needs escaping.
 * `undefined` for any other shape: the caller then serialises the ordinary way.
 */
export function encodeBase64Append(
  event: { type: string } & Record<string, unknown>,
): string | undefined {
  const audio = event.audio;
  const id = event.event_id;
  if (typeof audio !== 'string') return undefined;
  const keys = Object.keys(event);
  if (typeof id === 'string') {
    if (keys.length !== 3 || keys[0] !== 'type' || keys[1] !== 'event_id' || keys[2] !== 'audio')
      return undefined;
    return `{"type":"input_audio_buffer.append","event_id":${JSON.stringify(id)},"audio":"${audio}"}`;
  }
  if (keys.length !== 2 || keys[0] !== 'type' || keys[1] !== 'audio') return undefined;
  return `{"type":"input_audio_buffer.append","audio":"${audio}"}`;
}

/** Whether `options` lets the codec take the {@link encodeBase64Append} path for `event`. */
export function base64AppendAllowed(
  event: { type: string },
  options: { validate?: boolean; audioIsBase64?: boolean } | undefined,
): boolean {
  return (
    options !== undefined &&
    options.audioIsBase64 === true &&
    options.validate === false &&
    event.type === 'input_audio_buffer.append'
  );
}
