/**
 * What a reconnect sends before anything else on the fresh connection: the full session
 * configuration (tools included), the conversation re-created from the mirror in order (so the
 * model sees the same history), and the requests the old connection took with it. Items the
 * API cannot take back (MCP items, audio the mirror has no samples or transcript of, function
 * calls the drop cut mid-arguments, outputs whose call is not restored before them) are left out
 * and removed from the mirror, so that the mirror keeps matching the server. An answer truncated
 * after a barge-in goes back as the text that was heard, when the caller can tell it
 * (`heard-text.ts`); the mirror then holds that text. An answer the drop cut off mid-stream is
 * made that text before this runs (`cut-answers.ts`).
 * @module
 */
import type { AudioFrame, ClientEvent, IdGenerator } from '@voxwire/protocol';
import type { ChatItem } from '../conversation/chat-context.js';
import { chatItemToConversationItem } from '../conversation/items.js';
import type { ConversationMirror } from '../conversation/mirror.js';
import { replayableItem } from '../features/conversation.js';
import type { AudioFormatName } from '../options.js';
import { inputFormatOfUpdate } from '../session-config.js';

/** The conversation part of a restore. */
export interface ConversationRestore {
  /** `conversation.item.create` events, in conversation order (each appends). */
  readonly events: ClientEvent[];
  /** Client event id → item id, to drop an item from the mirror when the server refuses it. */
  readonly eventItems: Map<string, string>;
  /** Items re-created. */
  readonly restored: number;
  /** Ids of items left out (and removed from the mirror). */
  readonly skipped: string[];
  /** The call ids of the function calls left out: an output of one would be refused. */
  readonly skippedCalls: ReadonlySet<string>;
}

/**
 * The text heard of content `contentIndex` of item `itemId`, which the server truncated at
 * `audioEndMs`; `undefined` (or `''`) when it cannot be told.
 */
export type HeardTextOf = (
  itemId: string,
  contentIndex: number,
  audioEndMs: number,
) => string | undefined;

function restorable(item: ChatItem): ChatItem | undefined {
  // a call cut before its arguments were complete was never really made
  if (item.type === 'function_call' && item.status !== undefined && item.status !== 'completed')
    return undefined;
  return replayableItem(item);
}

// an assistant answer with truncated audio parts, each replaced by the text heard of it (the
// part is left out when that is not known, as the server keeps no text for it either)
function withHeardText(
  item: ChatItem,
  cut: ReadonlyMap<number, number> | undefined,
  heard: HeardTextOf | undefined,
): ChatItem {
  if (cut === undefined || item.type !== 'message' || item.role !== 'assistant') return item;
  const content = item.content.flatMap((part, index) => {
    const audioEndMs = cut.get(index);
    if (part.type !== 'audio' || audioEndMs === undefined) return [part];
    const text = heard?.(item.id, index, audioEndMs);
    return text ? [{ type: 'text' as const, text }] : [];
  });
  return { ...item, content };
}

/**
 * Builds the item creates that re-create `mirror` on an empty server conversation.
 * @param heard - the text heard of a truncated answer; without it such answers are left out
 */
export function restoreConversation(
  mirror: ConversationMirror,
  generateId: IdGenerator,
  encodeAudio: (frame: AudioFrame) => string,
  heard?: HeardTextOf,
): ConversationRestore {
  const events: ClientEvent[] = [];
  const eventItems = new Map<string, string>();
  const skipped: string[] = [];
  const skippedCalls = new Set<string>();
  const retold: ChatItem[] = [];
  // the server refuses an output whose call it does not hold (protocol.md §7.4: it checks the
  // call_id): one whose call is left out, or was deleted, would only come back as an `error`
  // and be counted as restored
  const calls = new Set<string>();
  for (const item of mirror.items()) {
    const cut = mirror.truncation(item.id);
    const told = withHeardText(item, cut, heard);
    const ready =
      told.type === 'function_call_output' && !calls.has(told.callId)
        ? undefined
        : restorable(told);
    let wire: ReturnType<typeof chatItemToConversationItem> | undefined;
    try {
      wire = ready ? chatItemToConversationItem(ready, { encodeAudio }) : undefined;
    } catch {
      wire = undefined;
    }
    if (!wire) {
      skipped.push(item.id);
      if (item.type === 'function_call') skippedCalls.add(item.callId);
      continue;
    }
    if (ready?.type === 'function_call') calls.add(ready.callId);
    const eventId = generateId('event');
    eventItems.set(eventId, item.id);
    events.push({ type: 'conversation.item.create', event_id: eventId, item: wire });
    if (cut !== undefined && told !== item) retold.push(told);
  }
  for (const id of skipped) mirror.delete(id);
  // the fresh server holds the heard text, not the cut audio: so does the mirror from now on
  for (const item of retold) mirror.update(item.id, () => item);
  return { events, eventItems, restored: events.length, skipped, skippedCalls };
}

/**
 * The input format the fresh server reads once `prelude` is written: the one the last
 * `session.update` in it sets (the restore's own comes first; a re-sent update after it wins).
 */
export function preludeInputFormat(prelude: readonly ClientEvent[]): AudioFormatName {
  let format: AudioFormatName = 'pcm16';
  for (const event of prelude)
    if (event.type === 'session.update') format = inputFormatOfUpdate(event, format);
  return format;
}
