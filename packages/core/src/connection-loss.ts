/**
 * What ends a connection, as the supervisor reports it: the retry class and the typed error of a
 * transport's close (before or after `open`), and the errors of a transport the supervisor drops
 * itself (a server that never spoke, a transport that never reported its close) or that reports
 * an error without a close. Apart from `connection.ts`, which decides what to do with them.
 * @module
 */
import { CloseCode } from '@voxwire/protocol';
import { connectFailure, describe, transportData } from './connect-attempt.js';
import { EXPIRY_TOLERANCE_MS, type RetryClass } from './connection-retry.js';
import type { ConnectionState } from './connection-state.js';
import { VoxwireError } from './errors.js';
import { classifyFailure } from './reconnect/policy.js';

/** A transport close, as `onclose` reported it, with the transport error that preceded it. */
export interface CloseReport {
  readonly code: number;
  readonly reason: string;
  readonly cause: Error | undefined;
}

/** How a close is to be retried, and the error the session reports for it. */
export interface Loss {
  readonly klass: RetryClass;
  readonly error: VoxwireError;
}

/** The age and limit of an open connection, to tell an expiry the server did not name as one. */
export interface ConnectionAge {
  /** Time since the connection opened, ms. */
  readonly ageMs: number;
  /** The provider's maximum session duration, when the connector gave one. */
  readonly maxSessionDurationMs: number | undefined;
}

/**
 * An open connection closed without being asked to: fatal for a fatal close code, transport
 * error or server error code; immediate for an expiry (named, or at the session limit).
 */
export function lossOfOpen(
  close: CloseReport,
  serverErrorCode: string | undefined,
  age: ConnectionAge,
): Loss {
  const { code, cause } = close;
  const max = age.maxSessionDurationMs;
  const klass = classifyFailure({
    cause,
    closeCode: code,
    serverErrorCode,
    // the age tells an expiry the server did not name as one
    atSessionLimit: max !== undefined && max > 0 && age.ageMs >= max - EXPIRY_TOLERANCE_MS,
  });
  const expired = klass.immediate;
  const error = new VoxwireError(
    code === CloseCode.AuthFailed ? 'AUTH_FAILED' : expired ? 'SESSION_EXPIRED' : 'SOCKET_CLOSED',
    `the connection closed unexpectedly (${closeLabel(close)})`,
    { cause, data: closeData(close, klass) },
  );
  return { klass, error };
}

/** A connect attempt failed (the connector, the transport's start, the deadline). */
export function lossOfConnect(cause: unknown): Loss {
  return { klass: classifyFailure({ cause }), error: connectFailure(cause) };
}

/**
 * The transport closed before the session could use it: a failed connect (`CONNECT_FAILED`, or
 * `AUTH_FAILED` for 3000), never an expiry.
 */
export function lossBeforeOpen(close: CloseReport, serverErrorCode: string | undefined): Loss {
  const { code, cause } = close;
  const klass = classifyFailure({ cause, closeCode: code, serverErrorCode, atSessionLimit: false });
  const error = new VoxwireError(
    code === CloseCode.AuthFailed ? 'AUTH_FAILED' : 'CONNECT_FAILED',
    `connect failed: the connection closed before it could be used (${closeLabel(close)})`,
    { cause, data: closeData(close, klass) },
  );
  return { klass, error };
}

/** The error a planned rollover ends the connection with (no failure: no retry is used up). */
export function plannedRollover(maxSessionDurationMs: number | undefined): VoxwireError {
  return new VoxwireError(
    'ROLLOVER',
    'planned session rollover before the server maximum session duration',
    { data: { maxSessionDurationMs } },
  );
}

/** The error of an accepted connection on which the server sent nothing within `ms`. */
export function serverSilent(ms: number): VoxwireError {
  return new VoxwireError(
    'CONNECT_TIMEOUT',
    `the server accepted the connection but sent nothing within ${ms} ms`,
    { data: { timeoutMs: ms, phase: 'session' } },
  );
}

/** The error of a transport error that no close followed. */
export function transportFault(error: Error): VoxwireError {
  // an app callback the transport calls (a WebRTC connector's `onRemoteAudio`) failed: the
  // socket is fine, and the app should see its own failure by its own code
  if (error instanceof VoxwireError && error.code === 'LISTENER_FAILED') return error;
  return new VoxwireError('SOCKET_ERROR', `transport error: ${describe(error)}`, {
    cause: error,
    data: transportData(error),
  });
}

/** The error of a transport dropped because it never reported its close. */
export function unresponsive(detail: string): VoxwireError {
  return new VoxwireError('SOCKET_CLOSED', `the transport never reported its close: ${detail}`, {
    data: { code: CloseCode.Abnormal, reason: 'transport unresponsive' },
  });
}

/** The error of a transport dropped because audio waited on buffered bytes that never went down. */
export function undrained(ms: number): VoxwireError {
  return new VoxwireError(
    'SOCKET_CLOSED',
    `the transport's buffered bytes did not go down for ${ms} ms while input audio waited: the network is taken for dead`,
    { data: { code: CloseCode.Abnormal, reason: 'transport not draining' } },
  );
}

/** The error of a transport dropped because the server answered nothing to an event it always answers. */
export function unanswered(ms: number): VoxwireError {
  return new VoxwireError(
    'SOCKET_CLOSED',
    `the server sent nothing for ${ms} ms after a client event it always answers: the network is taken for dead`,
    { data: { code: CloseCode.Abnormal, reason: 'server silent' } },
  );
}

/** `1006` or `1006 reason`, for a message. */
function closeLabel({ code, reason }: CloseReport): string {
  return `${code}${reason ? ` ${reason}` : ''}`;
}

/** What `error.data` says of a close. */
function closeData(
  { code, reason, cause }: CloseReport,
  klass: RetryClass,
): Record<string, unknown> {
  return { code, reason, fatal: klass.fatal, ...transportData(cause) };
}

/**
 * The `SESSION_CLOSED` of a call made once the session is over: its `cause` is the error that
 * ended it (`AUTH_FAILED`, `RECONNECT_FAILED`, …), so a call after a fatal end says why; none
 * after a `close()` the app asked for.
 */
export function sessionClosed(state: ConnectionState): VoxwireError {
  const cause = state.status === 'closed' ? state.error : undefined;
  return new VoxwireError(
    'SESSION_CLOSED',
    cause === undefined
      ? 'the session is closed'
      : `the session is closed: it ended with ${cause.code}`,
    cause === undefined ? {} : { cause },
  );
}
