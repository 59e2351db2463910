/**
 * The event types a scenario may name. Expectations match the client events as recorded (GA
 * model) and fault rules the server events before encoding (GA model, in both dialects), so a
 * misspelt type, or a beta wire name, would match nothing: the expectation would wait forever
 * and the fault would never fire. These checks turn that into an error that names the fix.
 * @module
 */
import {
  BETA_TO_GA_EVENT_NAMES,
  clientEventSchemas,
  closestName,
  serverEventSchemas,
} from '@voxwire/protocol';

// what the fake takes or sends although the protocol codecs have no schema for it (§7.9)
const CLIENT_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(clientEventSchemas),
  'session.close',
]);
// `conversation.item.created` is in the GA schema, but the fake (as the GA server) sends
// `conversation.item.added`; a rule on it would never fire
const SERVER_TYPES: ReadonlySet<string> = new Set(
  [...Object.keys(serverEventSchemas), 'session.closed'].filter(
    (t) => t !== 'conversation.item.created',
  ),
);

// beta (or legacy) names → the GA-model name the fake uses for the same event
const CLIENT_RENAMES: Readonly<Record<string, string>> = {
  'transcription_session.update': 'session.update',
};
const SERVER_RENAMES: Readonly<Record<string, string>> = {
  ...BETA_TO_GA_EVENT_NAMES,
  'conversation.item.created': 'conversation.item.added',
  'transcription_session.created': 'session.created',
  'transcription_session.updated': 'session.updated',
};

/** Why `type` names no client event a scenario can expect, or `undefined` when it does. */
export function unknownClientEventType(type: string): string | undefined {
  return problem(type, 'client', CLIENT_TYPES, CLIENT_RENAMES);
}

/** Why `type` names no server event a fault rule can match, or `undefined` when it does. */
export function unknownServerEventType(type: string): string | undefined {
  return problem(type, 'server', SERVER_TYPES, SERVER_RENAMES);
}

function problem(
  type: string,
  side: 'client' | 'server',
  known: ReadonlySet<string>,
  renames: Readonly<Record<string, string>>,
): string | undefined {
  if (known.has(type)) return undefined;
  const renamed = renames[type];
  if (renamed !== undefined)
    return `'${type}' is not the name the fake server uses: ${side} events are named as in the GA model in both dialects, use '${renamed}'`;
  const near = closestName(type, known);
  return `'${type}' is not a ${side} event type${near ? ` (did you mean '${near}'?)` : ''}`;
}
