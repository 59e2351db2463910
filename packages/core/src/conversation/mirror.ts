/**
 * The local mirror of the server's conversation: an ordered list of chat items with O(1)
 * insert-after, delete and lookup by id (`linked-items.ts`), fed by GA-model server events, with
 * what a restore needs beside the items (early transcripts, sent audio, truncations, deletions).
 *
 * Two deliberate differences from the seed: a `null`/absent predecessor (and `"root"`) means the
 * START of the conversation, as `previous_item_id: null` does on the wire (the seed appended);
 * and an unknown predecessor or a duplicate id is a typed error, not a log line and a dropped item.
 * @module
 */
import { BoundedIds, DELETED_IDS_KEPT } from './bounded-ids.js';
import type { ConversationItem, ServerEvent } from '@voxwire/protocol';
import type { ChatContext, ChatItem } from './chat-context.js';
import { cloneChatItem } from './chat-context.js';
import type { FromWireOptions } from './items.js';
import { conversationItemToChatItem } from './items.js';
import { PendingTranscripts } from './transcripts.js';
import { cutAudio, mapAudioPart, mergeItem } from './item-parts.js';
import { LinkedItems, ROOT_ITEM_ID } from './linked-items.js';
import { SentAudio, dropSamples, hasSamples } from './sent-audio.js';

export { ROOT_ITEM_ID } from './linked-items.js';

/** Options of {@link ConversationMirror}. */
export interface ConversationMirrorOptions extends FromWireOptions {
  /**
   * How many items' early transcripts (deltas or completions that arrive before their item) are
   * kept waiting for the item. The oldest are dropped beyond this, so an item that never arrives
   * (deleted meanwhile) cannot grow memory.
   * @default 64
   */
  readonly maxPendingTranscripts?: number | undefined;
  /**
   * How much audio of the items this client sent the mirror keeps, in total (the server's echo
   * carries no audio bytes, so without them a restore cannot re-create an audio item that has no
   * transcript). The oldest samples are let go beyond it; their items are then restored as
   * their transcript, or left out, as before.
   * @default 10000 (10 s: 480 KB of 24 kHz PCM16 at most per session)
   */
  readonly maxSentAudioMs?: number | undefined;
}

/** Something about a server event that did not fit the mirror; the event was still applied as well as it could be. */
export interface MirrorAnomaly {
  /** `UNKNOWN_PREDECESSOR`: the item was appended instead; `UNKNOWN_ITEM`: nothing to update or delete; `INVALID_ITEM`: the item had no id. */
  readonly code: 'UNKNOWN_PREDECESSOR' | 'UNKNOWN_ITEM' | 'INVALID_ITEM';
  /** Human-readable explanation, for the session's log. */
  readonly message: string;
  /** `UNKNOWN_PREDECESSOR`: the predecessor the event named. */
  readonly previousItemId?: string | undefined;
}

/** What {@link ConversationMirror.applyServerEvent} did. */
export interface MirrorChange {
  /** `ignored`: not a conversation event; `buffered`: kept until its item arrives. */
  readonly kind: 'inserted' | 'updated' | 'deleted' | 'buffered' | 'ignored';
  /** The item concerned. */
  readonly itemId?: string | undefined;
  /** Present when the event did not fit the mirror. */
  readonly anomaly?: MirrorAnomaly | undefined;
}

const IGNORED: MirrorChange = { kind: 'ignored' };

/** Sent audio the mirror keeps by default, ms (see {@link ConversationMirrorOptions.maxSentAudioMs}). */
const DEFAULT_MAX_SENT_AUDIO_MS = 10_000;

/** The local mirror of the server's conversation. */
export class ConversationMirror extends LinkedItems {
  readonly #options: ConversationMirrorOptions;
  readonly #pending: PendingTranscripts;
  // the audio of items this client sent (made on first use: most sessions send none)
  #sent: SentAudio | undefined;
  // item id → content index the server truncated → its audio_end_ms (made on first use): see
  // #refresh, and the restore, which re-creates such an answer from the text that was heard
  #truncated: Map<string, Map<number, number>> | undefined;
  // item id → content index a restore told as text → the ms heard it told (made on first use)
  #told: Map<string, Map<number, number>> | undefined;
  // ids the server reported deleted, until it adds them again (made on first use): see #upsert
  #deleted: BoundedIds | undefined;

  /** @param options - audio decoding and the early-transcript bound */
  constructor(options: ConversationMirrorOptions = {}) {
    super();
    this.#options = options;
    this.#pending = new PendingTranscripts(options.maxPendingTranscripts ?? 64);
  }

