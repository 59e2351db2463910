/**
 * Fault injection, as `server.faults`: rules for the outbound stream of every connection
 * (close at a point, drop, duplicate, delay, stall), bad frames on demand, refused reconnects
 * and early expiry.
 * @module
 */
import { FakeServerOptionsError } from '../errors.js';
import { checkCloseCode } from './close-codes.js';
import { unknownClientEventType } from './event-names.js';
import {
  checkCount,
  checkMs,
  checkNotPassed,
  checkScopeOpen,
  checkType,
  occurrenceOf,
} from './fault-checks.js';
import { describeRule, FaultLedger } from './fault-ledger.js';
import {
  isScoped,
  optionalOf,
  scopeOf,
  type CloseFaultOptions,
  type FaultRuleOptions,
  type FaultScope,
  type FaultScopeOptions,
  type OccurrenceFaultOptions,
  type RefusalRule,
  type RefuseFaultOptions,
  type RejectConnectsOptions,
} from './fault-options.js';
import type { FaultRule } from './outbound.js';

export type {
  CloseFaultOptions,
  FaultRuleOptions,
  FaultScope,
  FaultScopeOptions,
  OccurrenceFaultOptions,
  RefusalError,
  RefusalRule,
  RefuseFaultOptions,
  RejectConnectsOptions,
} from './fault-options.js';

/** What the server side needs to run the ad-hoc faults. */
export interface FaultTarget {
  sendRaw(frame: string | Uint8Array): void;
  /**
   * Expires the open sessions after `afterMs`, or the next one to open when none is; calls
   * `fired` each time that ends a session still open (for `assertComplete`).
   */
  expire(afterMs: number, fired: () => void): void;
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
  /**
   * Whether the connection of that index is open (`true`), has closed or is closing (`false`),
   * or has not opened yet (`undefined`): a rule scoped to a closed connection could never fire.
   * @default none: scopes are not checked against the connections
   */
  connectionOpen?(index: number): boolean | undefined;
  /**
   * The index of the latest connection when it is open (the one `counted` counts), else
   * `undefined`.
   * @default none: a scoped rule's occurrence is not checked against the open connection
   */
  openIndex?(): number | undefined;
}

/**
 * Builds and holds fault rules. A rule fires once per connection: each connection counts events
 * and uses rules on its own, so a reconnect meets the same rules again, unless the rule is scoped
 * (`{ once: true }`: the first connection where it applies; `{ connection: i }`: that one only),
 * which is spent once it fired; `clear()` removes them all. Rules name server
 * events as in the GA model in both dialects (`response.output_audio.delta`, not beta's
 * `response.audio.delta`); a type the fake never sends throws {@link FakeServerOptionsError}, as
 * does a number that could never apply (an occurrence below 1, a negative count or delay) and an
 * occurrence the open connection has already sent (it counts from the connection's start: add
 * the rule with `occurrence: connection.outbound.counted(type) + 1`, or, for the next
 * connection, from a `disconnected` listener).
 *
 * Every rule, refusal, connect rejection and expiry is expected to fire on some connection:
 * `assertComplete()` lists those that never did (a test of a fault that never happened tests
 * nothing). One that may legitimately not fire takes `{ optional: true }`.
 */
