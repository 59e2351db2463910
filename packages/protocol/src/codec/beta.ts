/**
 * The beta codec (`OpenAI-Beta: realtime=v1`, Azure preview): beta frames ↔ the GA model.
 * Event-level mappings are here; value mappings in beta-session.ts and beta-items.ts. The
 * README's table lists each mapping and what has no counterpart.
 * @module
 */
import { betaClientEventSchemas, betaServerEventSchemas } from '../schemas/beta.js';
import type { ClientEvent, ServerEvent } from '../schemas/ga.js';
import { clientEventSchemas } from '../schemas/ga.js';
import {
  itemToBeta,
  itemToGa,
  responseParamsToBeta,
  responseParamsToGa,
  responseToBeta,
  responseToGa,
} from './beta-items.js';
import {
  sessionToBeta,
  sessionToGa,
  transcriptionSessionToBeta,
  transcriptionSessionToGa,
  omit,
  type Obj,
} from './beta-session.js';
import { NoFormError, decodeFrame, schemaMap, type DecodeTable } from './decode.js';
import { largePayload } from './parse-frame.js';
import { base64AppendAllowed, checkClientEvent, encodeBase64Append } from './encode.js';
import { betaFastChecks } from './fast-path.js';
import { ProtocolEncodeError, type DialectCodec } from './types.js';

/** Beta server event names → GA names (protocol.md §2); every other name is shared. */
export const BETA_TO_GA_EVENT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  'response.text.delta': 'response.output_text.delta',
  'response.text.done': 'response.output_text.done',
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio.done': 'response.output_audio.done',
  'response.audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
});
/** GA server event names → beta names. */
export const GA_TO_BETA_EVENT_NAMES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(BETA_TO_GA_EVENT_NAMES).map(([beta, ga]) => [ga, beta])),
);

/** Beta server event → GA model. The parsed object is ours, so hot events are renamed in place. */
function serverToGa(e: Obj, type: string): Obj {
  const renamed = BETA_TO_GA_EVENT_NAMES[type];
  if (renamed !== undefined) {
    e.type = renamed;
    return e;
  }
  switch (type) {
    case 'conversation.item.created':
    case 'conversation.item.retrieved':
    case 'response.output_item.added':
    case 'response.output_item.done':
      return { ...e, item: itemToGa(e.item as Obj, 'item') };
    case 'response.created':
    case 'response.done':
      return { ...e, response: responseToGa(e.response as Obj, 'response') };
    case 'session.created':
    case 'session.updated':
      return { ...e, session: sessionToGa(e.session as Obj) };
    case 'transcription_session.created':
    case 'transcription_session.updated':
      return {
        ...e,
        type: type.replace('transcription_session', 'session'),
        session: transcriptionSessionToGa(e.session as Obj),
      };
    case 'response.function_call_arguments.done':
      // Beta has no `name`; GA requires it. '' marks "unknown": take the name from the output item.
      return e.name === undefined ? { ...e, name: '' } : e;
    default:
      return e;
  }
}

/** GA-model server event → beta frame object, or null when beta has no such event. */
function serverToBeta(e: Obj): Obj | null {
  const type = e.type as string;
  const renamed = GA_TO_BETA_EVENT_NAMES[type];
  if (renamed !== undefined) return { ...e, type: renamed };
  switch (type) {
    case 'conversation.item.done':
    case 'input_audio_buffer.dtmf_event_received':
      return null;
    case 'conversation.item.added':
    case 'conversation.item.created':
      return { ...e, type: 'conversation.item.created', item: itemToBeta(e.item as Obj, 'item') };
    case 'conversation.item.retrieved':
    case 'response.output_item.added':
    case 'response.output_item.done':
      return { ...e, item: itemToBeta(e.item as Obj, 'item') };
    case 'response.created':
    case 'response.done':
      return { ...e, response: responseToBeta(e.response as Obj, 'response') };
    case 'session.created':
    case 'session.updated': {
      const session = e.session as Obj;
      return session.type === 'transcription'
        ? {
            ...e,
            type: type.replace('session', 'transcription_session'),
            session: transcriptionSessionToBeta(session, 'session'),
          }
        : { ...e, session: sessionToBeta(session, 'session') };
    }
    case 'response.function_call_arguments.done':
      return omit(e, ['name']);
    case 'conversation.item.input_audio_transcription.completed':
      return omit(e, ['languages']);
    default:
      return e;
  }
}

