/**
 * The one deep copy of plain JSON data in the engine: what the app is handed (`output.item`,
 * `response.resource`, the `server_event` tap's events, `session.options`) and what it hands in
 * (raw chat items, option overrides) is copied with it, so neither side can change the other's.
 * The server event a copy came from is read again after the app's listeners ran (the response
 * tree, the conversation mirror, the tool runner): an app editing what it was given (redacting a
 * transcript before logging it, say) must not change the item the mirror keeps or the arguments
 * a tool runs with.
 * @module
 */

/**
 * A deep copy of JSON data (objects, arrays, primitives), without a host `structuredClone`.
 * Strings are shared (they are immutable), so a copy costs the containers only: one per output
 * item and two per response, and one flat object per frame for a tap.
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  // decoded JSON holds none, but a binary view is data, not a container: shared as it is
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}