export class FaultInjector {
  readonly #rules: FaultRule[] = [];
  readonly #refusals: RefusalRule[] = [];
  #rejects: { readonly error: Error; readonly optional: boolean }[] = [];
  // rejections clear() dropped before any connect took them (never optional ones)
  #clearedRejects = 0;
  readonly #ledger = new FaultLedger();
  readonly #trackers: (() => readonly string[])[] = [];

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
   * Notes that a rule or refusal applied on a connection (called by the connections), so that
   * `assertComplete()` does not report it.
   */
  markFired(rule: FaultRule | RefusalRule): void {
    this.#ledger.fired(rule);
    // a scoped rule fires once in the server's life: spent, it leaves the active rules, so no
    // later connection applies it and describe() no longer lists it
    if (!isScoped(rule)) return;
    if ('action' in rule) remove(this.#rules, rule);
    else remove(this.#refusals, rule);
  }

  /**
   * Adds the faults of a mode built on this server to what {@link neverFired} (and so
   * `assertComplete()`) reports: `tracker` returns one line per fault of its own never used (the
   * ws mode's `refuseUpgrades` counts), so they fail the same check as the rules here.
   */
  addTracker(tracker: () => readonly string[]): void {
    this.#trackers.push(tracker);
  }

  #add(rule: FaultRule, optional: boolean): this {
    this.#rules.push(rule);
    this.#ledger.track(rule, () => this.#neverFiredLine(rule), optional);
    return this;
  }

  // a rule scoped to a connection that never opened says so: the test's agent reconnected
  // fewer times than it assumed, not the event never came
  #neverFiredLine(rule: FaultRule | RefusalRule): string {
    const line = describeRule(rule);
    const index = rule.connection;
    return index !== undefined && this.target.connectionOpen?.(index) === undefined
      ? `${line}: connection ${index} never opened`
      : line;
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
    const optional = optionalOf('closeAfterEvents', options);
    const scope = this.#scope('closeAfterEvents', options);
    return this.#add({ action: 'close_after_count', count, code, reason, ...scope }, optional);
  }

  /** Closes the connection at the `occurrence`-th event of `type`: before it is sent (default) or after. */
  closeAt(
    type: string,
    options: CloseFaultOptions &
      OccurrenceFaultOptions & {
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
    const optional = optionalOf('closeAt', options);
    const scope = this.#scope('closeAt', options);
    checkNotPassed(this.target, 'closeAt', type, options.occurrence ?? 1, scope);
    const when = options.when ?? 'before';
    return this.#add(
      { action: 'close', type, occurrence: options.occurrence, when, code, reason, ...scope },
      optional,
    );
  }

  /**
   * Never sends the `occurrence`-th event of `type`: a number, or options with it (and
   * `optional`, `connection`, `once`).
   */
  drop(type: string, occurrence: number | OccurrenceFaultOptions = 1): this {
    checkType(type);
    const { n, optional, scope } = occurrenceOf('drop', occurrence);
    checkScopeOpen(this.target, 'drop', scope);
    checkNotPassed(this.target, 'drop', type, n, scope);
    return this.#add({ action: 'drop', type, occurrence: n, ...scope }, optional);
  }

