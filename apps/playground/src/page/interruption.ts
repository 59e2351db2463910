/**
 * Interruption: when the person starts speaking (or presses push-to-talk or Send turn, or types
 * over an answer), playback stops, and the page sends its server ONE `interrupt` message with
 * what the worklet actually played of each cut assistant item. The server runs it with core's
 * `session.interrupt()` (cancel, truncate once the answer's response is over, 0 ms deletes) and
 * handles a turn sent afterwards only once it has settled.
 * @module
 */
import type { PageMessage } from '../shared/page-messages.js';
import { note, showError, state, stats } from './context.js';
import { ResponseAudio } from './response-audio.js';

/** The responses the speaker plays and the audio an interruption cut. */
export const answers = new ResponseAudio();

// the interruption being measured (the worklet answers `stop` with its counts): a turn sent
// meanwhile goes after its `interrupt` message. Only the latest is kept: the worklet answers
// `stop` in order, so it settles after every one before it. (The server and core take it from
// there: core runs interruptions one after the other, the server holds a turn until they are over.)
let interrupting: Promise<void> = Promise.resolve();

/**
 * Stops playback and sends the server what was heard of each cut item (rendered − output
 * latency; 0 ms → the server deletes the item). `cancel` also cancels the response in progress.
 */
async function interrupt(reason: string, cancel: boolean): Promise<void> {
  const link = state.link;
  const speaker = state.speaker;
  if (!link || !speaker) return;
  // before the worklet answers: audio of the cancelled response that arrives meanwhile is dropped
  if (cancel) answers.cutNewestResponse();
  const cut = await speaker.interrupt();
  for (const item of cut) {
    answers.cutItem(item.itemId);
    stats.truncations.push({ itemId: item.itemId, audioEndMs: item.playedMs });
    note(
      `${reason}: playback stopped, ${item.itemId} heard ${item.playedMs} ms (${item.renderedMs} rendered − ${item.latencyMs} output latency) of ${item.receivedMs} ms received`,
    );
  }
  // nothing playing and nothing to cancel: the server has nothing to do
  if (cut.length === 0 && !cancel) return;
  if (state.link !== link) return;
  link.send({
    type: 'interrupt',
    cancel,
    items: cut.map((i) => ({
      itemId: i.itemId,
      contentIndex: i.contentIndex,
      playedMs: i.playedMs,
    })),
  });
}

/**
 * The person started speaking (server or semantic VAD): stop playback and cut what played. No
 * cancel: the server's VAD cancels the response itself (`interrupt_response`), and a cancel sent
 * this late could reach the answer to the new turn.
 */
export function interruptForSpeech(): void {
  interrupting = interrupt('speech started', false).catch(failed);
}

/** Speaking over the answer, by hand: stop playback, cancel the response, then act. */
export function interruptForTurn(reason: string): void {
  interrupting = interrupt(reason, true).catch(failed);
}

// shown, and the turn after it still goes (a turn waiting on a rejected promise would be lost)
function failed(error: unknown): void {
  showError('INTERRUPT_FAILED', error instanceof Error ? error.message : String(error));
}

/**
 * Sends a turn (typed text, a committed spoken turn) after the `interrupt` message before it:
 * the server handles the turn once that interruption has settled, so the next answer is asked
 * for with the cut answer already cut to what was heard.
 */
export function sendTurn(message: PageMessage): void {
  const target = state.link;
  if (!target) return;
  void interrupting.then(() => {
    if (state.link === target) target.send(message);
  });
}
