/**
 * Item creates that name, as their `previous_item_id`, an item the restore did not give the
 * fresh server (left out, or a turn written again as audio, whose item the server makes anew):
 * the server would refuse them (`item_not_found`: "the previous_item_id does not exist"). An app
 * (or a chat sync) that placed an item after it during the outage gets it after the nearest
 * item before it that the fresh server holds instead, or at the start.
 * @module
 */
import type { ClientEvent } from '@voxwire/protocol';
import { nearestBefore } from '../conversation/in-flight.js';
import { ROOT_ITEM_ID } from '../conversation/mirror.js';

/**
 * Re-places the creates among `creates` (events of requests in flight, written after the
 * restore) whose predecessor is in `gone`, by the conversation's order before the restore.
 */
export function replaceGonePredecessors(
  creates: readonly ClientEvent[],
  order: readonly string[],
  gone: { has(id: string): boolean },
): void {
  for (const event of creates) {
    // an output placed after its call left out stays: refused, as its call is gone, and taken
    // for done (`leftOutCall`)
    if (event.type !== 'conversation.item.create' || event.item.type === 'function_call_output')
      continue;
    const previous = event.previous_item_id;
    if (typeof previous !== 'string' || !gone.has(previous)) continue;
    const place = nearestBefore(order, previous, (id) => !gone.has(id));
    // a predecessor an earlier restore left out is not in this order: appended, as the server
    // can place it
    if (place === undefined) delete event.previous_item_id;
    else event.previous_item_id = place ?? ROOT_ITEM_ID;
  }
}
