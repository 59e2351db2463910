/**
 * The client events the fake server has seen, and the tests' expectations on them
 * (`expectClientEvent`, `expectNextClientEvent`): each expectation is matched against the events
 * after the previous match, in the order the expectations were made.
 * @module
 */
import { FakeServerError, UnexpectedClientEventError } from '../errors.js';
import { unknownClientEventType } from './event-names.js';
import type { JsonObject } from './wire.js';

interface Waiter {
  readonly type: string;
  readonly predicate: ((event: JsonObject) => boolean) | undefined;
  readonly strict: boolean;
  resolve(event: JsonObject): void;
  reject(error: Error): void;
}

/** The recorded client events with the expectations waiting on them. */
export class ClientExpectations {
  readonly #events: JsonObject[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #recordsAppends: boolean;
  #cursor = 0;
  // why each rejected expectation failed, for assertComplete: a test that makes an expectation,
  // advances and asserts before awaiting would otherwise see a pass while it failed
  readonly #rejected: string[] = [];
  // indices of the events that settled an expectation (not "sent too early" for a later one)
  readonly #settled = new Set<number>();

  /** `recordsAppends`: whether `input_audio_buffer.append` events are recorded (else they cannot be expected). */
  constructor(recordsAppends: boolean) {
    this.#recordsAppends = recordsAppends;
  }

  /** Every recorded client event, in arrival order. */
  get events(): readonly JsonObject[] {
    return this.#events;
  }

  /** The types of the expectations still waiting, oldest first. */
  get pending(): string[] {
    return this.#waiters.map((w) => w.type);
  }

