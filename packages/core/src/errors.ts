/**
 * The two error families of architecture.md: `VoxwireError` for what goes wrong on this side of
 * the wire (stable string codes, the original `cause`), and `ServerError` for the server's own
 * `error` event, carried verbatim.
 * @module
 */
import type { ProtocolViolation, ServerErrorDetails } from '@voxwire/protocol';

/**
 * Stable codes of local errors. What `data` holds for each:
 * - `NOT_CONNECTED`: nothing; the session was never connected or is between connections.
 * - `CONNECT_TIMEOUT`: `{ timeoutMs }`; plus `transportCode` when the adapter's own handshake
 *   timeout fired first (`cause` is the adapter's error); `phase: 'session'` when the server
 *   accepted the connection but sent nothing in time.
 * - `CONNECT_FAILED`: `cause` is what the connector or `transport.start()` threw, and `data` its
 *   `transportCode`, `httpStatus` and `retryAfterMs` when it has them; for a transport that closed
 *   before it could be used, `{ code, reason, fatal }` of the close.
 * - `ABORTED`: nothing; a transport's `start()` rejects with it when its own `close()` (or an
 *   abort) ended the connect: the caller's doing, not a failed handshake.
 * - `SOCKET_CLOSED`: `{ code, reason, fatal }` of the close (`fatal`: it ends the session), plus
 *   the transport error's `transportCode`, `httpStatus`, `retryAfterMs` when it has them.
 * - `SOCKET_ERROR`: the error's `transportCode`, `httpStatus`, `retryAfterMs` when it has them;
 *   `cause` is the transport's error (one no close followed).
 * - `PROTOCOL_VIOLATION`: `{ violation }` (a {@link ProtocolViolation}; its `frame` is for the app, never logged).
 * - `ENCODE_FAILED`: nothing; `cause` is the codec's `ProtocolEncodeError`.
 * - `AUTH_FAILED`: `{ code, reason, fatal }` of the close that refused the credentials (3000), or
 *   the adapter error's `transportCode` and `httpStatus` (HTTP 401/403).
 * - `TIMEOUT`: `{ timeoutMs, operation, key }` for a request with no answer in time (`operation`:
 *   `item.create`, `item.truncate`, `item.delete`, `item.retrieve`, `session.update`, or
 *   `response.create` for a `generate()`; `key`: the item id, `session`, or the request's tag);
 *   `{ toolName, callId, timeoutMs }` as the `signal` reason of a tool call past its time limit.
 * - `BACKPRESSURE`: `{ queuedBytes, maxQueuedBytes }`; the outbound queue is full and the audio policy is `'error'`,
 *   or `{ stream }` when a slow stream consumer overflowed a stream whose policy is `'error'`.
 * - `SESSION_EXPIRED`: `{ code, reason }`; the server ended the session at its maximum duration (close 1001).
 * - `ROLLOVER`: `{ maxSessionDurationMs }`; the cause of a planned reconnect before the maximum duration.
 * - `RECONNECT_FAILED`: `{ attempts, lastCode }`; the reconnect supervisor gave up (`cause` is the last failure).
 * - `RESPONSE_STALLED`: `{ responseId, idleMs }`; a response in progress received no event for `stallTimeoutMs`.
 * - `SESSION_CLOSED`: nothing; the session was closed before the operation could finish.
 * - `FATAL_SERVER_ERROR`: `{ code, param }` of a server error whose code is in `FATAL_ERROR_CODES`
 *   (`cause` is the `ServerError`) on a socket the server kept open: the session ended.
 * - `SESSION_CONFIG_REFUSED`: `{ code, param }` of the server's error (`cause` is the `ServerError`);
 *   the server refused the session's first `session.update`, so it runs a configuration the app
 *   did not ask for: the session closed with this error.
 * - `INVALID_ARGUMENT`: `{ argument }`, the name of the offending argument.
 * - `LISTENER_FAILED`: `{ event }`; `cause` is what a listener threw. For a feature's hook:
 *   `{ event: hook, feature: name }`.
 * - `RESPONSE_FAILED`: `{ responseId, status, statusDetails }`; the server ended a response `failed`
 *   (`statusDetails.error`) or `incomplete` (`statusDetails.reason`: `max_output_tokens`,
 *   `content_filter`). Emitted on `error` before its `response_done`.
 * - `RESPONSE_IN_PROGRESS`: `{ responseId }`; `response.generate({ onDuplicate: 'cancel_new' })`
 *   declined to ask for a response while one is in progress or already asked for (`responseId`
 *   is `undefined` when it is a request the server has not answered yet).
 * - `UNKNOWN_PREDECESSOR`, `DUPLICATE_ITEM`, `UNKNOWN_ITEM`, `UNSUPPORTED_CONTENT`, `INVALID_ITEM`:
 *   `{ itemId? }`; thrown as `ConversationError` by the chat context, its converters and the mirror.
 * - `CHAT_SYNC_FAILED`: `{ failures, succeeded }`; `setChatCtx` rejects with a `ChatSyncError`.
 * - `INVALID_TOOL`, `DUPLICATE_TOOL`, `SCHEMA_CONVERSION`: `{ toolName? }`; a tool set was refused (`ToolError`).
 * - `TOOL_LOOP_LIMIT`: `{ maxToolOnlyRounds }`; emitted on `error` when a `tool_choice: "required"`
 *   loop was stopped (`ToolError`).
 * - `UNKNOWN_TOOL_CHOICE`: `{ toolName, option }`; a forced tool choice names a function (or an
 *   MCP `server_label`) that is not among the tools in force, or a tools change would leave the
 *   session's choice naming a removed tool (`ToolError`, thrown before anything is sent).
 * - `UNSERIALIZABLE_RESULT`: `{ path }` (`result.items[2]`); a tool's result has a part with no
 *   JSON form (`ToolError`, the `cause` of an `unserializable_result` failure; its own `cause`
 *   is what a `toJSON()` threw, when one did).
 */
