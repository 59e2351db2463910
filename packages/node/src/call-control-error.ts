/**
 * The typed error of the Realtime calls endpoints (`realtimeCalls()`).
 * @module
 */
import { isRetriableRestFailure } from './rest-request.js';

/** Which call request failed. */
export type CallOperation = 'create' | 'accept' | 'reject' | 'refer' | 'hangup';

/** Codes of {@link CallControlError}. */
export type CallControlErrorCode =
  /** The server answered with an HTTP error (see `status`, `serverCode`): 404 for an unknown or ended call. */
  | 'HTTP_ERROR'
  /** The request did not reach the server, its answer was cut off, or the caller's signal aborted it. */
  | 'NETWORK_ERROR'
  /** The request did not complete within `timeoutMs`; it was aborted. Retriable. */
  | 'TIMEOUT'
  /** `create` was answered 2xx with a body that is no SDP answer. */
  | 'INVALID_RESPONSE';

/** What a {@link CallControlError} knows besides its code. */
export interface CallControlErrorDetails {
  /** The call the request was about (all but `create`). */
  readonly callId?: string | undefined;
  /** HTTP status, for `HTTP_ERROR`. */
  readonly status?: number | undefined;
  /** The server's `error.code`, redacted. */
  readonly serverCode?: string | undefined;
  /** The server's `error.type`, redacted. */
  readonly type?: string | undefined;
  /** The server's `Retry-After`, ms. */
  readonly retryAfterMs?: number | undefined;
  /** The caller's abort reason, or a redacted copy of what `fetch` threw. */
  readonly cause?: unknown;
}

/**
 * A call request failed. Neither the message nor any field contains the API key or a
 * credential-like value of the base URL's query; the call id is no secret and is kept in the
 * message, so a log line says which call it was.
 */
export class CallControlError extends Error {
  override readonly name = 'CallControlError';
  /** Stable machine-readable code. */
  readonly code: CallControlErrorCode;
  /** Which request failed. */
  readonly operation: CallOperation;
  /** The call it was about; `undefined` for `create`. */
  readonly callId: string | undefined;
  /** HTTP status, for `HTTP_ERROR`. */
  readonly status: number | undefined;
  /** The server's `error.code` (e.g. `invalid_api_key`), when it sent one; redacted. */
  readonly serverCode: string | undefined;
  /** The server's `error.type`, when it sent one; redacted. */
  readonly type: string | undefined;
  /**
   * True for network errors, timeouts, 408, 429 and 5xx: trying again later may work. Note that
   * an `accept` that timed out may have reached the server: a retry can then be answered 4xx.
   */
  readonly retriable: boolean;
  /**
   * For `HTTP_ERROR`, how long the server asked to wait before trying again, ms (its
   * `Retry-After`); `undefined` when it did not say.
   */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: CallControlErrorCode,
    operation: CallOperation,
    message: string,
    details: CallControlErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.operation = operation;
    this.callId = details.callId;
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.type = details.type;
    this.retryAfterMs = details.retryAfterMs;
    this.retriable = isRetriableRestFailure(code, details.status);
  }
}
