/**
 * What a stall does to the responses in progress: each is reported (`response_stalled`, an
 * `error` with `RESPONSE_STALLED`), cancelled on the server so it stops generating into the void,
 * and ended locally as `stalled`.
 * @module
 */
import { VoxwireError } from '../errors.js';
import type { ReliabilityHost } from './reliability.js';

/** Fails every response in progress after `idleMs` without a server event; returns how many. */
export function failStalledResponses(h: ReliabilityHost, idleMs: number): number {
  let count = 0;
  for (const response of h.tracker.active) {
    const error = new VoxwireError(
      'RESPONSE_STALLED',
      `response ${response.id} received no server event for ${idleMs} ms; it was cancelled`,
      { data: { responseId: response.id, idleMs } },
    );
    count++;
    h.logger.warn('response stalled', { ...h.logFields(), responseId: response.id, idleMs });
    // ask the server to stop it too, so it does not keep generating into the void
    // (quiet: a stalled response may have ended on the server, its events lost, and the
    // refusal that then comes says nothing the stall did not)
    try {
      h.creator.bargeIn().cancelUnreported(response.id);
    } catch {
      // the session is closing: nothing to cancel remotely
    }
    h.tracker.failLocal(response.id, 'stalled', error);
    h.stalled({ response, idleMs });
    h.error(error);
  }
  return count;
}
