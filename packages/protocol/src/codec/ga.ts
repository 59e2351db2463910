/**
 * The GA codec: the wire is the model, so decoding validates and encoding serialises. The only
 * mapping is dropping the beta-only `temperature` that the GA-model client types carry.
 * @module
 */
import type { ClientEvent, ServerEvent } from '../schemas/ga.js';
import { clientEventSchemas, serverEventSchemas } from '../schemas/ga.js';
import { decodeFrame, schemaMap, type DecodeTable } from './decode.js';
import { base64AppendAllowed, checkClientEvent, encodeBase64Append, without } from './encode.js';
import { gaFastChecks } from './fast-path.js';
import { largePayload } from './parse-frame.js';
import { ProtocolEncodeError, type DialectCodec } from './types.js';

const serverTable: DecodeTable<ServerEvent> = {
  schemas: schemaMap(serverEventSchemas),
  fast: gaFastChecks,
  map: (obj) => obj as ServerEvent,
  // an item or content part of a kind, or a value of an enumerated field, added to the API later
  // is passed through, not refused
  passAddedLater: true,
  largePayload: largePayload('delta', ['response.output_audio.delta']),
};
const clientSchemas = schemaMap(clientEventSchemas);
const clientTable: DecodeTable<ClientEvent> = {
  schemas: clientSchemas,
  fast: new Map(),
  map: (obj) => obj as ClientEvent,
  largePayload: largePayload('audio', ['input_audio_buffer.append']),
};

/**
 * Removes the beta-only `temperature` (GA servers reject it as `unknown_parameter`). Guarded, as
 * an event sent with `validate: false` may have anything where an object belongs.
 */
function dropBetaOnly(event: ClientEvent): ClientEvent {
  if (
    event.type === 'session.update' &&
    isObject(event.session) &&
    event.session.type === 'realtime' &&
    'temperature' in event.session
  ) {
    return { ...event, session: without(event.session, 'temperature') };
  }
  if (
    event.type === 'response.create' &&
    isObject(event.response) &&
    'temperature' in event.response
  ) {
    return { ...event, response: without(event.response, 'temperature') };
  }
  return event;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

// a value JSON cannot hold (a BigInt, a cycle) in an event sent with `validate: false`; the
// message names the event type only: the values may be anything the app holds
function serialize(event: ClientEvent): string {
  try {
    return JSON.stringify(dropBetaOnly(event));
  } catch (error) {
    throw new ProtocolEncodeError(
      `${event.type}: cannot be encoded as JSON (see the cause); is the event valid?`,
      { type: event.type, cause: error },
    );
  }
}

/** The GA dialect (api.openai.com, Azure `/openai/v1/realtime`). */
export const gaCodec: DialectCodec = {
  dialect: 'ga',
  decodeServerEvent: (frame) => decodeFrame(frame, serverTable),
  encodeClientEvent(event, options) {
    checkClientEvent(event, clientSchemas, options?.validate ?? true);
    if (base64AppendAllowed(event, options)) {
      const frame = encodeBase64Append(event);
      if (frame !== undefined) return frame;
    }
    return serialize(event);
  },
  decodeClientEvent: (frame) => decodeFrame(frame, clientTable),
  encodeServerEvent: (event) => JSON.stringify(event),
};
