/**
 * The decoding engine shared by every dialect: one `JSON.parse`, a `Map` lookup by `type`, a
 * fast check for hot events or the valibot schema for the rest (the fast checks' types must be
 * a subset of the schemas' types: `test/fast-path.test.ts` checks that), then an optional mapping onto
 * the GA model. Never throws.
 *
 * On success the decoder returns the parsed object itself, not valibot's output: the schemas
 * have no transforms or defaults, so the two agree on every known field, and the parsed object
 * also keeps unknown keys (`obfuscation`, fields the API adds later) and avoids a copy of the
 * base64 payload.
 * @module
 */
import * as v from 'valibot';
import type { FastCheck } from './fast-path.js';
import { summarizeIssues, toProtocolIssues } from './issues.js';
import type { DecodeResult, ProtocolIssue, ProtocolViolation } from './types.js';

/** Raised inside a mapper when a valid frame has no form in the target model. */
export class NoFormError extends Error {
  constructor(
    /** Dotted path of the field without a counterpart. */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'NoFormError';
  }
}

/** What a dialect plugs into the engine. */
export interface DecodeTable<E> {
  /** Schemas by wire `type`. */
  readonly schemas: ReadonlyMap<string, v.GenericSchema>;
  /** Hand-written checks for hot events, by wire `type`. */
  readonly fast: ReadonlyMap<string, FastCheck>;
  /** Maps a validated wire object onto the model (identity for GA); may throw `NoFormError`. */
  readonly map: (obj: Record<string, unknown>, type: string) => E;
}

function violation<E>(
  frame: string | Uint8Array,
  reason: ProtocolViolation['reason'],
  message: string,
  extra: { type?: string; issues?: ProtocolIssue[] } = {},
): DecodeResult<E> {
  return { kind: 'violation', violation: { reason, message, frame, ...extra } };
}

/** Decodes one frame with the given table. Never throws. */
export function decodeFrame<E>(frame: string | Uint8Array, table: DecodeTable<E>): DecodeResult<E> {
  if (typeof frame !== 'string') {
    return violation(
      frame,
      'binary_frame',
      'expected a text frame; the Realtime API sends JSON text only',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return violation(frame, 'invalid_json', `frame is not valid JSON (${frame.length} characters)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return violation(
      frame,
      'not_an_object',
      `frame is JSON but not an object (${parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : typeof parsed})`,
    );
  }
  const obj = parsed as Record<string, unknown>;
  const type = obj.type;
  if (typeof type !== 'string') {
    return violation(frame, 'missing_type', 'event has no string "type" field');
  }
  try {
    // hot events first: one lookup and a hand-written check, no schema lookup at all (every
    // fast-checked type has a schema, so a passing check means a known, valid event)
    const fast = table.fast.get(type);
    if (fast === undefined || !fast(obj)) {
      const schema = table.schemas.get(type);
      if (schema === undefined) return { kind: 'unknown', type, raw: obj };
      const result = v.safeParse(schema, obj);
      if (!result.success) {
        const issues = toProtocolIssues(result.issues);
        return violation(frame, 'schema_mismatch', `invalid ${type}: ${summarizeIssues(issues)}`, {
          type,
          issues,
        });
      }
    }
    return { kind: 'event', event: table.map(obj, type) };
  } catch (error) {
    if (error instanceof NoFormError) {
      return violation(frame, 'schema_mismatch', `${type}: ${error.message}`, {
        type,
        issues: [{ path: error.path, message: error.message }],
      });
    }
    // A mapper bug must not take the session down: report it as a violation of this frame.
    const what = error instanceof Error ? error.message : 'unknown error';
    return violation(frame, 'schema_mismatch', `${type}: could not be decoded (${what})`, { type });
  }
}

/** Builds a `Map` from a `type → schema` record. */
export function schemaMap(
  record: Readonly<Record<string, v.GenericSchema>>,
): ReadonlyMap<string, v.GenericSchema> {
  return new Map(Object.entries(record));
}
