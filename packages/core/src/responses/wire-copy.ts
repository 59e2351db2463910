/**
 * Copies of the wire objects handed to the app (`output.item`, `response.resource`, the
 * `server_event` tap's events). The server event they came from is read again after the app's
 * listeners ran (the response tree, the conversation mirror, the tool runner): an app editing
 * what it was given (redacting a transcript before logging it, say) must not change the item the
 * mirror keeps or the arguments a tool runs with.
 * @module
 */

/**
 * A deep copy of decoded JSON data (objects, arrays, primitives). Strings are shared (they are
 * immutable), so a copy costs the containers only: one per output item and two per response,
 * and one flat object per frame for a tap.
 */
export function copyWire<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  // decoded JSON holds none, but a binary view is data, not a container: shared as it is
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(copyWire) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copyWire((value as Record<string, unknown>)[key]);
  return out as T;
}
