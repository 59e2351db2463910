/**
 * The decoding engine shared by every dialect: one `JSON.parse` (with the audio payload cut out of
 * audio frames, see `parse-frame.ts`), a `Map` lookup by `type`, a
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
import { parseFrame, type LargePayload } from './parse-frame.js';
import { summarizeIssues, toProtocolIssues } from './issues.js';
import type {
  DecodeResult,
  ProtocolIssue,
  ProtocolViolation,
  UnknownKind,
  UnknownValue,
} from './types.js';

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
  /**
   * Accept events whose only faults are what the API added later (items or content parts of
   * unknown kinds, unknown values of enumerated fields), passing them through (see
   * {@link addedLater}). Only where the model is the wire (GA): a mapper could not translate what
   * it does not know. @default false
   */
  readonly passAddedLater?: boolean;
  /**
   * The events whose large base64 payload the parser cuts out instead of letting `JSON.parse`
   * scan and copy it (see `parseFrame`). @default undefined (every frame goes to `JSON.parse`)
   */
  readonly largePayload?: LargePayload;
}

// a kind name as the API spells them (`message`, `mcp_list_tools`, `output_audio`)
const KIND_NAME = /^[a-z][a-z0-9_]{0,63}$/;
// an enumerated value as the API spells them (`semantic_vad`, `audio/pcmu`, `gpt-4o-transcribe`)
const VALUE_NAME = /^[a-z][a-z0-9_./-]{0,63}$/;
// where the API nests items and content parts: `item`, `part`, `output[i]`, `content[i]`
const ITEM_KEYS = new Set(['item', 'part']);
const ITEM_LIST_KEYS = new Set(['output', 'content']);

/** What {@link addedLater} lets through, named as on the decode result. */
export interface AddedLater {
  readonly unknownKinds?: UnknownKind[];
  readonly unknownValues?: UnknownValue[];
}

/**
 * When every issue of a failed validation is a name the schemas do not list — an item's or
 * content part's `type`, or the value of an enumerated field (a picklist, a variant's
 * discriminator, or a union with a picklist branch) — it is something the API added after this
 * version, and the rest of the event was validated: valibot reports every issue; a variant with
 * an unknown discriminator reports only that, so what it governs (an unknown kind of item, a new
 * `turn_detection` object) passes unvalidated. Returns them sorted into kinds and values;
 * `undefined` when anything else is wrong (a wrong type, a missing field, a value that is not a
 * name).
 */
export function addedLater(issues: readonly v.BaseIssue<unknown>[]): AddedLater | undefined {
  const kinds: UnknownKind[] = [];
  const values: UnknownValue[] = [];
  for (const issue of issues) {
    const path = issue.path;
    // items, audio formats, tools and turn detection are variants on `type` (a variant reports an
    // unknown `type` alone, whatever fields the new form has); content parts are objects whose
    // `type` is a picklist; settings are picklists, or unions of one with other forms
    // (`tool_choice`: a mode or an object)
    if (path === undefined || path.length === 0) return undefined;
    // a union of a mode and object forms (`tool_choice`, `truncation`) given an object of a form
    // added later: the unknown value is the `type` its variant branch did not know
    const form = unknownFormOfUnion(issue);
    if (form !== undefined) {
      if (!VALUE_NAME.test(form.value)) return undefined;
      values.push({
        path: [...path, ...form.path].map((p) => String(p.key)).join('.'),
        value: form.value,
      });
      continue;
    }
    if (issue.type !== 'variant' && issue.type !== 'picklist' && !isEnumUnion(issue))
      return undefined;
    if (typeof issue.input !== 'string') return undefined;
    const keys = path.map((p) => String(p.key));
    if (isItemKind(path)) {
      if (!KIND_NAME.test(issue.input)) return undefined;
      kinds.push({ path: keys.slice(0, -1).join('.'), type: issue.input });
    } else {
      if (!VALUE_NAME.test(issue.input)) return undefined;
      values.push({ path: keys.join('.'), value: issue.input });
    }
  }
  if (kinds.length === 0 && values.length === 0) return undefined;
  return {
    ...(kinds.length > 0 ? { unknownKinds: kinds } : {}),
    ...(values.length > 0 ? { unknownValues: values } : {}),
  };
}

// a union that failed on a string, one of whose branches is an enumeration of names
function isEnumUnion(issue: v.BaseIssue<unknown>): boolean {
  return (
    issue.type === 'union' &&
    typeof issue.input === 'string' &&
    (issue.issues ?? []).some((i) => i.type === 'picklist' || i.type === 'literal')
  );
}

// a union that failed on an object because its variant branch does not know the object's
// discriminator (a variant reports an unknown one alone, at the discriminator's key); a known
// form with a broken field is reported by that form's own issues instead, never as a variant
// issue, and so is not taken for a new form
function unknownFormOfUnion(
  issue: v.BaseIssue<unknown>,
): { path: readonly { key: unknown }[]; value: string } | undefined {
  if (issue.type !== 'union' || typeof issue.input !== 'object' || issue.input === null)
    return undefined;
  for (const branch of issue.issues ?? []) {
    if (branch.type !== 'variant' || typeof branch.input !== 'string') continue;
    if (branch.path === undefined || branch.path.length === 0) continue;
    return { path: branch.path, value: branch.input };
  }
  return undefined;
}

// where the API nests items and content parts: `item.type`, `part.type`, `output.N.type`, `content.N.type`
function isItemKind(path: readonly { key: unknown }[]): boolean {
  if (path.length < 2 || path[path.length - 1]?.key !== 'type') return false;
  const holder = path[path.length - 2]?.key;
  const list = path.length >= 3 ? path[path.length - 3]?.key : undefined;
  return (
    (typeof holder === 'string' && ITEM_KEYS.has(holder)) ||
    (typeof holder === 'number' && typeof list === 'string' && ITEM_LIST_KEYS.has(list))
  );
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
    parsed =
      table.largePayload === undefined ? JSON.parse(frame) : parseFrame(frame, table.largePayload);
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
        const passed = table.passAddedLater === true ? addedLater(result.issues) : undefined;
        if (passed !== undefined) return { kind: 'event', event: table.map(obj, type), ...passed };
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
