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
  if (typeof type !== 'string') throw new ProtocolEncodeError('a client event needs a string "type"');
  const schema = schemas.get(type);
  if (schema === undefined) throw new ProtocolEncodeError(`unknown client event type "${type}"`, { type });
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
