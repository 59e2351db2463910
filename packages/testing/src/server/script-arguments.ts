/**
 * The checks of the scripting methods' arguments (`queueResponse`, `onResponse`,
 * `scriptTranscription`). A bad entry is refused at the call: taken
 * as it is, it would vanish later (a `null` handler falls through to the demo agent and still
 * counts as used, a `42` turn reads as a failed transcription) and the test would pass or fail
 * for a reason nobody wrote.
 * @module
 */
import { describeArgument } from '../describe-argument.js';
import { FakeServerOptionsError } from '../errors.js';
import type { ResponseHandler } from './behaviour.js';
import type { HeardAudio } from './connection-host.js';

/**
 * Checks response handlers, all before any is queued (a call with one bad entry queues none).
 * @param method the method, for the message (`'queueResponse'`)
 * @throws FakeServerOptionsError naming the entry (1-based) that is not a function
 */
export function checkHandlers(method: string, handlers: readonly unknown[]): ResponseHandler[] {
  handlers.forEach((handler, i) => {
    if (typeof handler !== 'function') {
      const which =
        handlers.length === 1 && method === 'onResponse' ? 'handler' : `handler ${i + 1}`;
      throw new FakeServerOptionsError(
        `server.${method}: ${which} must be a function (ctx) => …, got ${describeArgument(handler)}`,
      );
    }
  });
  return handlers as ResponseHandler[];
}

/**
 * Checks `scriptTranscription`'s turns, all before any is queued.
 * @throws FakeServerOptionsError naming the turn (1-based) that is neither a string nor exactly
 *   `{ fail: true }`
 */
export function checkTranscriptionTurns(turns: readonly unknown[]): HeardAudio[] {
  return turns.map((turn, i) => {
    if (typeof turn === 'string') return { text: turn };
    // exactly `{ fail: true }`: `{ fail: false }` or `{ text: '…' }` would otherwise fail the turn
    if (
      typeof turn === 'object' &&
      turn !== null &&
      !Array.isArray(turn) &&
      (turn as { fail?: unknown }).fail === true &&
      Object.keys(turn).length === 1
    )
      return { fail: true };
    throw new FakeServerOptionsError(
      `server.scriptTranscription: turn ${i + 1} must be a string (the words heard) or { fail: true }, got ${describeArgument(turn)}`,
    );
  });
}
