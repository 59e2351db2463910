/**
 * The seams between layers (architecture.md, "The contracts"). They live in `protocol` so that
 * `testing` can implement them without importing `core`, and `core` re-exports them.
 * @module
 */

/**
 * A connected message pipe, nothing more: no session verbs. `core` owns the session semantics.
 *
 * Ordering contract (as MCP's Transport): the owner sets `onmessage`, `onclose` and `onerror`
 * first, then calls `start()`. An adapter buffers frames that arrive before `onmessage` is set.
 * `onclose` fires exactly once per transport, whatever ended it.
 */
export interface Transport {
  /** Opens the connection (if needed) and begins delivery. Rejects when the connection fails. */
  start(): Promise<void>;
  /**
   * Sends one text frame. Throws if the transport is not open; an error with
   * `code: 'NOT_CONNECTED'` (the socket is closing, `onclose` follows) makes `core` keep the
   * event for the next connection instead of failing it.
   */
  send(frame: string): void;
  /** Closes the connection; resolves once `onclose` has fired. */
  close(code?: number, reason?: string): Promise<void>;
  /** Bytes accepted by `send` but not yet written to the network, when the adapter knows it. */
  readonly bufferedAmount?: number;
  /** One inbound frame: text, or binary (which the Realtime API never sends, so decoders flag it). */
  onmessage?: ((frame: string | Uint8Array) => void) | undefined;
  /** The connection ended. `code` follows RFC 6455 and the Realtime API's own codes (3000, 4000). */
  onclose?: ((code: number, reason: string) => void) | undefined;
  /** A transport-level failure. It does not imply close; `onclose` reports that. */
  onerror?: ((error: Error) => void) | undefined;
  /** The adapter's underlying object (a `ws` socket, say), for escape hatches. */
  readonly raw?: unknown;
}

/** Which attempt a connector is asked for: 0 for the first connect, then 1, 2, … for reconnects. */
export interface ConnectAttempt {
  /** 0-based attempt number. */
  readonly attempt: number;
  /** Aborted when the session gives up on this attempt (timeout or close). */
  readonly signal: AbortSignal;
}

/** The wire dialect a connector speaks. `core` always works in the GA model; a codec translates. */
export type Dialect = 'ga' | 'beta';

/** What a connector hands back: a fresh, unstarted transport plus what it connected to. */
export interface Connection {
  /** The transport; `core` sets its callbacks and calls `start()`. */
  readonly transport: Transport;
  /** The dialect the server on the other end speaks. */
  readonly dialect: Dialect;
  /** Server's maximum session duration in ms, when the provider documents one (OpenAI 60 min, Azure 30 min). */
  readonly maxSessionDurationMs?: number | undefined;
  /** A short, secret-free description for logs ("openai wss://api.openai.com/v1/realtime?model=…"). */
  readonly description?: string | undefined;
  /**
   * Where the audio travels. `'events'`: in the events themselves (`input_audio_buffer.append`,
   * `response.output_audio.delta`), as over a WebSocket. `'media'`: on the media tracks of a
   * WebRTC peer connection, while the events travel on its data channel: the server plays the
   * answer itself and reports it (`output_audio_buffer.started`/`stopped`/`cleared`), so `core`
   * interrupts with `output_audio_buffer.clear` instead of cutting at an estimated position.
   * @default 'events'
   */
  readonly audioPath?: AudioPath | undefined;
  /**
   * Whether the server keeps the session when this connection ends: a side-band WebSocket to a
   * WebRTC or SIP call (`?call_id=`), whose call goes on without it. A reconnect then attaches to
   * the same session, conversation and all, so `core` restores nothing into it (no item created
   * again, no audio replayed, no cut answer retold) and never rolls it over to a fresh session
   * (the call's session is the call's).
   * @default false (each connection is a fresh session, restored after a drop)
   */
  readonly persistentSession?: boolean | undefined;
}

/** Where a connection's audio travels: see {@link Connection.audioPath}. */
export type AudioPath = 'events' | 'media';

/**
 * How `core` gets a fresh transport for each (re)connect. Adapters (`@voxwire/node`,
 * `@voxwire/azure`, `@voxwire/testing`) produce connectors; they resolve credentials on every
 * call so that an expiring token is re-acquired on reconnect.
 */
