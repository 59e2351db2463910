/**
 * The loose JSON shapes the fake works with internally. The server builds GA-model events as
 * plain objects and hands them to the dialect codec of `@voxwire/protocol`, which owns the exact
 * wire shapes; keeping our own view loose means a schema tweak in `protocol` never breaks the fake.
 * @module
 */
import type { ServerEvent } from '@voxwire/protocol';

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** A GA-model server event as a plain object (`type` plus fields, `event_id` filled on send). */
export interface WireEvent extends JsonObject {
  type: string;
}

/** Narrows an unknown value to a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Views a wire event as the protocol's `ServerEvent` for the codec (shapes are the codec's business). */
export function asServerEvent(event: WireEvent): ServerEvent {
  return event as unknown as ServerEvent;
}

/** A deep copy of JSON data (items and sessions handed out must not alias server state). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
