/**
 * Which fault rules ever fired, for `assertComplete()`: a rule that never applied on any
 * connection means the test did not exercise what it set up, as an unused scripted response does.
 * @module
 */
import type { RefusalRule } from './fault-options.js';
import type { FaultRule } from './outbound.js';

/** The words `describe()` and `assertComplete()` use for a rule (`drop response.done (occurrence 2)`). */
export function describeRule(rule: FaultRule | RefusalRule): string {
  if (!('action' in rule)) return `refuse ${rule.type}${occurrenceNote(rule.occurrence)}`;
  if (rule.action === 'close_after_count') return `close_after_count (count ${rule.count})`;
  return `${rule.action}${rule.type ? ` ${rule.type}` : ''}${occurrenceNote(rule.occurrence)}`;
}

// the first occurrence is the default and goes unsaid, as in the call that made the rule
function occurrenceNote(occurrence: number | undefined): string {
  return occurrence === undefined || occurrence === 1 ? '' : ` (occurrence ${occurrence})`;
}

/**
 * The rules, refusals and expiries that have not fired yet, in the order they were added. An
 * entry leaves once it fires on any connection; an optional one is never entered, so the ledger
 * holds only what `assertComplete()` would report. `clear()` does not empty it: a rule cleared
 * before it ever fired still never did what the test set it up for.
 */
export class FaultLedger {
  readonly #waiting = new Map<object, string>();

  /** Enters `key` (a rule object, or a token for an expiry) unless `optional`. */
  track(key: object, line: string, optional: boolean): void {
    if (!optional) this.#waiting.set(key, line);
  }

  /** `key` applied on some connection: it is no longer reported. */
  fired(key: object): void {
    this.#waiting.delete(key);
  }

  /** One `fault rule never fired: …` line per entry still waiting. */
  lines(): string[] {
    return [...this.#waiting.values()].map((line) => `fault rule never fired: ${line}`);
  }
}
