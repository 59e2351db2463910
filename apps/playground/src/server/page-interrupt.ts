/**
 * The page's barge-in, run by core: the page alone knows what its speaker played (the worklet's
 * rendered samples minus the output latency), so it sends the cut positions, and core's
 * `session.interrupt()` does the rest (cancel the response in progress, truncate once the answer's
 * response has ended so the truncate never races the generator, 0 ms deletes, delete the
 * cancelled response's unheard answers, swallow the `response_cancel_not_active` a crossing
 * cancel draws, and run interruptions one after the other). Turns the page sends afterwards wait
 * for the returned promise (`PageSession`).
 *
 * Why `{ at }` rather than streaming playback reports into `session.playback`: the page measures
 * the position exactly at the cut (the worklet answers `stop` with its counts); a stream of
 * reports would be as old as its interval plus a network hop when the interruption comes.
 * @module
 */
import type { InterruptResult, RealtimeSession } from '@voxwire/core';
import type { InterruptedItem } from '../shared/page-messages.js';

/** What an interruption did to one assistant item: cut to `audioEndMs` heard, or deleted. */
export interface ItemCut {
  /** The assistant item. */
  itemId: string;
  /** Milliseconds kept (what was heard, capped at the audio received); 0 when deleted. */
  audioEndMs: number;
  /** Nothing of it was heard: the item was deleted from the conversation. */
  deleted: boolean;
}

/**
 * The item that was playing at the cut: the worklet plays items in order, so it is the last one
 * of which anything was heard (those before it were played out); the first one when nothing was
 * heard at all.
 */
function playingItem(items: readonly InterruptedItem[]): InterruptedItem | undefined {
  return items.findLast((item) => Math.floor(item.playedMs) > 0) ?? items[0];
}

function at(item: InterruptedItem): { itemId: string; contentIndex: number; playedMs: number } {
  return { itemId: item.itemId, contentIndex: item.contentIndex ?? 0, playedMs: item.playedMs };
}

/**
 * Runs the page's interruption: `session.interrupt()` at the item that was playing, or with
 * `at: null` when the page's speaker had nothing playing (never core's clock estimate: the page
 * may not have played a sample of an answer core thinks is halfway through), cancelling the
 * response in progress when `cancel`; then each other item the page cut, at what was heard of it,
 * one after the other, skipping the answers the first call deleted (the cancelled response's
 * unheard ones: a second delete of them would be refused with `item_not_found` by a session
 * without a conversation mirror). The positions are the page's, measured at the cut, so waiting
 * changes none of them. `onCut` hears of each item as it is cut, so a later refusal does not hide
 * the cuts made before it. Rejects with the first refusal once every item was tried.
 */
export async function interruptFromPage(
  session: Pick<RealtimeSession, 'interrupt'>,
  cancel: boolean,
  items: readonly InterruptedItem[],
  onCut: (cut: ItemCut) => void,
): Promise<void> {
  const playing = playingItem(items);
  const report = (result: InterruptResult): void => {
    if (result.truncated) onCut(cutOf(result.truncated));
    for (const itemId of result.deletedItemIds) onCut({ itemId, audioEndMs: 0, deleted: true });
  };
  const first = await session.interrupt({
    cancel,
    at: playing === undefined ? null : at(playing),
  });
  report(first);
  // others the speaker cut (an answer of a response that was not cancelled, played or queued
  // behind the one playing): core cuts each once its own response has ended
  const done = new Set([playing?.itemId, ...first.deletedItemIds]);
  let failure: { reason: unknown } | undefined;
  for (const item of items) {
    if (done.has(item.itemId)) continue;
    done.add(item.itemId);
    try {
      report(await session.interrupt({ cancel: false, at: at(item) }));
    } catch (error) {
      failure ??= { reason: error };
    }
  }
  if (failure) throw failure.reason;
}

function cutOf(truncated: NonNullable<InterruptResult['truncated']>): ItemCut {
  return {
    itemId: truncated.itemId,
    audioEndMs: truncated.audioEndMs,
    deleted: truncated.deleted,
  };
}