export type Connector = (attempt: ConnectAttempt) => Promise<Connection>;

/** A timer handle; opaque to callers. */
export type TimerId = number | { [Symbol.toPrimitive](): number } | object;

/**
 * Time, injected. One per session, never a module singleton, so two sessions in one test can run
 * on different clocks. `testing` ships `SimulatedClock`; `systemClock` wraps the globals.
 */
export interface Clock {
  /** Milliseconds since an arbitrary epoch (the system clock uses the Unix epoch). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerId;
  /** Cancels a timer; unknown or undefined ids are ignored. */
  clearTimeout(id: TimerId | undefined): void;
}

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Logging, injected. `fields` is structured context (session id, event type, …). Callers must
 * never put API keys, tokens or audio payloads in either argument.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Makes unique ids. `prefix` is a hint such as `"event"` or `"item"`. */
export type IdGenerator = (prefix: string) => string;

/** Milliseconds to wait before reconnect attempt `attempt` (1-based), or `undefined` to give up. */
export type BackoffPolicy = (attempt: number, random: () => number) => number | undefined;

/** A logger that drops everything; the default where no logger is injected. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Time from the host's globals. Kept as lambdas over `globalThis` (as TanStack's timeout manager
 * does) so that fake timers installed later in a test still take effect, and so that this module
 * names no global at import time.
 */
export const systemClock: Clock = {
  now: () => hostNow(),
  setTimeout: (fn, ms) => {
    if (!(ms > MAX_HOST_DELAY_MS)) return hostTimers().setTimeout(fn, ms);
    // hosts keep a delay in 32 bits and fire a longer one at once (Node warns and uses 1 ms), so
    // a long one (a session limit set to days, say) waits in steps; Infinity never fires
    const timer = new LongTimer();
    if (ms === Number.POSITIVE_INFINITY) return timer;
    const due = hostNow() + ms;
    const step = () => {
      const left = due - hostNow();
      timer.host =
        left > MAX_HOST_DELAY_MS
          ? hostTimers().setTimeout(step, MAX_HOST_DELAY_MS)
          : hostTimers().setTimeout(fn, Math.max(0, left));
    };
    step();
    return timer;
  },
  clearTimeout: (id) => {
    if (id === undefined) return;
    if (id instanceof LongTimer) {
      if (id.host !== undefined) hostTimers().clearTimeout(id.host);
      id.host = undefined;
    } else hostTimers().clearTimeout(id);
  },
};

/** The longest delay a host timer takes: 2³¹ − 1 ms (24.8 days). */
const MAX_HOST_DELAY_MS = 2 ** 31 - 1;

/** A {@link systemClock} timer longer than the host takes: the host timer of its current step. */
class LongTimer {
  host: TimerId | undefined;
}

interface HostTimers {
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId): void;
}

function hostTimers(): HostTimers {
  return globalThis as unknown as HostTimers;
}

function hostNow(): number {
  return (globalThis as unknown as { Date: DateConstructor }).Date.now();
}

/**
 * A counter-based id generator: `prefix_<base36 counter>_<salt>`. Deterministic for a given
 * salt, which is what tests want; pass a random salt (or your own generator) in production.
 */
export function createCounterIdGenerator(salt = ''): IdGenerator {
  let n = 0;
  return (prefix) => `${prefix}_${(++n).toString(36).padStart(4, '0')}${salt ? `_${salt}` : ''}`;
}

/**
 * Exponential backoff with equal jitter, capped: attempt n waits between half and all of
 * `initialMs · 2ⁿ⁻¹` (never beyond `maxMs`); after `maxAttempts` it gives up.
 */
export function exponentialBackoff(
  options: {
    /** The ceiling of the first wait, ms (each later one doubles it). @default 250 */
    initialMs?: number;
    /** The ceiling no wait goes beyond, ms. @default 10000 */
    maxMs?: number;
    /** Retries before it gives up (returns `undefined`). @default 8 */
    maxAttempts?: number;
  } = {},
): BackoffPolicy {
  const { initialMs = 250, maxMs = 10_000, maxAttempts = 8 } = options;
  return (attempt, random) => {
    if (attempt > maxAttempts) return undefined;
    const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
    // the jitter keeps many clients that lost the same server from reconnecting in lockstep;
    // the half kept fixed keeps each wait from collapsing to nothing
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };
}