  /** Sends the `occurrence`-th event of `type` `1 + times` times. */
  duplicate(
    type: string,
    options: OccurrenceFaultOptions & {
      /** Extra copies sent after the event itself. @default 1 */
      times?: number;
    } = {},
  ): this {
    checkType(type);
    if (options.occurrence !== undefined)
      checkCount('duplicate', 'occurrence', options.occurrence, 1);
    checkCount('duplicate', 'times', options.times ?? 1, 1);
    const optional = optionalOf('duplicate', options);
    const scope = this.#scope('duplicate', options);
    checkNotPassed(this.target, 'duplicate', type, options.occurrence ?? 1, scope);
    const times = options.times ?? 1;
    return this.#add(
      { action: 'duplicate', type, occurrence: options.occurrence, times, ...scope },
      optional,
    );
  }

  /**
   * Holds the `occurrence`-th event of `type` (and everything after it, order is kept) for `ms`
   * of clock time. `occurrence`: a number, or options with it (and `optional`, `connection`,
   * `once`).
   */
  delay(type: string, ms: number, occurrence: number | OccurrenceFaultOptions = 1): this {
    checkType(type);
    checkMs('delay', 'ms', ms);
    const { n, optional, scope } = occurrenceOf('delay', occurrence);
    checkScopeOpen(this.target, 'delay', scope);
    checkNotPassed(this.target, 'delay', type, n, scope);
    return this.#add({ action: 'delay', type, ms, occurrence: n, ...scope }, optional);
  }

  /**
   * Stops delivery at the `occurrence`-th event of `type` until {@link release}.
   * `occurrence`: a number, or options with it (and `optional`, `connection`, `once`).
   */
  stallAt(type: string, occurrence: number | OccurrenceFaultOptions = 1): this {
    checkType(type);
    const { n, optional, scope } = occurrenceOf('stallAt', occurrence);
    checkScopeOpen(this.target, 'stallAt', scope);
    checkNotPassed(this.target, 'stallAt', type, n, scope);
    return this.#add({ action: 'stall', type, occurrence: n, ...scope }, optional);
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
    const optional = optionalOf('refuse', options);
    const scope = this.#scope('refuse', options);
    checkNotPassed(this.target, 'refuse', type, occurrence, scope, 'client');
    const error = options.error ?? {};
    const rule: RefusalRule = {
      type,
      occurrence,
      ...scope,
      error: {
        type: error.type ?? 'server_error',
        code: error.code ?? null,
        message: error.message ?? 'The server had an error while processing your request.',
        param: error.param ?? null,
      },
    };
    this.#refusals.push(rule);
    this.#ledger.track(rule, () => this.#neverFiredLine(rule), optional);
    return this;
  }

  #scope(method: string, options: FaultScopeOptions): FaultScope {
    const scope = scopeOf(method, options);
    checkScopeOpen(this.target, method, scope);
    return scope;
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

  /**
   * Makes the next `count` connection attempts fail (connector rejects; ws mode answers 503).
   * The second argument is the error, or options with it (and `optional`). Rejections no
   * attempt took are reported by `assertComplete()` unless optional.
   */
  rejectConnects(count = 1, error: Error | RejectConnectsOptions = {}): this {
    checkCount('rejectConnects', 'count', count, 0);
    const options = error instanceof Error ? { error } : error;
    const optional = optionalOf('rejectConnects', options);
    const rejection = {
      error: options.error ?? new Error('fake server: connection refused (fault injection)'),
      optional,
    };
    for (let i = 0; i < count; i++) this.#rejects.push(rejection);
    return this;
  }

  /** Takes one pending connect rejection, if any (used by the connector and the ws mode). */
  takeConnectRejection(): Error | undefined {
    return this.#rejects.shift()?.error;
  }

  /**
   * Ends open sessions with `session_expired` + close 1001 after `afterMs` of clock time. With
   * none open (set up before the agent connects, or from a `disconnected` listener) it ends the
   * next session to open, `afterMs` after it opens; that one only. `assertComplete()` reports
   * it unless it ended a session still open (or `options.optional`).
   */
  expireSession(afterMs = 0, options: FaultRuleOptions = {}): void {
    checkMs('expireSession', 'afterMs', afterMs);
    const optional = optionalOf('expireSession', options);
    // a token of its own: one call may schedule on several connections, any of which fires it
    const token = {};
    this.#ledger.track(token, `expireSession (after ${afterMs} ms)`, optional);
    this.target.expire(afterMs, () => this.#ledger.fired(token));
  }

  /**
   * Removes every rule, refusal, pending rejection and expiry waiting for the next connection.
   * One removed before it ever fired is still reported by `assertComplete()` (unless optional):
   * it never did what the test set it up for.
   */
  clear(): void {
    this.#rules.length = 0;
    this.#refusals.length = 0;
    this.target.clearPending?.();
    this.#clearedRejects += this.#rejects.filter((r) => !r.optional).length;
    this.#rejects = [];
  }

  /**
   * One line per active rule (`drop response.done`, `drop response.done (occurrence 2)`), fired
   * or not: each connection applies the rules afresh; a scoped rule (`connection`, `once`) that
   * fired is spent and no longer listed. {@link neverFired} says which never applied.
   */
  describe(): string[] {
    return [...this.#rules.map(describeRule), ...this.#refusals.map(describeRule)];
  }

  /**
   * What `assertComplete()` reports: one `fault rule never fired: …` line (in the words of
   * {@link describe}) per rule, refusal and expiry that never applied on any connection, cleared
   * ones included, the connect rejections no attempt took, and what trackers added with
   * {@link addTracker} report (the ws mode's unused `refuseUpgrades`); optional ones left out. A
   * rule that fired on any connection counts as fired.
   */
  neverFired(): string[] {
    const rejects = this.#clearedRejects + this.#rejects.filter((r) => !r.optional).length;
    return [
      ...this.#ledger.lines(),
      ...(rejects ? [`${rejects} connect rejection(s) (faults.rejectConnects) never used`] : []),
      ...this.#trackers.flatMap((tracker) => tracker()),
    ];
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
