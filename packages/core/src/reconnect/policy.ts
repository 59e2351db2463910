/**
 * Reconnect options and the classification of failures: which ones a reconnect can cure
 * (network errors, HTTP 429/5xx, unexpected closes, session expiry, keep-alive timeouts) and
 * which ones it cannot (bad key, bad model, bad request shape), so that a supervisor retries
 * the first kind with backoff and stops at once on the second.
 * @module
 */
import type { BackoffPolicy } from '@voxwire/protocol';
import {
  CloseCode,
  FATAL_CLOSE_CODES,
  FATAL_ERROR_CODES,
  exponentialBackoff,
} from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';

/** Reconnection settings of a session (`reconnect` engine option). */
export interface ReconnectOptions {
  /**
   * Delay before reconnect attempt n (1-based), or `undefined` to give up. Jittered through the
   * injected `random`, capped by the policy.
   * @default exponentialBackoff({ initialMs: 250, maxMs: 10000, maxAttempts: 8 })
   */
  backoff?: BackoffPolicy | undefined;
  /**
   * Most reconnect attempts in a row: the count starts again once a connection has stayed up
   * 30 s (`STABLE_CONNECTION_MS`), not at the first successful restore, so a server that accepts
   * and drops every connection still ends in `RECONNECT_FAILED`. Whichever of this and the
   * backoff policy gives up first wins.
   * @default 8
   */
  maxAttempts?: number | undefined;
  /**
   * The longest `Retry-After` (a 429 or 503 from the API or a gateway) the session waits for.
   * A live call cannot hold its caller for the hour a gateway may ask: a longer one ends the
   * session at once with `RECONNECT_FAILED` (`data.retryAfterMs` says what was asked), so the
   * app can tell the caller or fail over, rather than retrying sooner than the server allows.
   * @default 60000
   */
  maxRetryAfterMs?: number | undefined;
  /**
   * Input audio appended while disconnected is kept up to this many bytes of wire audio
   * (base64 PCM16 at 24 kHz is ≈64 kB per second) and sent after the restore; beyond it the
   * oldest is dropped and counted in `session.stats.audioDroppedWhileDisconnected`.
   * @default 655360 (about 10 s of 24 kHz PCM16)
   */
  maxBufferedAudioBytes?: number | undefined;
  /**
   * Open a fresh session this long before the server's maximum session duration
   * (`Connection.maxSessionDurationMs`: OpenAI 60 min, Azure 30 min), at the first quiet moment
   * (no response in progress, no user speech). `false` turns rollover off (the server's
   * `session_expired` then triggers an ordinary reconnect).
   * @default 300000 (5 minutes)
   */
  rolloverMarginMs?: number | false | undefined;
  /**
   * How the restore re-creates an answer the app truncated after a barge-in
   * (`conversation.item.truncate`). The server keeps the audio up to `audio_end_ms` and drops the
   * transcript, and a fresh session cannot take assistant audio. `'heard'` re-creates the answer
   * as the text that was heard: its transcript cut in proportion to the audio played
   * (`audio_end_ms` ÷ audio received), back to the last whole word, so the model still knows what
   * it had said before it was interrupted. It needs the answer's response to be still known
   * (retained, `maxRetainedResponses`, or the newest response with audio); otherwise, or with
   * `'skip'`, the answer is left out of the restore
   * (`reconnected.skippedItems`) and removed from the mirror. An answer the drop cut off
   * mid-stream follows the same rule: with `'heard'` it is restored as the text heard so far
   * (its received transcript cut to the share of its audio played; a text answer: all the text
   * received), ended with `...` and named in `reconnected.cutOffItemIds`; nothing heard, or no
   * transcript yet, and it is left out.
   * @default 'heard'
   */
  truncatedAnswers?: 'heard' | 'skip' | undefined;
}

/** The resolved settings. */
export interface ResolvedReconnect {
  readonly enabled: boolean;
  readonly backoff: BackoffPolicy;
  readonly maxAttempts: number;
  readonly maxRetryAfterMs: number;
  readonly maxBufferedAudioBytes: number;
  readonly rolloverMarginMs: number | false;
  readonly truncatedAnswers: 'heard' | 'skip';
}

/** Default backoff: 250 ms doubling to 10 s, equal jitter, 8 attempts. */
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = exponentialBackoff({
  initialMs: 250,
  maxMs: 10_000,
  maxAttempts: 8,
});
/** Default cap on reconnect attempts in a row. */
export const DEFAULT_RECONNECT_MAX_ATTEMPTS = 8;
/** Default longest `Retry-After` waited for. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
/** Default audio kept while disconnected: 10 s of base64 PCM16 at 24 kHz. */
export const DEFAULT_MAX_BUFFERED_AUDIO_BYTES = 640 * 1024;
/** Default rollover margin before the server's maximum session duration. */
export const DEFAULT_ROLLOVER_MARGIN_MS = 5 * 60_000;

function invalid(argument: string, message: string): never {
  throw new VoxwireError('INVALID_ARGUMENT', message, { data: { argument } });
}

