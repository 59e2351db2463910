/**
 * A barge-in over an answer a reconnect re-created. A fresh server cannot take assistant audio,
 * so a restore re-creates an answer as its transcript (`reconnect/restore.ts`): when the phone
 * or speaker is still playing that answer after a rollover or a drop, the server holds it as
 * text, and `conversation.item.truncate` on it is refused ("Only model output audio messages can
 * be truncated", protocol.md §7.7), which left the whole text, unheard part included, in the
 * model's context. The text is cut instead, as a restore retells a truncated answer: the item is
 * deleted and the text that was heard (`heard-text.ts`) created in its place. The app's own
 * `conversation.item.truncate()` of such an answer is refused the same way, and takes the same
 * path (`SessionRequests.retell`).
 * @module
 */
import type { ChatItem } from './conversation/chat-context.js';
import { cutOffHeardText, heardTextOf } from './conversation/heard-text.js';
import { nearestBefore } from './conversation/in-flight.js';
import type { ChatItemInput } from './conversation/input.js';
import type { ConversationMirror } from './conversation/mirror.js';
import type { RealtimeContent } from './responses/tree.js';

/** What the retelling needs from the session. */
export interface RetellHost {
  /** The conversation mirror, when the session keeps one. */
  mirror(): ConversationMirror | undefined;
  /** The content part as the response tree holds it (its transcript and audio length). */
  content(itemId: string, contentIndex: number): RealtimeContent | undefined;
  /** `conversation.item.delete`. */
  itemDelete(itemId: string): Promise<void>;
  /** `conversation.item.create` after `previousItemId` (`null`: at the start). */
  itemCreate(input: ChatItemInput, previousItemId: string | null): Promise<unknown>;
  /** A new item id. */
  newItemId(): string;
  /**
   * Whether the server will hold `itemId` once the item changes in flight are applied (in the
   * mirror, and no delete of it on its way: a trim the app asked for meanwhile, say).
   */
  willHold(itemId: string): boolean;
}

/**
 * Whether the server holds content part `contentIndex` of `itemId` as text, not audio: an
 * assistant answer a reconnect re-created (the mirror holds what the server echoed).
 */
export function heldAsText(
  mirror: ConversationMirror | undefined,
  itemId: string,
  contentIndex: number,
): boolean {
  const item: ChatItem | undefined = mirror?.get(itemId);
  if (item?.type !== 'message' || item.role !== 'assistant') return false;
  // the text of an answer cut before (a restore retold what was heard): it was cut once already
  if (mirror?.truncation(itemId)?.has(contentIndex) === true) return false;
  const part = item.content[contentIndex];
  return part !== undefined && part.type === 'text';
}

/**
 * Replaces the answer held as text by the part of it heard in the first `audioEndMs` (ending in
 * `...`), or deletes it when not one whole word was heard. Resolves with the new item's id
 * (`undefined` when it was only deleted), `null` when the transcript is no longer known (the
 * response is not retained): the item is then left as it is rather than guessed at, or `false`
 * when nothing more was heard than a restore's text already tells (nothing sent, nothing to cut).
 */
export async function retellHeard(
  host: RetellHost,
  itemId: string,
  contentIndex: number,
  audioEndMs: number,
): Promise<string | undefined | null | false> {
  // an answer a drop cut off, which the restore told as the text heard by then: cut again only
  // if the speaker played on since, and as a cut-off answer (its transcript ends where the drop
  // cut it, mid-word maybe, and the answer never finished: whole words and `...`)
  const toldAt = host.mirror()?.toldAt(itemId, contentIndex);
  if (toldAt !== undefined && audioEndMs <= toldAt) return false;
  const content = host.content(itemId, contentIndex);
  const text =
    toldAt === undefined || content?.contentType !== 'audio'
      ? heardTextOf(content, audioEndMs)
      : cutOffHeardText(content.text, audioEndMs, content.audioDurationMs);
  if (text === undefined) return null;
  // the conversation's order, taken before the delete, which takes the item (and its place) out
  // of the mirror
  const order = host.mirror()?.ids() ?? [];
  await host.itemDelete(itemId);
  if (text === '') return undefined;
  const id = host.newItemId();
  // in its place: after the nearest item before it that the server still holds when the create
  // reaches it (one deleted meanwhile would have the create refused, `item_not_found`)
  const previous = nearestBefore(order, itemId, (candidate) => host.willHold(candidate)) ?? null;
  await host.itemCreate(
    { type: 'message', id, role: 'assistant', content: [{ type: 'text', text }] },
    previous,
  );
  return id;
}