  /**
   * One line per expectation still waiting, oldest first, for `assertComplete`. The oldest one
   * (the one the others wait behind) also shows the events of its type its predicate turned
   * down since the previous match: "waiting for X" alone, when X was sent with a value the test
   * did not expect, sends the reader looking for a missing event instead of a wrong one.
   */
  describePending(): string[] {
    return this.#waiters.map((w, i) => {
      const head = `waiting for client event '${w.type}'${w.predicate ? ' matching its predicate' : ''}`;
      if (i > 0) return `${head} (after the one before it)`;
      const turnedDown = this.#events.slice(this.#cursor).filter((e) => e['type'] === w.type);
      const last = turnedDown[turnedDown.length - 1];
      if (last)
        return `${head}: ${turnedDown.length} since the previous match did not match, the last: ${summarizeEvent(last)}`;
      // sent, but before an event an earlier expectation matched: the usual slip when two
      // events may come in either order
      if (
        this.#events.slice(0, this.#cursor).some((e, at) => !this.#settled.has(at) && matches(w, e))
      )
        return `${head}: one was sent before the previous match (expectations match in the order they were made)`;
      return head;
    });
  }

  /**
   * One line per expectation that was rejected (its predicate threw, a strict one met another
   * event or the connection closed), oldest first, for `assertComplete`.
   */
  describeRejected(): string[] {
    return [...this.#rejected];
  }

  /** Records a client event and settles the expectations it decides; returns its index. */
  record(event: JsonObject): number {
    const at = this.#events.push(event) - 1;
    this.#match();
    return at;
  }

  /**
   * Puts `next` in the place of the recorded `old` (at index `at`): an append once its audio is
   * let go of. Nothing moves, so the matches made and the cursor stay valid.
   */
  replace(at: number | undefined, old: JsonObject, next: JsonObject): void {
    if (at !== undefined && this.#events[at] === old) this.#events[at] = next;
  }

  /** Rejects the strict expectations: nothing is open, so no next event can come. */
  rejectStrict(): void {
    const strict = this.#waiters.filter((x) => x.strict);
    for (const w of strict) this.#waiters.splice(this.#waiters.indexOf(w), 1);
    for (const w of strict) this.#reject(w, new UnexpectedClientEventError(w.type, undefined));
  }

  #reject(w: Waiter, error: Error): void {
    this.#rejected.push(
      `the expectation of client event '${w.type}'${w.strict ? ' (next)' : ''} failed: ${error.message}`,
    );
    w.reject(error);
  }

  /**
   * A new expectation (see `FakeServer.expectClientEvent` for the rules).
   * @throws FakeServerError `UNKNOWN_EVENT_TYPE` or `NOT_RECORDED`, at the call: both are known
   *   before any event arrives, and a promise rejected at once is, in the order the README
   *   recommends (expect, advance, `assertComplete()`, await), an unhandled rejection by the time
   *   the test awaits it
   */
  expect(
    type: string,
    predicate: ((e: JsonObject) => boolean) | undefined,
    strict: boolean,
  ): Promise<JsonObject> {
    // a type no client event has would wait forever (and hold every later expectation back)
    const unknown = unknownClientEventType(type);
    if (unknown !== undefined) throw new FakeServerError('UNKNOWN_EVENT_TYPE', unknown);
    // appends are heard but not recorded then: the expectation could never be met
    if (type === 'input_audio_buffer.append' && !this.#recordsAppends)
      throw new FakeServerError(
        'NOT_RECORDED',
        "client event 'input_audio_buffer.append' is not recorded with recordAudioAppends: false, so it cannot be expected",
      );
    return new Promise((resolve, reject) => {
      this.#waiters.push({ type, predicate, strict, resolve, reject });
      this.#match();
    });
  }

  #match(): void {
    while (this.#waiters.length > 0) {
      const w = this.#waiters[0];
      if (!w) return;
      const outcome = this.#scan(w);
      if (outcome === undefined) return;
      this.#waiters.shift();
      this.#cursor = outcome.index + 1;
      this.#settled.add(outcome.index);
      if ('event' in outcome) w.resolve(outcome.event);
      else this.#reject(w, outcome.error);
    }
  }

  // What settles waiter `w` from the events not yet matched: the matching event, or the error
  // that rejects it, with the index of the event that decided; `undefined` to keep waiting.
  #scan(
    w: Waiter,
  ): { index: number; event: JsonObject } | { index: number; error: Error } | undefined {
    for (let i = this.#cursor; i < this.#events.length; i++) {
      const e = this.#events[i];
      if (!e) continue;
      const type = String(e['type']);
      if (type === w.type) {
        // a predicate is test code: when it throws (reading a field the event lacks), that
        // expectation fails with the error; it must not escape into the server, which would
        // then neither settle the expectation nor act on the event
        let ok: boolean;
        try {
          ok = !w.predicate || w.predicate(e);
        } catch (cause) {
          const why = cause instanceof Error ? cause.message : String(cause);
          return {
            index: i,
            error: new FakeServerError(
              'EXPECTATION_PREDICATE_THREW',
              `the predicate of the expectation of client event '${w.type}' threw: ${why}`,
              { cause },
            ),
          };
        }
        if (ok) return { index: i, event: e };
        if (w.strict)
          return {
            index: i,
            error: new UnexpectedClientEventError(
              w.type,
              type,
              `it did not match the predicate: ${summarizeEvent(e)}`,
            ),
          };
      } else if (w.strict) {
        return { index: i, error: new UnexpectedClientEventError(w.type, type) };
      }
    }
    return undefined;
  }
}

// Longest string kept whole in a summary: ids and texts stay readable, base64 audio does not
// flood the message.
const SUMMARY_STRING_CHARS = 40;

// Longest summary: a session.update with many tools stays one readable line.
const SUMMARY_CHARS = 400;

/** A client event as one line of JSON for a failure message, long strings (audio) shortened. */
export function summarizeEvent(event: JsonObject): string {
  const json = JSON.stringify(event, (_key, value: unknown) =>
    typeof value === 'string' && value.length > SUMMARY_STRING_CHARS
      ? `${value.slice(0, SUMMARY_STRING_CHARS)}…${value.length} chars`
      : value,
  );
  return json.length > SUMMARY_CHARS ? `${json.slice(0, SUMMARY_CHARS)}…` : json;
}

// whether `e` would meet waiter `w` (a predicate that throws says no: this is only a hint)
function matches(w: Waiter, e: JsonObject): boolean {
  if (e['type'] !== w.type) return false;
  try {
    return !w.predicate || w.predicate(e);
  } catch {
    return false;
  }
}