/** Validates and fills in `reconnect` (`false` disables reconnection; rollover goes with it). */
export function resolveReconnect(options: ReconnectOptions | false | undefined): ResolvedReconnect {
  if (options === false) {
    return {
      enabled: false,
      backoff: DEFAULT_RECONNECT_BACKOFF,
      maxAttempts: 0,
      maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
      maxBufferedAudioBytes: DEFAULT_MAX_BUFFERED_AUDIO_BYTES,
      rolloverMarginMs: false,
      truncatedAnswers: 'heard',
    };
  }
  const o = options ?? {};
  if (typeof o !== 'object' || o === null)
    invalid('reconnect', 'reconnect must be an object or false');
  if (o.backoff !== undefined && typeof o.backoff !== 'function')
    invalid(
      'reconnect.backoff',
      'reconnect.backoff must be a function (attempt, random) => ms | undefined',
    );
  const maxAttempts = o.maxAttempts ?? DEFAULT_RECONNECT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 0)
    invalid('reconnect.maxAttempts', 'reconnect.maxAttempts must be an integer ≥ 0');
  const maxRetryAfterMs = o.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  if (typeof maxRetryAfterMs !== 'number' || !(maxRetryAfterMs >= 0))
    invalid('reconnect.maxRetryAfterMs', 'reconnect.maxRetryAfterMs must be a number ≥ 0');
  const maxBufferedAudioBytes = o.maxBufferedAudioBytes ?? DEFAULT_MAX_BUFFERED_AUDIO_BYTES;
  if (typeof maxBufferedAudioBytes !== 'number' || !(maxBufferedAudioBytes >= 0)) {
    invalid(
      'reconnect.maxBufferedAudioBytes',
      'reconnect.maxBufferedAudioBytes must be a number ≥ 0',
    );
  }
  const margin = o.rolloverMarginMs ?? DEFAULT_ROLLOVER_MARGIN_MS;
  if (margin !== false && (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0)) {
    invalid(
      'reconnect.rolloverMarginMs',
      'reconnect.rolloverMarginMs must be a finite number ≥ 0 or false',
    );
  }
  const truncatedAnswers = o.truncatedAnswers ?? 'heard';
  if (truncatedAnswers !== 'heard' && truncatedAnswers !== 'skip')
    invalid('reconnect.truncatedAnswers', "reconnect.truncatedAnswers must be 'heard' or 'skip'");
  return {
    enabled: maxAttempts > 0,
    backoff: o.backoff ?? DEFAULT_RECONNECT_BACKOFF,
    maxAttempts,
    maxRetryAfterMs,
    maxBufferedAudioBytes,
    rolloverMarginMs: margin,
    truncatedAnswers,
  };
}

/** How a failure bears on reconnecting. */
export interface FailureClass {
  /** Reconnecting cannot help (bad credentials, bad model, bad request shape). */
  readonly fatal: boolean;
  /** The server asked for this delay (HTTP `Retry-After`), ms. */
  readonly retryAfterMs: number | undefined;
  /** Reconnect at once, without backoff (session expiry, planned rollover). */
  readonly immediate: boolean;
}

// INVALID_ARGUMENT: a connector refused its own options (a bad URL or key): retrying cannot help
const FATAL_TRANSPORT_CODES = new Set(['AUTH_FAILED', 'BAD_REQUEST', 'INVALID_ARGUMENT']);

/**
 * Classifies what ended a connection or failed a connect. Reads, duck-typed, the typed errors of
 * the adapters (`@voxwire/node`'s `TransportError`: `code`, `fatal`, `httpStatus`,
 * `retryAfterMs`), the close code, a fatal server error code seen just before, and whether the
 * connection had reached its provider's maximum session duration.
 */
export function classifyFailure(input: {
  cause?: unknown | undefined;
  closeCode?: number | undefined;
  serverErrorCode?: string | undefined;
  /**
   * The connection closed at (or past) its maximum session duration: that is the expiry, whatever
   * the server said (Azure sends a generic error at its 30-minute limit: livekit/agents#2341).
   */
  atSessionLimit?: boolean | undefined;
}): FailureClass {
  const c = (typeof input.cause === 'object' && input.cause !== null ? input.cause : {}) as {
    code?: unknown | undefined;
    fatal?: unknown | undefined;
    httpStatus?: unknown | undefined;
    retryAfterMs?: unknown | undefined;
  };
  const status = typeof c.httpStatus === 'number' ? c.httpStatus : undefined;
  const fatal =
    c.fatal === true ||
    (typeof c.code === 'string' && FATAL_TRANSPORT_CODES.has(c.code)) ||
    status === 401 ||
    status === 403 ||
    (input.closeCode !== undefined && FATAL_CLOSE_CODES.has(input.closeCode)) ||
    (input.serverErrorCode !== undefined && FATAL_ERROR_CODES.has(input.serverErrorCode));
  const retryAfterMs =
    typeof c.retryAfterMs === 'number' && Number.isFinite(c.retryAfterMs) && c.retryAfterMs >= 0
      ? c.retryAfterMs
      : undefined;
  const immediate =
    input.closeCode === CloseCode.GoingAway ||
    c.code === 'SESSION_EXPIRED' ||
    input.serverErrorCode === 'session_expired' ||
    (input.atSessionLimit === true && !fatal);
  return { fatal, retryAfterMs, immediate };
}
