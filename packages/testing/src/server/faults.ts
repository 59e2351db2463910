/**
 * Fault injection, as `server.faults`: rules for the outbound stream of every connection
 * (close at a point, drop, duplicate, delay, stall), bad frames on demand, refused reconnects
 * and early expiry.
 * @module
 */
import { FakeServerOptionsError } from '../errors.js';
import { checkCloseCode } from './close-codes.js';
import { unknownClientEventType, unknownServerEventType } from './event-names.js';
import type { FaultRule } from './outbound.js';

/** Options of a close fault. */
export interface CloseFaultOptions {
  /**
   * The close code: 1000–1003, 1007–1014 or 3000–4999, or 1006 to "drop the socket without a
   * close frame" (the ws mode terminates it). Others throw {@link FakeServerOptionsError}.
   * @default 1006
   */
  readonly code?: number | undefined;
  /**
   * The close reason (at most 123 bytes of UTF-8).
   * @default ''
   */
  readonly reason?: string | undefined;
}

/** The `error` object a {@link FaultInjector.refuse} rule answers with (`event_id` is the client's). */
export interface RefusalError {
  /**
   * The error's type.
   * @default 'server_error'
   */
  readonly type?: string | undefined;
  /**
   * The error's code.
   * @default null
   */
  readonly code?: string | null | undefined;
  /**
   * The error's message.
   * @default 'The server had an error while processing your request.'
   */
  readonly message?: string | undefined;
  /**
   * The parameter the error names.
   * @default null
   */
  readonly param?: string | null | undefined;
}

/** Options of {@link FaultInjector.refuse}. */
export interface RefuseFaultOptions {
  /**
   * Which event of that type to refuse, counted per connection from its start among the events
   * the server would act on (ones refused for a bad field or schema are not counted).
   * @default 1
   */
  readonly occurrence?: number | undefined;
  /**
   * The error to answer with (each field has its own default).
   * @default a generic server_error
   */
  readonly error?: RefusalError | undefined;
}

/** A rule on client events: the `occurrence`-th event of `type` is answered with `error`, not acted on. */
export interface RefusalRule {
  readonly type: string;
  readonly occurrence: number;
  readonly error: {
    readonly type: string;
    readonly code: string | null;
    readonly message: string;
    readonly param: string | null;
  };
}

/** What the server side needs to run the ad-hoc faults. */
export interface FaultTarget {
  sendRaw(frame: string | Uint8Array): void;
  /** Expires the open sessions after `afterMs`, or the next one to open when none is. */
  expire(afterMs: number): void;
  releaseAll(): void;
  /**
   * Forgets an expiry waiting for the next connection (`clear()`).
   * @default none: nothing waits
   */
  clearPending?(): void;
  /**
   * How many events of `type` the open connection has counted (see `Outbound.counted`);
   * `undefined` when no connection is open (a rule added then counts from the next one's start).
   * @default none: occurrences are not checked against the open connection
   */
  counted?(type: string): number | undefined;
  /**
   * How many client events of `type` the open connection has counted for refusals (see
   * `RefuseFaultOptions.occurrence`); `undefined` when no connection is open.
   * @default none: occurrences are not checked against the open connection
   */
  clientCounted?(type: string): number | undefined;
}

/**
 * Builds and holds fault rules. A rule fires once per connection: each connection counts events
 * and uses rules on its own, so a reconnect meets the same rules again (a test of one cut clears
 * them, e.g. on the session's `disconnected`); `clear()` removes them all. Rules name server
 * events as in the GA model in both dialects (`response.output_audio.delta`, not beta's
 * `response.audio.delta`); a type the fake never sends throws {@link FakeServerOptionsError}, as
 * does a number that could never apply (an occurrence below 1, a negative count or delay) and an
 * occurrence the open connection has already sent (it counts from the connection's start: add
 * the rule with `occurrence: connection.outbound.counted(type) + 1`, or, for the next
 * connection, from a `disconnected` listener).
 */
export class FaultInjector {
  readonly #rules: FaultRule[] = [];
  readonly #refusals: RefusalRule[] = [];
  #rejects: Error[] = [];

  constructor(private readonly target: FaultTarget) {}

  /** The active rules (read by every connection's outbound queue). */
  get rules(): readonly FaultRule[] {
    return this.#rules;
  }

  /** The active refusals (read by every connection as client events arrive). */
  get refusals(): readonly RefusalRule[] {
    return this.#refusals;
  }

