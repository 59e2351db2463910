/**
 * Interruption: when the person starts speaking (or presses push-to-talk, or types over an
 * answer), playback stops and each cut assistant item is truncated at the milliseconds the
 * worklet actually played; the next turn goes once those truncations are out.
 * @module
 */
import type { PageMessage } from '../shared/page-messages.js';
import { note, state, stats } from './context.js';
import { TruncationGate } from './truncation-gate.js';

/** Items cut by an interruption: late audio for them is dropped, never played. */
export const interrupted = new Set<string>();
/**
 * Assistant audio items per response (the speaker learns when an item's audio is complete) and
 * truncations held until their response is over.
 */
export const gate = new TruncationGate((request) =>
  state.link?.send({ type: 'truncate', ...request }),
);

/** Stops playback and truncates every cut item at what was actually heard (0 ms → delete, done by the server). */
export async function interruptPlayback(reason: string): Promise<void> {
  if (!state.speaker) return;
  const cut = await state.speaker.interrupt();
  for (const item of cut) {
    interrupted.add(item.itemId);
    stats.truncations.push({ itemId: item.itemId, audioEndMs: item.playedMs });
    note(
      `${reason}: playback stopped, ${item.itemId} heard ${item.playedMs} ms (${item.renderedMs} rendered − ${item.latencyMs} output latency) of ${item.receivedMs} ms received`,
    );
    gate.truncate({
      itemId: item.itemId,
      contentIndex: item.contentIndex,
      audioEndMs: item.playedMs,
    });
  }
}

// the interruption in progress: a turn waits for it, then for the truncations it holds
let interrupting: Promise<void> = Promise.resolve();

/** Speaking over the answer, by hand: stop playback, cancel the response, then act. */
export function interruptForTurn(reason: string): void {
  if (gate.anyActive) state.link?.send({ type: 'cancel' });
  interrupting = interruptPlayback(reason);
}

/**
 * Sends a turn (typed text, a committed spoken turn) once the interruption before it is
 * complete: the truncations go first, so the next answer is asked for with the cut answer
 * already cut to what was heard.
 */
export function sendTurn(message: PageMessage): void {
  const target = state.link;
  if (!target) return;
  void interrupting.then(() =>
    gate.afterHeld(() => {
      if (state.link === target) target.send(message);
    }),
  );
}
