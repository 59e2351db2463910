/**
 * The ws mode's `refuseUpgrades`: which upgrades to refuse, and which refusals were never used,
 * for `assertComplete()` (a test that asks for 3 refusals and sees 1 attempt tested less than it
 * says, as with `faults.rejectConnects`).
 * @module
 */
import { FakeServerOptionsError } from '../errors.js';
import type { FaultRuleOptions } from '../server/fault-options.js';

/** Options of `FakeWsServer.refuseUpgrades`. */
export interface RefuseUpgradesOptions extends FaultRuleOptions {
  /**
   * How many upgrades to refuse; `Infinity` refuses every one until the next call, 0 turns
   * refusals off.
   * @default Infinity
   */
  readonly count?: number | undefined;
}

interface Refusal {
  readonly status: number;
  readonly count: number;
  readonly optional: boolean;
  used: number;
}

/**
 * The refusals asked for so far. Only the latest call refuses; an earlier one it replaced keeps
 * its unused count for {@link UpgradeRefusals.neverUsed}, as `faults.clear()` keeps cleared rules.
 */
export class UpgradeRefusals {
  readonly #all: Refusal[] = [];
  #active: Refusal | undefined;

  /**
   * Refuses the next `count` upgrades with `status`, replacing the refusals set before.
   * @throws FakeServerOptionsError on a status that is not an integer 400–599, a count that is
   * not an integer ≥ 0 (or Infinity), or an `optional` that is not a boolean; nothing changes then.
   */
  set(status: number, countOrOptions: number | RefuseUpgradesOptions | undefined): void {
    // a 101 would be written as a switch of protocols with no upgrade behind it, a 2xx or 3xx is
    // no refusal a client must handle, and 0 or 'x' is no status line at all: only 4xx and 5xx
    // refuse an upgrade as a server does
    if (!(Number.isInteger(status) && status >= 400 && status <= 599))
      throw new FakeServerOptionsError(
        `refuseUpgrades: status must be an integer 400–599 (an HTTP refusal), got ${describe(status)}`,
      );
    const options = typeof countOrOptions === 'object' ? countOrOptions : { count: countOrOptions };
    const count = options.count ?? Number.POSITIVE_INFINITY;
    // -1 or 1.5 would refuse a number of upgrades the test never meant, NaN none at all
    if (!(count === Number.POSITIVE_INFINITY || (Number.isInteger(count) && count >= 0)))
      throw new FakeServerOptionsError(
        `refuseUpgrades: count must be an integer ≥ 0 or Infinity, got ${count}`,
      );
    // a truthy non-boolean ('no') would silently hide refusals never used, the very thing tracked
    const optional = options.optional ?? false;
    if (typeof optional !== 'boolean')
      throw new FakeServerOptionsError(
        `refuseUpgrades: optional must be a boolean, got ${JSON.stringify(optional)}`,
      );
    this.#active = { status, count, optional, used: 0 };
    this.#all.push(this.#active);
  }

  /** Takes one refusal for an upgrade: its status, or `undefined` when it is to be judged. */
  take(): number | undefined {
    const active = this.#active;
    if (!active || active.used >= active.count) return undefined;
    active.used++;
    return active.status;
  }

  /**
   * One line per non-optional call whose refusals were not all used (a count), or that refused
   * nothing (every upgrade).
   */
  neverUsed(): string[] {
    return this.#all.flatMap((r) => {
      if (r.optional) return [];
      if (r.count === Number.POSITIVE_INFINITY)
        return r.used === 0
          ? [`upgrade refusal (refuseUpgrades ${r.status}, every upgrade) never used`]
          : [];
      const left = r.count - r.used;
      return left > 0
        ? [`${left} of ${r.count} upgrade refusal(s) (refuseUpgrades ${r.status}) never used`]
        : [];
    });
  }
}

// a string status shows its quotes ('503' is not 503), a number as it is (NaN, 101.5)
function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
