/**
 * The argument checks of `server.faults` rules: a value that could never apply (an occurrence of
 * 0, a negative delay, a type the fake never sends) throws {@link FakeServerOptionsError} at the
 * call, where a rule that silently never fired would test nothing.
 * @module
 */
import { FakeServerOptionsError } from '../errors.js';
import { unknownServerEventType } from './event-names.js';
import {
  optionalOf,
  scopeOf,
  type FaultScope,
  type OccurrenceFaultOptions,
} from './fault-options.js';
import type { FaultTarget } from './faults.js';

/**
 * drop/delay/stallAt take the occurrence itself or options with it (and `optional`, the scope).
 */
export function occurrenceOf(
  method: string,
  occurrence: number | OccurrenceFaultOptions,
): { n: number; optional: boolean; scope: FaultScope } {
  const options = typeof occurrence === 'number' ? { occurrence } : occurrence;
  const n = options.occurrence ?? 1;
  checkCount(method, 'occurrence', n, 1);
  return { n, optional: optionalOf(method, options), scope: scopeOf(method, options) };
}

/** A rule on a type the fake never sends would silently never fire. */
export function checkType(type: string): void {
  const unknown = unknownServerEventType(type);
  if (unknown !== undefined) throw new FakeServerOptionsError(`server.faults: ${unknown}`);
}

/** An occurrence of 0 or 1.5, a count of -1: the rule would silently never apply. */
export function checkCount(method: string, name: string, value: number, min: 0 | 1): void {
  if (!Number.isInteger(value) || value < min)
    throw new FakeServerOptionsError(
      `server.faults.${method}: ${name} must be an integer ≥ ${min}, got ${value}`,
    );
}

/** A delay or expiry that is negative, NaN or infinite. */
export function checkMs(method: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new FakeServerOptionsError(
      `server.faults.${method}: ${name} must be a finite number ≥ 0, got ${value}`,
    );
}

/**
 * Refuses a rule scoped to a connection that has closed: it never sends or receives again, so
 * the rule could never fire, and a test waiting for the fault would wait for ever.
 */
export function checkScopeOpen(target: FaultTarget, method: string, scope: FaultScope): void {
  const index = scope.connection;
  if (index === undefined || target.connectionOpen?.(index) !== false) return;
  throw new FakeServerOptionsError(
    `server.faults.${method}: connection ${index} has already closed, so a rule scoped to it ` +
      `would never fire; a connection's index is its place in server.connections, and the ` +
      `next one to open is server.connections.length`,
  );
}

/**
 * Refuses an occurrence the open connection has already sent (or, `side: 'client'`, received):
 * occurrences count from the start of each connection, so the rule would never fire on it (only
 * on a later connection), and a test waiting for the fault would wait forever without a word.
 * The message names the occurrence that would fire next. A rule scoped to another connection
 * than the open one is not concerned.
 * @param side whose events the occurrence counts. @default 'server'
 */
export function checkNotPassed(
  target: FaultTarget,
  method: string,
  type: string,
  occurrence: number,
  scope: FaultScope,
  side: 'server' | 'client' = 'server',
): void {
  if (scope.connection !== undefined && scope.connection !== target.openIndex?.()) return;
  const counted = side === 'server' ? target.counted?.(type) : target.clientCounted?.(type);
  const verb = side === 'server' ? 'sent' : 'received';
  if (counted === undefined || occurrence > counted) return;
  throw new FakeServerOptionsError(
    `server.faults.${method}: the open connection has already ${verb} ${counted} '${type}' ` +
      `event(s), so occurrence ${occurrence} (counted from the connection's start) would never ` +
      `fire on it; use occurrence ${counted + 1} for the next one, or add the rule when no ` +
      `connection is open (e.g. from a 'disconnected' listener) to target the next connection`,
  );
}
