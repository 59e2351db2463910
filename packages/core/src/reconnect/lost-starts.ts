/**
 * The starts of a response a side-band's drop lost. A call's session goes on answering without
 * the side-band (`Connection.persistentSession`): when the socket drops right after the session
 * started a response, its `response.created` (or an output's `output_item.added`, a part's
 * `content_part.added`) is lost with it, and the re-attached side-band hears only the rest —
 * deltas, `output_item.done`, `response.done` — about a response, an output or a part this side
 * never heard of. Refused as unknown, every one of them was a `PROTOCOL_VIOLATION` on `error`,
 * the response never reached the app, and a function call in it was never run (the model waited
 * for its output forever). Instead, the starts are made up from what the later event says, and
 * handled before it, so the response is adopted as if its start had arrived.
 *
 * A side-band's first attach to a call already answering hears the same: the rest of a response
 * that began before the socket was up. It is adopted alike.
 *
 * What a made-up start cannot say is left as the server's later events fill it in: an output's
 * item is an assistant message (or, from a function call's arguments, a call with its `call_id`
 * and no name yet) until its `output_item.done` brings the whole item; a response carries no
 * `metadata`, so it answers no tagged request of this side. Responses this side knows — in
 * progress, finished, or ended locally at the drop (their rest is ignored) — are left alone.
 * @module
 */
import type { ConversationItem, ServerEvent } from '@voxwire/protocol';

/** What of a response event's references the engine lacks (`ResponseTracker.lacks`). */
export type LackedRef = 'response' | 'output' | 'content' | undefined;

/** Reads which references are known. */
export type LacksRef = (
  responseId: string,
  outputIndex?: number,
  contentIndex?: number,
) => LackedRef;

/** The `event_id` a made-up start carries (no server event has it). */
const ADOPTED = 'voxwire_adopted';

/**
 * The start events `event` needs before it can be handled, made up from it; `undefined` when it
 * needs none (not a response event, or everything it names is known or was ended here).
 */
export function lostStarts(event: ServerEvent, lacks: LacksRef): ServerEvent[] | undefined {
  switch (event.type) {
    case 'response.output_item.added':
      return lacks(event.response_id) === 'response' ? [created(event.response_id)] : undefined;
    case 'response.output_item.done': {
      const item = { ...event.item, status: 'in_progress' } as ConversationItem;
      return starts(event.response_id, event.output_index, undefined, lacks, () => item);
    }
    case 'response.function_call_arguments.delta':
    case 'response.function_call_arguments.done':
      return starts(event.response_id, event.output_index, undefined, lacks, () => ({
        id: event.item_id,
        type: 'function_call',
        status: 'in_progress',
        call_id: event.call_id,
        name: (event as { name?: string }).name ?? '',
        arguments: '',
      }));
    case 'response.content_part.added':
      return starts(event.response_id, event.output_index, undefined, lacks, () =>
        message(event.item_id),
      );
    case 'response.output_audio.delta':
    case 'response.output_audio.done':
    case 'response.output_audio_transcript.delta':
    case 'response.output_audio_transcript.done':
    case 'response.output_text.delta':
    case 'response.output_text.done':
    case 'response.content_part.done': {
      const audio =
        event.type === 'response.content_part.done'
          ? event.part.type === 'audio' || event.part.type === 'output_audio'
          : event.type.startsWith('response.output_audio');
      const found = starts(event.response_id, event.output_index, event.content_index, lacks, () =>
        message(event.item_id),
      );
      if (found === undefined) return undefined;
      if (lacks(event.response_id, event.output_index, event.content_index) !== undefined)
        found.push({
          type: 'response.content_part.added',
          event_id: ADOPTED,
          response_id: event.response_id,
          item_id: event.item_id,
          output_index: event.output_index,
          content_index: event.content_index,
          part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
        } as ServerEvent);
      return found;
    }
    case 'response.done': {
      const id = event.response.id;
      if (id === undefined || lacks(id) !== 'response') return undefined;
      // everything before it was lost: its outputs start as its final items say
      const found: ServerEvent[] = [created(id)];
      (event.response.output ?? []).forEach((item, outputIndex) => {
        found.push(
          outputAdded(id, outputIndex, { ...item, status: 'in_progress' } as ConversationItem),
        );
      });
      return found;
    }
    default:
      return undefined;
  }
}

// the response's start and, when missing, its output's: `undefined` when nothing is missing
function starts(
  responseId: string,
  outputIndex: number,
  contentIndex: number | undefined,
  lacks: LacksRef,
  item: () => ConversationItem,
): ServerEvent[] | undefined {
  const missing = lacks(responseId, outputIndex, contentIndex);
  if (missing === undefined) return undefined;
  const found: ServerEvent[] = [];
  if (missing === 'response') found.push(created(responseId));
  if (missing !== 'content') found.push(outputAdded(responseId, outputIndex, item()));
  return found;
}

function created(responseId: string): ServerEvent {
  return {
    type: 'response.created',
    event_id: ADOPTED,
    response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] },
  } as ServerEvent;
}

function outputAdded(responseId: string, outputIndex: number, item: ConversationItem): ServerEvent {
  return {
    type: 'response.output_item.added',
    event_id: ADOPTED,
    response_id: responseId,
    output_index: outputIndex,
    item,
  } as ServerEvent;
}

function message(itemId: string): ConversationItem {
  return { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] };
}
