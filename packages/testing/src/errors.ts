/**
 * Typed errors of the testing package. They carry stable `code` strings so that any test runner
 * (vitest, jest, node:test, mocha) can assert on them without importing anything of ours.
 * @module
 */

/** Base class of every error this package throws. */
export class FakeServerError extends Error {
  /** A stable machine-readable code. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FakeServerError';
    this.code = code;
  }
}

/** The codes of {@link ClockError}. */
export type ClockErrorCode =
  'CLOCK_BACKWARDS' | 'CLOCK_LOOP_LIMIT' | 'CLOCK_INVALID_TIME' | 'CLOCK_INVALID_ARGUMENT';

/**
 * A misuse of {@link SimulatedClock}: going back in time, a runaway timer loop, a time that is
 * not finite, or an argument of the wrong kind (`CLOCK_INVALID_ARGUMENT`: a timer callback that
 * is no function, a delay that is no number, an option out of range).
 */
export class ClockError extends FakeServerError {
  declare readonly code: ClockErrorCode;
  constructor(code: ClockErrorCode, message: string) {
    super(code, message);
    this.name = 'ClockError';
  }
}

/** A scripted expectation saw a different client event than it expected. */
export class UnexpectedClientEventError extends FakeServerError {
  /** The event type the scenario expected. */
  readonly expected: string;
  /** The event type that arrived instead (`undefined` when the connection closed first). */
  readonly actual: string | undefined;
  constructor(expected: string, actual: string | undefined, detail = '') {
    super(
      'UNEXPECTED_CLIENT_EVENT',
      `expected client event '${expected}' but ${actual === undefined ? 'the connection closed' : `got '${actual}'`}${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'UnexpectedClientEventError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** `assertComplete()` found expectations still waiting or scripted responses never used. */
export class IncompleteScenarioError extends FakeServerError {
  /** One line per unmet part of the scenario. */
  readonly pending: readonly string[];
  /**
   * What may explain them without being a failure of its own (a VAD turn still open, responses
   * the demo agent answered), one line each, shown after them in the message.
   */
  readonly notes: readonly string[];
  constructor(pending: readonly string[], notes: readonly string[] = []) {
    super(
      'INCOMPLETE_SCENARIO',
      `the scenario did not complete:\n- ${pending.join('\n- ')}${notes.length ? `\nnote:\n- ${notes.join('\n- ')}` : ''}`,
    );
    this.name = 'IncompleteScenarioError';
    this.pending = pending;
    this.notes = notes;
  }
}

/** `assertClosed()` found a connection still open. */
export class TransportNotClosedError extends FakeServerError {
  /** How many connections are still open. */
  readonly openConnections: number;
  constructor(openConnections: number) {
    super(
      'TRANSPORT_NOT_CLOSED',
      `expected every connection to be closed, but ${openConnections} still open`,
    );
    this.name = 'TransportNotClosedError';
    this.openConnections = openConnections;
  }
}

/** Bad options passed to the fake server, the ws server or the CLI. */
export class FakeServerOptionsError extends FakeServerError {
  constructor(message: string) {
    super('INVALID_OPTIONS', message);
    this.name = 'FakeServerOptionsError';
  }
}

/** A `connector` call was refused by fault injection (`server.faults.rejectNextConnect`). */
export class ConnectRejectedError extends FakeServerError {
  constructor(message = 'the fake server refused the connection (fault injection)') {
    super('CONNECT_REJECTED', message);
    this.name = 'ConnectRejectedError';
  }
}

/** A transport was used after it closed. */
export class TransportClosedError extends FakeServerError {
  constructor(message = 'the transport is closed') {
    super('TRANSPORT_CLOSED', message);
    this.name = 'TransportClosedError';
  }
}

/**
 * `startFakeWsServer({ webRtc: true })` could not load `werift`, the optional peer dependency
 * its real WebRTC endpoint is made with (`cause` is the import's error).
 */
export class WebRtcUnavailableError extends FakeServerError {
  declare readonly code: 'WEBRTC_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEBRTC_UNAVAILABLE', message, options);
    this.name = 'WebRtcUnavailableError';
  }
}
