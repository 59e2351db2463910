/**
 * A server `error` whose code no retry can fix (`FATAL_ERROR_CODES`: a bad key, a deactivated
 * account, no quota left, a model the API does not serve) ends the session, as LiveKit's does
 * (livekit/agents#6352, agents-js#2031). The server mostly closes the socket right after it
 * (close 3000 or 4000, in the same millisecond): that close, classified as fatal, ends the
 * session with its own code (`AUTH_FAILED`, `SOCKET_CLOSED`), as before. One that keeps the
 * socket open (no quota on a live session) would refuse every later request while the session
 * looked alive: after a grace for that close, the session ends with `FATAL_SERVER_ERROR`.
 * @module
 */
import { FATAL_ERROR_CODES, type Clock, type TimerId } from '@voxwire/protocol';
import { VoxwireError, type ServerError } from './errors.js';

/** How long a fatal server error waits for the server's own close before it ends the session. */
export const FATAL_ERROR_CLOSE_GRACE_MS = 1_000;

/** What the watch needs of the session. */
export interface FatalServerErrorHost {
  readonly clock: Clock;
  /** Whether the session is closing or closed. */
  closed(): boolean;
  /** Ends the session with `error` (`closed { error }`; pending promises reject with it). */
  end(error: VoxwireError): void;
}

/**
 * Whether `error` is fatal; if so, ends the session after the grace unless it ended by then.
 * Returns the timer to clear when the session closes first (`undefined`: nothing scheduled).
 */
export function endAfterFatalError(
  host: FatalServerErrorHost,
  error: ServerError,
): TimerId | undefined {
  if (error.code === null || !FATAL_ERROR_CODES.has(error.code)) return undefined;
  return host.clock.setTimeout(() => {
    if (host.closed()) return;
    host.end(
      new VoxwireError(
        'FATAL_SERVER_ERROR',
        `the server reported ${error.code}, which no retry can fix: the session ends`,
        { cause: error, data: { code: error.code, param: error.param } },
      ),
    );
  }, FATAL_ERROR_CLOSE_GRACE_MS);
}
