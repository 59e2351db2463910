/**
 * The audio of items this client sent, for the mirror. The server's echo of a
 * `conversation.item.create` carries no audio bytes; the mirror stores the echo with the samples
 * that were sent, so that a restore can re-create the item. A bounded total is kept: the oldest
 * items let go of their samples first.
 * @module
 */
import { frameDurationMs } from '@voxwire/protocol';
import type { ChatAudioContent, ChatItem } from './chat-context.js';

/** Whether `item` is a message with audio samples. */
export function hasSamples(item: ChatItem): boolean {
  return item.type === 'message' && item.content.some((p) => p.type === 'audio' && p.audio);
}

/** The item without its audio samples (transcripts kept): what the server's echo says of it. */
export function dropSamples(item: ChatItem): ChatItem {
  if (item.type !== 'message' || !hasSamples(item)) return item;
  const content = item.content.map((part) =>
    part.type === 'audio' && part.audio
      ? ({ type: 'audio', transcript: part.transcript } as ChatAudioContent)
      : part,
  );
  return item.status === undefined
    ? { type: 'message', id: item.id, role: item.role, content }
    : { type: 'message', id: item.id, role: item.role, content, status: item.status };
}

function audioMs(item: ChatItem): number {
  if (item.type !== 'message') return 0;
  let ms = 0;
  for (const part of item.content)
    if (part.type === 'audio' && part.audio) ms += frameDurationMs(part.audio);
  return ms;
}

/** Sent items waiting for their echo, and the samples kept of those that arrived. */
export class SentAudio {
  // by id, until the server's echo arrives
  readonly #awaiting = new Map<string, ChatItem>();
  // the items whose samples are kept, oldest first, and their total duration
  readonly #kept: { id: string; ms: number }[] = [];
  #keptMs = 0;
  readonly #budgetMs: number;

  /** @param budgetMs the most audio kept, in total */
  constructor(budgetMs: number) {
    this.#budgetMs = budgetMs;
  }

  /** Items sent whose echo has not arrived yet. */
  get awaiting(): number {
    return this.#awaiting.size;
  }

  /** Remembers an item being sent (only one with audio samples: the echo says all of another). */
  expect(item: ChatItem): void {
    if (hasSamples(item)) this.#awaiting.set(item.id, item);
  }

  /** Forgets an item (its create was refused, or its echo arrived). */
  forget(id: string): void {
    this.#awaiting.delete(id);
  }

  /** The item as sent, when `id` was awaited; it is awaited no more. */
  take(id: string): ChatItem | undefined {
    const item = this.#awaiting.get(id);
    if (item !== undefined) this.#awaiting.delete(id);
    return item;
  }

  /**
   * Counts the samples of `item`, now in the mirror, against the budget; calls `letGo` with the
   * id of each item (oldest first, `item` itself when it alone is over) whose samples must go.
   */
  keep(item: ChatItem, letGo: (id: string) => void): void {
    const ms = audioMs(item);
    if (ms === 0) return;
    // an item re-created under its id (a replay, a move) replaces its entry: counted once
    this.release(item.id);
    this.#kept.push({ id: item.id, ms });
    this.#keptMs += ms;
    while (this.#keptMs > this.#budgetMs && this.#kept.length > 0) {
      const oldest = this.#kept.shift()!;
      this.#keptMs -= oldest.ms;
      letGo(oldest.id);
    }
  }

  /**
   * The item `id` left the mirror: its samples no longer count against the budget (and a later
   * item under the same id is not let go for it).
   */
  release(id: string): void {
    const i = this.#kept.findIndex((entry) => entry.id === id);
    if (i < 0) return;
    this.#keptMs -= this.#kept[i]!.ms;
    this.#kept.splice(i, 1);
  }

  /** The mirror was emptied: no kept samples are left to count. */
  releaseAll(): void {
    this.#kept.length = 0;
    this.#keptMs = 0;
  }
}
