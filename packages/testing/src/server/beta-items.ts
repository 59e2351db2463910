/**
 * Beta items carry `"object": "realtime.item"` in every capture (protocol.md §2), where real GA
 * frames omit it. The fake keeps its items in the GA model, so it adds the key to the items of a
 * beta connection's events on their way out.
 * @module
 */
import { isObject, type JsonObject } from './wire.js';

const ITEM_OBJECT = 'realtime.item';

/**
 * Adds `object: "realtime.item"` to the items of a GA-model event bound for a beta connection:
 * its `item` and the `output` of its `response`. Replaces those fields with marked copies, so the
 * items the server keeps are not changed.
 */
export function markBetaItems(event: JsonObject): void {
  const item = event['item'];
  if (isObject(item)) event['item'] = marked(item);
  const response = event['response'];
  if (isObject(response) && Array.isArray(response['output'])) {
    event['response'] = {
      ...response,
      output: response['output'].map((i) => (isObject(i) ? marked(i) : i)),
    };
  }
}

function marked(item: JsonObject): JsonObject {
  return item['object'] === undefined ? { ...item, object: ITEM_OBJECT } : item;
}
