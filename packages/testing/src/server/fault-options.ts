/**
 * The options of `server.faults` rules, and the refusal rule they build.
 * @module
 */
import { FakeServerOptionsError } from '../errors.js';

/** What every fault rule's options share. */
export interface FaultRuleOptions {
  /**
   * The rule may legitimately never fire (set up "in case", e.g. for a retry that may not
   * happen): `assertComplete()` does not list it when it never did. Without it, a rule that never
   * applied on any connection fails `assertComplete()`, since the test did not test it.
   * @default false
   */
  readonly optional?: boolean | undefined;
}

/**
 * Which connections a rule applies to. Without either, every connection applies it afresh, so
 * an agent that reconnects and retries meets it again on each new connection.
 */
export interface FaultScopeOptions extends FaultRuleOptions {
  /**
   * The index of the one connection the rule applies to, as `FakeConnection.index` and
   * `server.connections[i]` count them (0 for the first; `server.connections.length` is the next
   * one to open). A connection that has already closed throws {@link FakeServerOptionsError}: the
   * rule could never fire. One whose connection never opens is reported by `assertComplete()`.
   * @default undefined (every connection)
   */
  readonly connection?: number | undefined;
  /**
   * Fire on one connection only, the first where it applies, in the server's whole life: a
   * reconnect then meets the fault no more (no `faults.clear()` from a `disconnected` listener).
   * @default false (every connection)
   */
  readonly once?: boolean | undefined;
}

/** Options of a rule on one occurrence of a server event type. */
export interface OccurrenceFaultOptions extends FaultScopeOptions {
  /**
   * Which occurrence of the type, 1-based, counted per connection from its start.
   * @default 1
   */
  readonly occurrence?: number | undefined;
}

/** Options of a close fault. */
export interface CloseFaultOptions extends FaultScopeOptions {
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

/** The `error` object a `server.faults.refuse` rule answers with (`event_id` is the client's). */
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

/** Options of `server.faults.refuse`. */
export interface RefuseFaultOptions extends FaultScopeOptions {
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

/** Options of `server.faults.rejectConnects`. */
export interface RejectConnectsOptions extends FaultRuleOptions {
  /**
   * What the connector rejects with (the ws mode answers 503 whatever it is).
   * @default an Error 'fake server: connection refused (fault injection)'
   */
  readonly error?: Error | undefined;
}

/** Where a built rule applies (see {@link FaultScopeOptions}); absent fields: every connection. */
export interface FaultScope {
  /** The one connection (its index) the rule applies to. @default every connection */
  readonly connection?: number | undefined;
  /** The rule fires on one connection only, the first where it applies. @default false */
  readonly once?: boolean | undefined;
}

/** A rule on client events: the `occurrence`-th event of `type` is answered with `error`, not acted on. */
export interface RefusalRule extends FaultScope {
  readonly type: string;
  readonly occurrence: number;
  readonly error: {
    readonly type: string;
    readonly code: string | null;
    readonly message: string;
    readonly param: string | null;
  };
}

/**
 * `optional` as given, checked: a truthy non-boolean (`'no'`) would silently hide a rule that
 * never fires, the very thing the check is for.
 */
export function optionalOf(method: string, options: FaultRuleOptions | undefined): boolean {
  const optional = options?.optional;
  if (optional === undefined) return false;
  if (typeof optional !== 'boolean')
    throw new FakeServerOptionsError(
      `server.faults.${method}: optional must be a boolean, got ${typeof optional === 'string' ? JSON.stringify(optional) : String(optional)}`,
    );
  return optional;
}

/**
 * `connection` and `once` as given, checked: a connection index that is no integer ≥ 0 would
 * name no connection and the rule would silently never fire; a truthy non-boolean `once`
 * (`'yes'`) is refused as `optional`'s is.
 */
export function scopeOf(method: string, options: FaultScopeOptions | undefined): FaultScope {
  const connection = options?.connection;
  const once = options?.once;
  if (connection !== undefined && (!Number.isInteger(connection) || connection < 0))
    throw new FakeServerOptionsError(
      `server.faults.${method}: connection must be an integer ≥ 0 (the index of a connection, 0 for the first), got ${shown(connection)}`,
    );
  if (once !== undefined && typeof once !== 'boolean')
    throw new FakeServerOptionsError(
      `server.faults.${method}: once must be a boolean, got ${shown(once)}`,
    );
  // absent rather than undefined, so a built rule without a scope looks as it always did
  return {
    ...(connection !== undefined ? { connection } : {}),
    ...(once === true ? { once } : {}),
  };
}

/** Whether a rule with `scope` may apply on the connection of index `connection`. */
export function inScope(scope: FaultScope, connection: number): boolean {
  return scope.connection === undefined || scope.connection === connection;
}

/** Whether a rule fires at most once in the server's life (and so is spent once it has). */
export function isScoped(scope: FaultScope): boolean {
  return scope.connection !== undefined || scope.once === true;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