  /**
   * Remembers the audio of an item this client is creating, so that the server's echo (which
   * carries no audio bytes) is stored with the samples: a restore can then send the item again.
   * Items without audio samples are not remembered (the echo says all there is). The samples
   * are copied: the frames are the app's, and an audio pipeline that refills its buffer after
   * the create would otherwise change what a restore sends (once per item, not per append).
   */
  expectSent(item: ChatItem): void {
    if (!hasSamples(item)) return;
    (this.#sent ??= new SentAudio(
      this.#options.maxSentAudioMs ?? DEFAULT_MAX_SENT_AUDIO_MS,
    )).expect(cloneChatItem(item));
  }

  /**
   * Keeps the samples item `id` holds as those of an item this client sent (a user turn a restore
   * sent as the audio it was, its transcript not come): bounded with them, the oldest let go
   * first.
   */
  keepSamples(id: string): void {
    const item = this.get(id);
    if (item === undefined || !hasSamples(item)) return;
    (this.#sent ??= new SentAudio(this.#options.maxSentAudioMs ?? DEFAULT_MAX_SENT_AUDIO_MS)).keep(
      item,
      (kept) => {
        if (this.has(kept)) this.update(kept, dropSamples);
      },
    );
  }

  /** Whether any audio of items sent is kept (`maxSentAudioMs` above 0). */
  get keepsSentAudio(): boolean {
    return (this.#options.maxSentAudioMs ?? DEFAULT_MAX_SENT_AUDIO_MS) > 0;
  }

  /** Forgets an item {@link expectSent} remembered (its create was refused or failed). */
  forgetSent(id: string): void {
    this.#sent?.forget(id);
  }

  /** Items sent whose echo has not arrived yet. */
  get awaitingEcho(): number {
    return this.#sent?.awaiting ?? 0;
  }

  /** A deep copy of the conversation as a chat context, in conversation order. */
  toChatContext(): ChatContext {
    return { items: this.items().map(cloneChatItem) };
  }

  /**
   * Inserts `item` right after `previousId` (see {@link LinkedItems.insertAfter}), with the
   * transcripts that arrived before it.
   * @throws ConversationError `UNKNOWN_PREDECESSOR` or `DUPLICATE_ITEM`; the mirror is unchanged
   */
  override insertAfter(previousId: string | null | undefined, item: ChatItem): void {
    super.insertAfter(previousId, item);
    // taken only once the item is in: a refused insert leaves them waiting
    const early = this.#pending.take(item.id);
    if (early) super.update(item.id, (inserted) => withTranscripts(inserted, early));
  }

  /**
   * Removes the item `id` and returns it, with what the mirror kept for it.
   * @throws ConversationError `UNKNOWN_ITEM`
   */
  override delete(id: string): ChatItem {
    const item = super.delete(id);
    this.#pending.drop(id);
    this.#sent?.release(id);
    this.#truncated?.delete(id);
    this.#told?.delete(id);
    return item;
  }

  /**
   * The audio parts of item `id` the server truncated, as content index → `audio_end_ms` (what
   * was heard); `undefined` when none was. The server drops such a part's transcript, and a fresh
   * session cannot take assistant audio: the restore uses this to re-create the heard text.
   */
  truncation(id: string): ReadonlyMap<number, number> | undefined {
    return this.#truncated?.get(id);
  }

  /**
   * Cuts audio part `contentIndex` of item `id` at `audioEndMs` as the server's
   * `conversation.item.truncated` would, for a cut made while no server holds the conversation
   * (an interruption during an outage): the restore then re-creates the answer from it (the
   * text heard). Returns `false` when the item is not here.
   */
  truncateLocally(id: string, contentIndex: number, audioEndMs: number): boolean {
    return this.#truncate(id, contentIndex, audioEndMs).kind === 'updated';
  }

  /**
   * Records that a restore re-created audio part `contentIndex` of item `id` (an answer a drop
   * cut off) as the text heard in its first `heardMs`. The speaker may play on after the
   * restore: a later interruption cuts the text again only if more was heard (`toldAt`).
   */
  noteTold(id: string, contentIndex: number, heardMs: number): void {
    if (this.has(id)) setPartMs((this.#told ??= new Map()), id, contentIndex, heardMs);
  }

  /** The ms of part `contentIndex` of `id` a restore's text told (`noteTold`), if any. */
  toldAt(id: string, contentIndex: number): number | undefined {
    return this.#told?.get(id)?.get(contentIndex);
  }

  /** Removes every item and every early transcript. */
  override clear(): void {
    super.clear();
    this.#pending.clear();
    this.#truncated?.clear();
    this.#told?.clear();
    this.#deleted?.clear();
    // items sent meanwhile stay awaited: their echo may still come
    this.#sent?.releaseAll();
  }

  /**
   * Updates the mirror from one GA-model server event. Events that are not about the
   * conversation return `{ kind: 'ignored' }`. Never throws: what does not fit (an unknown
   * predecessor, an unknown item) is applied as well as possible and reported as an `anomaly`.
   *
   * - `conversation.item.added` / `created` (beta, decoded by the codec) / `done`: insert after
   *   `previous_item_id` (absent or `null`: at the start), or refresh the item when it is known;
   *   `done` may arrive without `added`. Transcripts already known are not overwritten with `null`.
   * - `conversation.item.retrieved`, `response.output_item.done`: refresh a known item (retrieved
   *   carries the audio).
   * - `conversation.item.deleted`: remove. A `conversation.item.done` or `response.output_item.done` after it for the
   *   same id (an answer deleted while its response was still writing it) does not bring the item
   *   back; only a new `added` / `created` of the id does. `conversation.item.truncated`: cut the audio to
   *   `audio_end_ms` and drop the transcript, as the server does; the done events of an answer
   *   truncated while still streaming do not bring the transcript back (only `retrieved` can).
   * - `conversation.item.input_audio_transcription.delta` / `completed`: fill in the transcript of
   *   the user's audio, also when they arrive before the item (they are kept until it does).
   */
  applyServerEvent(event: ServerEvent): MirrorChange {
    const e = event;
    switch (e.type) {
      case 'conversation.item.added':
      case 'conversation.item.created':
        // the id is in the conversation again (an edit is a delete then a create of the same id)
        if (this.#deleted !== undefined && typeof e.item.id === 'string')
          this.#deleted.delete(e.item.id);
        return this.#upsert(e.item, e.previous_item_id);
      case 'conversation.item.done':
        if (typeof e.item.id === 'string' && this.#deleted?.has(e.item.id) === true) {
          // the server finished an item it had deleted (the app deleted an answer while the
          // response was writing it): it is not in the conversation, and its previous_item_id
          // cannot place it (`null` there would put it at the start). Expected, so no anomaly
          return { kind: 'ignored', itemId: e.item.id };
        }
        return this.#upsert(e.item, e.previous_item_id);
      case 'conversation.item.retrieved':
        return this.#refresh(e.item, true);
      case 'response.output_item.done':
        // an answer the app deleted while its response was writing it: done all the same
        if (typeof e.item.id === 'string' && this.#deleted?.has(e.item.id) === true)
          return { kind: 'ignored', itemId: e.item.id };
        return this.#refresh(e.item);
      case 'conversation.item.deleted':
        if (!this.has(e.item_id)) {
          this.#pending.drop(e.item_id);
          return {
            kind: 'ignored',
            itemId: e.item_id,
            anomaly: {
              code: 'UNKNOWN_ITEM',
              message: `deleted item "${e.item_id}" was not in the mirror`,
            },
          };
        }
        this.delete(e.item_id);
        (this.#deleted ??= new BoundedIds(DELETED_IDS_KEPT)).add(e.item_id);
        return { kind: 'deleted', itemId: e.item_id };
      case 'conversation.item.truncated':
        return this.#truncate(e.item_id, e.content_index, e.audio_end_ms);
      case 'conversation.item.input_audio_transcription.delta':
        return this.#transcript(e.item_id, e.content_index ?? 0, e.delta ?? '', false);
      case 'conversation.item.input_audio_transcription.completed':
        return this.#transcript(e.item_id, e.content_index, e.transcript, true);
      default:
        return IGNORED;
    }
  }

  #toChat(item: ConversationItem): ChatItem | MirrorAnomaly {
    try {
      return conversationItemToChatItem(item, this.#options);
    } catch (error) {
      return {
        code: 'INVALID_ITEM',
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }

  #upsert(wire: ConversationItem, previousId: string | null | undefined): MirrorChange {
    let chat = this.#toChat(wire);
    if (!('type' in chat)) return { kind: 'ignored', anomaly: chat };
    const sent = this.#sent?.take(chat.id);
    if (this.has(chat.id)) return this.#refresh(wire);
    // the server's item, with the samples this client sent where it has none
    if (sent !== undefined) chat = mergeItem(sent, chat);
    let change: MirrorChange;
    if (previousId != null && previousId !== ROOT_ITEM_ID && !this.has(previousId)) {
      // e.g. anchored to an item deleted a moment ago (livekit/agents#6964): the server appends
      // new items, so the end is the best place; the session logs the anomaly
      this.append(chat);
      change = {
        kind: 'inserted',
        itemId: chat.id,
        anomaly: {
          code: 'UNKNOWN_PREDECESSOR',
          message: `item "${chat.id}" follows unknown item "${previousId}"; appended at the end`,
          previousItemId: previousId,
        },
      };
    } else {
      this.insertAfter(previousId, chat);
      change = { kind: 'inserted', itemId: chat.id };
    }
    // bounded: the oldest let go of their samples first (deletes and clears release their items)
    if (sent !== undefined)
      this.#sent!.keep(chat, (id) => {
        if (this.has(id)) this.update(id, dropSamples);
      });
    return change;
  }

  /**
   * @param current - `wire` is the item as the conversation holds it now (`retrieved`), not as a
   *   response generated it: a truncated part takes its transcript from it
   */
  #refresh(wire: ConversationItem, current = false): MirrorChange {
    const chat = this.#toChat(wire);
    if (!('type' in chat)) return { kind: 'ignored', anomaly: chat };
    if (!this.has(chat.id)) {
      return {
        kind: 'ignored',
        itemId: chat.id,
        anomaly: {
          code: 'UNKNOWN_ITEM',
          message: `item "${chat.id}" is not in the mirror; its position is unknown`,
        },
      };
    }
    const cut = current ? undefined : this.#truncated?.get(chat.id);
    this.update(chat.id, (known) => {
      let merged = mergeItem(known, chat);
      // an answer truncated while streaming: its done events still carry what was generated,
      // but the server dropped the transcript (protocol.md §7.7: no text that was not heard)
      if (cut !== undefined)
        for (const index of cut.keys())
          merged = mapAudioPart(merged, index, (part) =>
            part.audio
              ? { type: 'audio', audio: part.audio, transcript: null }
              : { type: 'audio', transcript: null },
          );
      return merged;
    });
    return { kind: 'updated', itemId: chat.id };
  }

  #truncate(id: string, contentIndex: number, audioEndMs: number): MirrorChange {
    if (!this.has(id)) {
      return {
        kind: 'ignored',
        itemId: id,
        anomaly: { code: 'UNKNOWN_ITEM', message: `truncated item "${id}" is not in the mirror` },
      };
    }
    setPartMs((this.#truncated ??= new Map()), id, contentIndex, audioEndMs);
    this.update(id, (current) =>
      mapAudioPart(current, contentIndex, (part) => {
        // the server drops the transcript so that no unheard text stays in the context
        const audio = part.audio ? cutAudio(part.audio, audioEndMs) : undefined;
        return audio
          ? { type: 'audio', audio, transcript: null }
          : { type: 'audio', transcript: null };
      }),
    );
    return { kind: 'updated', itemId: id };
  }

  #transcript(id: string, contentIndex: number, text: string, final: boolean): MirrorChange {
    if (!this.has(id)) {
      // the transcription of a turn the app deleted finishes anyway: its item is not coming, and
      // holding the text would push a real early transcript out of the bounded store
      if (this.#deleted?.has(id) === true) return { kind: 'ignored', itemId: id };
      this.#pending.add(id, contentIndex, text, final);
      return { kind: 'buffered', itemId: id };
    }
    this.update(id, (current) =>
      mapAudioPart(current, contentIndex, (part) => ({
        ...part,
        transcript: final ? text : (part.transcript ?? '') + text,
      })),
    );
    return { kind: 'updated', itemId: id };
  }
}

/** `item` with the early transcripts `early` (content index → text) where it has none. */
function withTranscripts(item: ChatItem, early: Iterable<[number, string]>): ChatItem {
  let out = item;
  for (const [index, transcript] of early) {
    out = mapAudioPart(out, index, (part) => ({
      ...part,
      transcript: part.transcript ?? transcript,
    }));
  }
  return out;
}

// `ms` for content part `contentIndex` of item `id`, in a map of item id → part → ms
function setPartMs(
  byItem: Map<string, Map<number, number>>,
  id: string,
  contentIndex: number,
  ms: number,
): void {
  let parts = byItem.get(id);
  if (parts === undefined) byItem.set(id, (parts = new Map<number, number>()));
  parts.set(contentIndex, ms);
}
