/**
 * The codec contract: what decoding yields, the typed violation, the encode error.
 * @module
 */
import type { Dialect } from '../contracts.js';
import type { ClientEvent, ServerEvent } from '../schemas/ga.js';

/** One schema issue, with a dotted path (`response.output.0.content`) and a message without values. */
export interface ProtocolIssue {
  /** Dotted path of the offending field; `''` for the frame itself. */
  path: string;
  /** What was expected and what kind of value arrived (never the value: it may hold user speech). */
  message: string;
}

/** Why a frame could not become an event. */
export type ProtocolViolationReason =
  'invalid_json' | 'binary_frame' | 'not_an_object' | 'missing_type' | 'schema_mismatch';

/** A frame that is not a valid event of this dialect. Decoding returns it; it never throws. */
export interface ProtocolViolation {
  /** The category of the fault. */
  reason: ProtocolViolationReason;
  /** A human-readable summary. Never contains the frame itself. */
  message: string;
  /** The event type, when the frame had one. */
  type?: string;
  /** Schema issues (for `schema_mismatch`). */
  issues?: ProtocolIssue[];
  /** The offending frame, for the application. Do not log it: it may hold audio or speech. */
  frame: string | Uint8Array;
}

/**
 * An item or content part of a kind this version does not know (the API added it later), found
 * in an otherwise valid event and passed through as the server sent it, unvalidated.
 */
export interface UnknownKind {
  /** Dotted path of the object in the event (`item`, `response.output.1`, `part`). */
  readonly path: string;
  /** Its `type`, as the server sent it. */
  readonly type: string;
}

/**
 * A value of an enumerated field this version does not know (a new voice-activity detector, a new
 * `status_details.reason`, a new role), found in an otherwise valid event and passed through as
 * the server sent it. Whatever the value governs (an unknown `turn_detection` object, say) was
 * not validated.
 */
export interface UnknownValue {
  /** Dotted path of the field (`session.audio.input.turn_detection.type`). */
  readonly path: string;
  /** The value, as the server sent it. */
  readonly value: string;
}

/**
 * The outcome of decoding one frame. `unknownKinds` is set when the event was accepted with items
 * or content parts of kinds this version does not know, `unknownValues` when it was accepted with
 * values of enumerated fields this version does not know; everything else in it was validated.
 */
export type DecodeResult<E> =
  | {
      kind: 'event';
      event: E;
      unknownKinds?: readonly UnknownKind[];
      unknownValues?: readonly UnknownValue[];
    }
  | { kind: 'unknown'; type: string; raw: Record<string, unknown> }
  | { kind: 'violation'; violation: ProtocolViolation };

/** Options of `encodeClientEvent`. */
export interface EncodeOptions {
  /**
   * Validate the event against its schema before serialising. Turn off only for events you
   * built from already-validated parts on a hot path (e.g. audio appends).
   * @default true
   */
  validate?: boolean;
  /**
   * Only with `validate: false`, and only for `input_audio_buffer.append`: the caller promises
   * that `audio` is base64 it encoded itself (nothing but `A–Z a–z 0–9 + / =`), so the codec
   * writes the frame around it without scanning ~1.3 KB per 20 ms frame for characters to
   * escape (`JSON.stringify` does, and it costs more than the base64 encoding). The frame is
   * byte-identical to the `JSON.stringify` one; an event with other keys, or in another key
   * order, is serialised the ordinary way. A broken promise gives a frame the server rejects.
   * @default false
   */
  audioIsBase64?: boolean;
}

/** A client event that cannot be encoded: invalid, unknown, or without a form in this dialect. */
export class ProtocolEncodeError extends Error {
  /** Stable error code. */
  readonly code = 'PROTOCOL_ENCODE' as const;
  /** The event type, when known. */
  readonly type: string | undefined;
  /** Schema issues, or the field that has no form in the target dialect. */
  readonly issues: ProtocolIssue[];

  constructor(
    message: string,
    options: { type?: string | undefined; issues?: ProtocolIssue[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProtocolEncodeError';
    this.type = options.type;
    this.issues = options.issues ?? [];
  }
}

/**
 * A wire dialect: turns frames into GA-model events and GA-model events into frames.
 * Both directions exist so that the fake server (in `@voxwire/testing`) reuses the same codecs.
 */
export interface DialectCodec {
  /** Which dialect this codec speaks. */
  readonly dialect: Dialect;
  /** Client side: a server frame → a GA-model server event. Never throws. */
  decodeServerEvent(frame: string | Uint8Array): DecodeResult<ServerEvent>;
  /** Client side: a GA-model client event → a frame. Throws `ProtocolEncodeError`. */
  encodeClientEvent(event: ClientEvent, options?: EncodeOptions): string;
  /** Server side (the fake): a client frame → a GA-model client event. Never throws. */
  decodeClientEvent(frame: string | Uint8Array): DecodeResult<ClientEvent>;
  /** Server side: a GA-model server event → a frame, or `null` when the dialect has no form for it. */
  encodeServerEvent(event: ServerEvent): string | null;
}
