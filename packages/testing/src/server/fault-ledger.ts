/**
 * Which fault rules ever fired, for `assertComplete()`: a rule that never applied on any
 * connection means the test did not exercise what it set up, as an unused scripted response does.
 * @module
 */
import type { FaultScope, RefusalRule } from './fault-options.js';
import type { FaultRule } from './outbound.js';

/** The words `describe()` and `assertComplete()` use for a rule (`drop response.done (occurrence 2)`). */
export function describeRule(rule: FaultRule | RefusalRule): string {
  if (!('action' in rule)) return `refuse ${rule.type}${notes(rule, rule.occurrence)}`;
  if (rule.action === 'close_after_count')
    return `close_after_count${notes(rule, undefined, `count ${rule.count}`)}`;
  return `${rule.action}${rule.type ? ` ${rule.type}` : ''}${notes(rule, rule.occurrence)}`;
}

// ` (occurrence 2, connection 1, once)`: the first occurrence and the unscoped default go
// unsaid, as in the call that made the rule
function notes(scope: FaultScope, occurrence: number | undefined, first?: string): string {
  const parts = [
    ...(first !== undefined ? [first] : []),
    ...(occurrence === undefined || occurrence === 1 ? [] : [`occurrence ${occurrence}`]),
    ...(scope.connection !== undefined ? [`connection ${scope.connection}`] : []),
    ...(scope.once === true ? ['once'] : []),
  ];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * The rules, refusals and expiries that have not fired yet, in the order they were added. An
 * entry leaves once it fires on any connection; an optional one is never entered, so the ledger
 * holds only what `assertComplete()` would report. `clear()` does not empty it: a rule cleared
 * before it ever fired still never did what the test set it up for.
 */
export class FaultLedger {
  readonly #waiting = new Map<object, string | (() => string)>();

  /**
   * Enters `key` (a rule object, or a token for an expiry) unless `optional`. `line` may be a
   * function, for words that depend on when they are read (a connection that never opened).
   */
  track(key: object, line: string | (() => string), optional: boolean): void {
    if (!optional) this.#waiting.set(key, line);
  }

  /** `key` applied on some connection: it is no longer reported. */
  fired(key: object): void {
    this.#waiting.delete(key);
  }

  /** One `fault rule never fired: …` line per entry still waiting. */
  lines(): string[] {
    return [...this.#waiting.values()].map(
      (line) => `fault rule never fired: ${typeof line === 'string' ? line : line()}`,
    );
  }
}
