/**
 * The types of `server.expectClientEvent` and `expectNextClientEvent`: which client event types
 * an expectation may name, and the event it resolves with.
 * @module
 */
import type { ClientEventOf, ClientEventType } from '@voxwire/protocol';
import type { JsonObject } from './wire.js';

/**
 * A client event type an expectation may name: every GA client event, and `session.close`,
 * which the fake takes although no codec has a schema for it.
 */
export type ExpectableClientEventType = ClientEventType | 'session.close';

/**
 * The recorded client event an expectation of type `K` resolves with: the GA-model event of that
 * type, as the server accepted it. An event the server refused because it failed to decode (a
 * schema violation) is recorded as sent, so a predicate written for malformed events should
 * read its fields defensively (a predicate that throws rejects its expectation).
 */
export type ExpectedClientEvent<K extends ExpectableClientEventType> = JsonObject &
  (K extends ClientEventType ? ClientEventOf<K> : { type: 'session.close' });
