/**
 * What every reconnect sends first, whether it restores a fresh server or re-attaches to a kept
 * session: the last configuration this side knows, then the requests the old connection took
 * with it unanswered.
 * @module
 */
import type { ClientEvent } from '@voxwire/protocol';
import type { PendingRequest } from '../requests.js';
import type { ReliabilityHost } from './reliability.js';

/**
 * The requests the old connection took unanswered, and the restore's `session.update` (the last
 * configuration this side knows) that starts the prelude of a reconnect.
 */
export function confirmConfig(h: ReliabilityHost): {
  prelude: ClientEvent[];
  unsent: PendingRequest[];
  superseded: string | undefined;
} {
  // taken before the restore's own update is tracked, which must stay in the table for its echo
  const unsent = h.requests.takeUnsent((e) => h.outbox.holds(e));
  // the session's own update the drop left unanswered (the first, or the last restore's) holds
  // no more than the restore's update does: sent again it would be a second, stale one
  const superseded = h.configUpdateId();
  const { event: update, promise } = h.restoreUpdate();
  promise.catch(() => undefined);
  return { prelude: [update], unsent, superseded };
}

/**
 * Sends `unsent` again after `prelude` (but the superseded update); how many were. `probe` (a
 * re-attach's) may send a probe in a request's place, putting the request back itself.
 */
export function resend(
  h: ReliabilityHost,
  unsent: readonly PendingRequest[],
  superseded: string | undefined,
  prelude: ClientEvent[],
  probe?: (request: PendingRequest) => ClientEvent | undefined,
): number {
  let resent = 0;
  for (const request of unsent) {
    const probed = request.eventId === superseded ? undefined : probe?.(request);
    if (probed !== undefined) {
      prelude.push(probed);
      resent++;
    } else if (request.eventId === superseded) request.resolve(undefined);
    else if (request.event) {
      h.requests.put(request);
      prelude.push(request.event);
      resent++;
    }
  }
  return resent;
}
