/**
 * One connect attempt's deadlines and failure mapping, apart from the supervisor that schedules
 * attempts: the connect timeout taken from the clock, the abort that `close()` uses while
 * connecting, the same timeout on the first server frame once open, and the typed error a failed
 * attempt becomes.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

/**
 * The bounds of one connect attempt: race `expired` and `aborted` against the connector and the
 * transport's `start()`. Both promises are pre-handled: they may settle after the race is decided
 * and must never surface as unhandled rejections.
 */
export class ConnectDeadline {
  /** Aborted by the timeout or by `close()` while connecting; its signal goes to the connector. */
  readonly controller = new AbortController();
  /** Rejects with `CONNECT_TIMEOUT` once the timeout passes. */
  readonly expired: Promise<never>;
  /** Rejects with `SESSION_CLOSED` once the controller aborts. */
  readonly aborted: Promise<never>;
  readonly #clock: Clock;
  readonly #timer: TimerId;
  #rejectAborted: (error: VoxwireError) => void = () => undefined;
  readonly #onAborted = (): void =>
    this.#rejectAborted(
      new VoxwireError('SESSION_CLOSED', 'the session was closed while connecting'),
    );

  /** Arms the timeout at once: `timeoutMs` covers the connector and the transport's start. */
  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    let rejectExpired: (error: VoxwireError) => void = () => undefined;
    this.expired = new Promise<never>((_, reject) => {
      rejectExpired = reject;
    });
    this.#timer = clock.setTimeout(() => {
      // reject before aborting, so the race reports the timeout and not the abort
      rejectExpired(
        new VoxwireError('CONNECT_TIMEOUT', `connect did not complete within ${timeoutMs} ms`, {
          data: { timeoutMs },
        }),
      );
      this.controller.abort();
    }, timeoutMs);
    this.aborted = new Promise<never>((_, reject) => {
      this.#rejectAborted = reject;
    });
    this.controller.signal.addEventListener('abort', this.#onAborted, { once: true });
    this.expired.catch(() => undefined);
    this.aborted.catch(() => undefined);
  }

  /** `step` (the connector, the transport's start) raced against the timeout and the abort. */
  race<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.expired, this.aborted]);
  }

  /**
   * The transport started: stops the timeout, and throws `SESSION_CLOSED` when `close()` aborted
   * the attempt meanwhile (the start may have won the race in the same tick).
   */
  started(): void {
    this.disarm();
    if (this.controller.signal.aborted)
      throw new VoxwireError('SESSION_CLOSED', 'the session was closed while connecting');
  }

  /** Stops the timeout (the attempt is decided). */
  disarm(): void {
    this.#clock.clearTimeout(this.#timer);
  }

  /** Drops the abort listener, which would keep this whole attempt alive for the connection's life. */
  release(): void {
    this.controller.signal.removeEventListener('abort', this.#onAborted);
  }
}

/**
 * The second half of the connect timeout: an accepted socket that never sends a frame is as dead
 * as one that never connects. Armed when the transport opens, stopped by the first frame (and by
 * the end of the connection); `onSilent` runs if none came within the timeout.
 */
export class FirstFrameDeadline {
  /** The bound, ms (the session's `connectTimeoutMs`). */
  readonly timeoutMs: number;
  readonly #clock: Clock;
  #timer: TimerId | undefined;

  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /** Starts the bound on a connection that just opened. */
  arm(onSilent: () => void): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      onSilent();
    }, this.timeoutMs);
  }

  /** A frame came, or the connection ended. Hot path (once per frame): no-op once stopped. */
  stop(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * The typed error a failed attempt reports: the cause itself when already typed. An adapter's own
 * handshake timeout (`@voxwire/node`'s `TransportError('CONNECT_TIMEOUT')`, a connector given a
 * shorter `connectTimeoutMs` than the session) is the same failure as the session's deadline, so
 * the app sees `CONNECT_TIMEOUT` with `data.timeoutMs` either way, not a `CONNECT_FAILED`.
 */
export function connectFailure(cause: unknown): VoxwireError {
  if (cause instanceof VoxwireError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 'CONNECT_TIMEOUT') {
    const timeoutMs = (cause as { timeoutMs?: unknown }).timeoutMs;
    return new VoxwireError('CONNECT_TIMEOUT', `connect timed out: ${describe(cause)}`, {
      cause,
      data: {
        ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
        ...transportData(cause),
      },
    });
  }
  const auth = code === 'AUTH_FAILED';
  return new VoxwireError(
    auth ? 'AUTH_FAILED' : 'CONNECT_FAILED',
    `connect failed: ${describe(cause)}`,
    { cause, data: transportData(cause) },
  );
}

/** An error's message, or the value as a string. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What an adapter's typed error says (`code`, `httpStatus`, `retryAfterMs`), for `error.data`. */
export function transportData(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as { code?: unknown; httpStatus?: unknown; retryAfterMs?: unknown };
  const out: Record<string, unknown> = {};
  if (typeof e.code === 'string') out['transportCode'] = e.code;
  if (typeof e.httpStatus === 'number') out['httpStatus'] = e.httpStatus;
  if (typeof e.retryAfterMs === 'number') out['retryAfterMs'] = e.retryAfterMs;
  return out;
}