/** Beta client event → GA model (what the fake server sees). */
function clientToGa(e: Obj, type: string): Obj {
  switch (type) {
    case 'session.update':
      return { ...e, session: sessionToGa(e.session as Obj) };
    case 'transcription_session.update':
      return { ...e, type: 'session.update', session: transcriptionSessionToGa(e.session as Obj) };
    case 'conversation.item.create':
      return { ...e, item: itemToGa(e.item as Obj, 'item') };
    case 'response.create':
      return e.response === undefined
        ? e
        : { ...e, response: responseParamsToGa(e.response as Obj, 'response') };
    default:
      return e;
  }
}

/** GA-model client event → beta frame object; throws NoFormError for values beta cannot express. */
function clientToBeta(e: Obj): Obj {
  switch (e.type) {
    case 'session.update': {
      const session = e.session as Obj;
      return session.type === 'transcription'
        ? {
            ...e,
            type: 'transcription_session.update',
            session: transcriptionSessionToBeta(session, 'session'),
          }
        : { ...e, session: sessionToBeta(session, 'session') };
    }
    case 'conversation.item.create':
      return { ...e, item: itemToBeta(e.item as Obj, 'item') };
    case 'response.create':
      return e.response === undefined
        ? e
        : { ...e, response: responseParamsToBeta(e.response as Obj, 'response') };
    default:
      return e;
  }
}

/**
 * A ProtocolEncodeError for a failed mapping: a value beta cannot express (with its path), or a
 * malformed event that slipped past validation (`validate: false`, or a server event, which is
 * never validated).
 */
function mappingError(type: string, error: unknown): ProtocolEncodeError {
  if (error instanceof NoFormError) {
    return new ProtocolEncodeError(`${type}: ${error.message}`, {
      type,
      issues: [{ path: error.path, message: error.message }],
      cause: error,
    });
  }
  // the engine's own message may quote a value of the event (anything the app holds): only the
  // event type goes into this one, the rest stays in `cause`
  return new ProtocolEncodeError(
    `${type}: cannot be mapped to beta (see the cause); is the event valid?`,
    { type, cause: error },
  );
}

const serverTable: DecodeTable<ServerEvent> = {
  schemas: schemaMap(betaServerEventSchemas),
  fast: betaFastChecks,
  map: (obj, type) => serverToGa(obj, type) as ServerEvent,
  largePayload: largePayload('delta', ['response.audio.delta']),
};
const clientTable: DecodeTable<ClientEvent> = {
  schemas: schemaMap(betaClientEventSchemas),
  fast: new Map(),
  map: (obj, type) => clientToGa(obj, type) as ClientEvent,
  largePayload: largePayload('audio', ['input_audio_buffer.append']),
};
const gaClientSchemas = schemaMap(clientEventSchemas);

/** The beta dialect: Azure's preview endpoint and servers that copied the beta interface. */
export const betaCodec: DialectCodec = {
  dialect: 'beta',
  decodeServerEvent: (frame) => decodeFrame(frame, serverTable),
  encodeClientEvent(event, options) {
    checkClientEvent(event, gaClientSchemas, options?.validate ?? true);
    // beta's append has the GA shape: the same fast frame applies
    if (base64AppendAllowed(event, options)) {
      const frame = encodeBase64Append(event);
      if (frame !== undefined) return frame;
    }
    try {
      return JSON.stringify(clientToBeta(event));
    } catch (error) {
      throw mappingError(event.type, error);
    }
  },
  decodeClientEvent: (frame) => decodeFrame(frame, clientTable),
  encodeServerEvent(event) {
    try {
      const beta = serverToBeta(event as unknown as Obj);
      return beta === null ? null : JSON.stringify(beta);
    } catch (error) {
      if (error instanceof NoFormError) return null;
      throw mappingError(String((event as { type?: unknown }).type), error);
    }
  },
};