export type VoxwireErrorCode =
  | 'NOT_CONNECTED'
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_FAILED'
  | 'ABORTED'
  | 'SOCKET_CLOSED'
  | 'SOCKET_ERROR'
  | 'PROTOCOL_VIOLATION'
  | 'ENCODE_FAILED'
  | 'AUTH_FAILED'
  | 'TIMEOUT'
  | 'BACKPRESSURE'
  | 'SESSION_CLOSED'
  | 'SESSION_CONFIG_REFUSED'
  | 'FATAL_SERVER_ERROR'
  | 'INVALID_ARGUMENT'
  | 'LISTENER_FAILED'
  | 'RESPONSE_FAILED'
  | 'RESPONSE_IN_PROGRESS'
  | 'SESSION_EXPIRED'
  | 'ROLLOVER'
  | 'RECONNECT_FAILED'
  | 'RESPONSE_STALLED'
  | 'UNKNOWN_PREDECESSOR'
  | 'DUPLICATE_ITEM'
  | 'UNKNOWN_ITEM'
  | 'UNSUPPORTED_CONTENT'
  | 'INVALID_ITEM'
  | 'CHAT_SYNC_FAILED'
  | 'INVALID_TOOL'
  | 'DUPLICATE_TOOL'
  | 'SCHEMA_CONVERSION'
  | 'TOOL_LOOP_LIMIT'
  | 'UNKNOWN_TOOL_CHOICE'
  | 'UNSERIALIZABLE_RESULT';

/** Options of {@link VoxwireError}. */
export interface VoxwireErrorOptions {
  /** The underlying error, kept as is. @default undefined */
  cause?: unknown;
  /** Structured detail; see {@link VoxwireErrorCode} for what each code puts here. @default {} */
  data?: Record<string, unknown>;
}

/** A local engine error: never crossed the wire. Branch on `code`, not on the message. */
export class VoxwireError extends Error {
  override readonly name: string = 'VoxwireError';
  /** The stable code. */
  readonly code: VoxwireErrorCode;
  /** Structured detail for the code. */
  readonly data: Readonly<Record<string, unknown>>;

  /** Creates an error with a stable `code`. */
  constructor(code: VoxwireErrorCode, message: string, options: VoxwireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data ?? {};
  }

  /** The protocol violation, for `PROTOCOL_VIOLATION` errors. */
  get violation(): ProtocolViolation | undefined {
    return this.data['violation'] as ProtocolViolation | undefined;
  }
}

/**
 * The server's `error` event, verbatim: `type`, `code`, `message`, `param`, and `event_id` (the
 * client event it refers to, when the server could tell). `serverEventId` is the id of the
 * `error` event itself.
 */
export class ServerError extends Error {
  override readonly name: string = 'ServerError';
  /** Error family, such as `invalid_request_error` or `server_error`. */
  readonly type: string;
  /** Machine code, such as `conversation_already_has_active_response`; `null` when absent. */
  readonly code: string | null;
  /** The offending parameter's dotted path, when the server names one. */
  readonly param: string | null;
  /** The client event id this error answers, when known. */
  readonly eventId: string | null;
  /** The server's id of the `error` event. */
  readonly serverEventId: string | null;
  /** The whole `error` object as received. */
  readonly details: ServerErrorDetails;

  /** Wraps the `error` object of a server `error` event. */
  constructor(details: ServerErrorDetails, serverEventId: string | null = null) {
    super(details.message);
    this.details = details;
    this.type = details.type;
    this.code = details.code ?? null;
    this.param = details.param ?? null;
    this.eventId = details.event_id ?? null;
    this.serverEventId = serverEventId;
  }
}

/** Whatever the `error` event carries: a local failure or the server's own error. */
export type SessionError = VoxwireError | ServerError;

/** Coerces a thrown value into an `Error` (listeners may throw anything). */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