  /**
   * Closes the connection right after the `count`-th server event of a connection (counted from
   * its start, duplicates included). Unlike an occurrence, a count the open connection has
   * already passed does not throw: it closes that connection right after its next event (fault
   * suites rely on it to cut "about now").
   */
  closeAfterEvents(count: number, options: CloseFaultOptions = {}): this {
    const code = options.code ?? 1006;
    const reason = options.reason ?? '';
    checkCount('closeAfterEvents', 'count', count, 0);
    checkCloseCode(code, reason, 'server.faults.closeAfterEvents');
    this.#rules.push({ action: 'close_after_count', count, code, reason });
    return this;
  }

  /** Closes the connection at the `occurrence`-th event of `type`: before it is sent (default) or after. */
  closeAt(
    type: string,
    options: CloseFaultOptions & {
      /** Which occurrence of `type`, 1-based, counted per connection. @default 1 */
      occurrence?: number;
      /** Close before that event is sent, or right after it. @default 'before' */
      when?: 'before' | 'after';
    } = {},
  ): this {
    checkType(type);
    const code = options.code ?? 1006;
    const reason = options.reason ?? '';
    checkCloseCode(code, reason, 'server.faults.closeAt');
    if (options.occurrence !== undefined)
      checkCount('closeAt', 'occurrence', options.occurrence, 1);
    this.#checkNotPassed('closeAt', type, options.occurrence ?? 1);
    this.#rules.push({
      action: 'close',
      type,
      occurrence: options.occurrence,
      when: options.when ?? 'before',
      code,
      reason,
    });
    return this;
  }

  /** Never sends the `occurrence`-th event of `type`. */
  drop(type: string, occurrence = 1): this {
    checkType(type);
    checkCount('drop', 'occurrence', occurrence, 1);
    this.#checkNotPassed('drop', type, occurrence);
    this.#rules.push({ action: 'drop', type, occurrence });
    return this;
  }

  /** Sends the `occurrence`-th event of `type` `1 + times` times. */
  duplicate(
    type: string,
    options: {
      /** Extra copies sent after the event itself. @default 1 */
      times?: number;
      /** Which occurrence of `type`, 1-based, counted per connection. @default 1 */
      occurrence?: number;
    } = {},
  ): this {
    checkType(type);
    if (options.occurrence !== undefined)
      checkCount('duplicate', 'occurrence', options.occurrence, 1);
    checkCount('duplicate', 'times', options.times ?? 1, 1);
    this.#checkNotPassed('duplicate', type, options.occurrence ?? 1);
    this.#rules.push({
      action: 'duplicate',
      type,
      occurrence: options.occurrence,
      times: options.times ?? 1,
    });
    return this;
  }

  /** Holds the `occurrence`-th event of `type` (and everything after it, order is kept) for `ms` of clock time. */
  delay(type: string, ms: number, occurrence = 1): this {
    checkType(type);
    checkMs('delay', 'ms', ms);
    checkCount('delay', 'occurrence', occurrence, 1);
    this.#checkNotPassed('delay', type, occurrence);
    this.#rules.push({ action: 'delay', type, ms, occurrence });
    return this;
  }

  /** Stops delivery at the `occurrence`-th event of `type` until {@link release}. */
  stallAt(type: string, occurrence = 1): this {
    checkType(type);
    checkCount('stallAt', 'occurrence', occurrence, 1);
    this.#checkNotPassed('stallAt', type, occurrence);
    this.#rules.push({ action: 'stall', type, occurrence });
    return this;
  }

  /**
   * Answers the `occurrence`-th client event of `type` (on each connection) with an `error`
   * carrying its `event_id`, and does not act on it, as the real server does with any event it
   * refuses: to test how an agent copes with a refused tool output, `session.update` or
   * `response.create` without finding an input the real server would refuse. The event is still
   * recorded (and met by expectations): the client did send it. A type no client event has
   * throws {@link FakeServerOptionsError}, as does an occurrence the open connection has passed.
   */
  refuse(type: string, options: RefuseFaultOptions = {}): this {
    const unknown = unknownClientEventType(type);
    if (unknown !== undefined) throw new FakeServerOptionsError(`server.faults: ${unknown}`);
    const occurrence = options.occurrence ?? 1;
    checkCount('refuse', 'occurrence', occurrence, 1);
    this.#checkNotPassed('refuse', type, occurrence, this.target.clientCounted?.(type), 'received');
    const error = options.error ?? {};
    this.#refusals.push({
      type,
      occurrence,
      error: {
        type: error.type ?? 'server_error',
        code: error.code ?? null,
        message: error.message ?? 'The server had an error while processing your request.',
        param: error.param ?? null,
      },
    });
    return this;
  }

  // Occurrences count from the start of each connection: one the open connection has already
  // sent would never fire on it (only on a later connection), and a test waiting for the fault
  // would wait forever without a word. Refused, naming the occurrence that would fire next.
  #checkNotPassed(
    method: string,
    type: string,
    occurrence: number,
    counted = this.target.counted?.(type),
    verb = 'sent',
  ): void {
    if (counted === undefined || occurrence > counted) return;
    throw new FakeServerOptionsError(
      `server.faults.${method}: the open connection has already ${verb} ${counted} '${type}' ` +
        `event(s), so occurrence ${occurrence} (counted from the connection's start) would never ` +
        `fire on it; use occurrence ${counted + 1} for the next one, or add the rule when no ` +
        `connection is open (e.g. from a 'disconnected' listener) to target the next connection`,
    );
  }

  /** Lets stalled connections go on. */
  release(): void {
    this.target.releaseAll();
  }

  /**
   * Sends a text frame that is not JSON. On the latest connection; nothing when it is closed.
   */
  sendMalformed(frame = '{"type": "response.output_text.delta", '): void {
    this.target.sendRaw(frame);
  }

  /**
   * Sends a binary frame (the real server never does). On the latest connection; nothing when it is closed.
   */
  sendBinary(bytes: Uint8Array = new Uint8Array([0x7b, 0x7d])): void {
    this.target.sendRaw(bytes);
  }

  /**
   * Sends an event type no schema knows (clients must pass it through). On the latest connection; nothing when it is closed.
   */
  sendUnknownEvent(
    type = 'response.future_feature.delta',
    fields: Record<string, unknown> = {},
  ): void {
    this.target.sendRaw(JSON.stringify({ type, event_id: 'event_unknown', ...fields }));
  }

  /**
   * Sends a known event type whose fields break its schema (a string where a number belongs). On the latest connection; nothing when it is closed.
   */
  sendSchemaInvalid(
    frame: Record<string, unknown> = {
      type: 'response.output_audio.delta',
      event_id: 'event_bad',
      response_id: 'resp_x',
      item_id: 'item_x',
      output_index: 'zero',
      content_index: 0,
      delta: 42,
    },
  ): void {
    this.target.sendRaw(JSON.stringify(frame));
  }

  /** Makes the next `count` connection attempts fail (connector rejects; ws mode answers 503). */
  rejectConnects(
    count = 1,
    error: Error = new Error('fake server: connection refused (fault injection)'),
  ): this {
    checkCount('rejectConnects', 'count', count, 0);
    for (let i = 0; i < count; i++) this.#rejects.push(error);
    return this;
  }

  /** Takes one pending connect rejection, if any (used by the connector and the ws mode). */
  takeConnectRejection(): Error | undefined {
    return this.#rejects.shift();
  }

  /**
   * Ends open sessions with `session_expired` + close 1001 after `afterMs` of clock time. With
   * none open (set up before the agent connects, or from a `disconnected` listener) it ends the
   * next session to open, `afterMs` after it opens; that one only.
   */
  expireSession(afterMs = 0): void {
    checkMs('expireSession', 'afterMs', afterMs);
    this.target.expire(afterMs);
  }

  /** Removes every rule, refusal, pending rejection and expiry waiting for the next connection. */
  clear(): void {
    this.#rules.length = 0;
    this.#refusals.length = 0;
    this.target.clearPending?.();
    this.#rejects = [];
  }

  /**
   * One line per active rule (`drop response.done`), fired or not: each connection applies the
   * rules afresh, so "fired" has no single answer. `assertComplete` does not look at rules.
   */
  describe(): string[] {
    return [
      ...this.#rules.map((r) => `${r.action}${'type' in r && r.type ? ` ${r.type}` : ''}`),
      ...this.#refusals.map((r) => `refuse ${r.type}`),
    ];
  }
}

// a rule on a type the fake never sends would silently never fire
function checkType(type: string): void {
  const unknown = unknownServerEventType(type);
  if (unknown !== undefined) throw new FakeServerOptionsError(`server.faults: ${unknown}`);
}

// an occurrence of 0 or 1.5, a count of -1: the rule would silently never apply
function checkCount(method: string, name: string, value: number, min: 0 | 1): void {
  if (!Number.isInteger(value) || value < min)
    throw new FakeServerOptionsError(
      `server.faults.${method}: ${name} must be an integer ≥ ${min}, got ${value}`,
    );
}

function checkMs(method: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new FakeServerOptionsError(
      `server.faults.${method}: ${name} must be a finite number ≥ 0, got ${value}`,
    );
}
