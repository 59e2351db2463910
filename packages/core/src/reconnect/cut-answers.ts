/**
 * The assistant answers a drop cut off mid-stream. The old server never finished them, the
 * fresh one knows nothing of them, and the mirror holds them as the server announced them (no
 * content: `conversation.item.added` carries none, and the done events never came), so a
 * restore would leave them out and the model would repeat itself, or contradict what the user
 * heard. With `reconnect.truncatedAnswers: 'heard'` they follow the rule of an answer truncated
 * after a barge-in (`heard-text.ts`): each is restored as the text heard so far, ended with
 * `...` because the answer was cut off even when all of its received audio was played.
 *
 * - audio: its received transcript cut in proportion to the share of its received audio played
 *   by the time of the restore (the speaker plays on what it holds during the outage): as the
 *   app reported it (`session.playback`; a part never reported was not heard), else estimated
 *   from the clock since the answer's first audio; an interruption during the outage cuts it
 *   where it cut (`interrupt-cut.ts`).
 * - text: all of the text received, which the app has shown as it arrived.
 * - nothing can be told (no transcript received, no whole word heard): left out, as before.
 *
 * At the drop the mirror's item takes the parts received so far, each at its content index (so
 * that `chatCtxCopy()` during the outage shows them, and `interrupt()` then can cut the audio
 * part it names, also after a part whose `content_part.added` was lost); the restore replaces
 * them by the text heard.
 * @module
 */
import type { ChatContent } from '../conversation/chat-context.js';
import type { ConversationMirror } from '../conversation/mirror.js';
import { cutOff, cutOffHeardText } from '../conversation/heard-text.js';
import type { AudioContentRef, PlaybackTracker } from '../playback.js';
import type { RealtimeResponse } from '../responses/tree.js';

interface CutPart {
  readonly contentIndex: number;
  readonly kind: 'text' | 'audio';
  /** The text, or the transcript, received. */
  readonly text: string;
  /** Audio received, ms (0 for text). */
  readonly audioMs: number;
  /** Audio of the response before this part, ms: the clock plays a response's parts in order. */
  readonly audioBeforeMs: number;
}

interface CutAnswer {
  readonly parts: readonly CutPart[];
  /** When the response's first audio arrived (the clock estimate starts there). */
  readonly firstAudioAt: number | undefined;
  /** The response's audio parts in playing order, to tell which ones a report passed. */
  readonly audioOrder: readonly AudioContentRef[];
}

/** What the restore needs to tell what was heard. */
export interface HeardSource {
  /** `session.playback`, when the app ever used it. */
  readonly playback: PlaybackTracker | undefined;
  /** The clock's time now, ms. */
  readonly now: number;
}

/** The answers the drops of one outage cut off, until the restore retells them. */
export class CutAnswers {
  // item id → what was received of it (made on first use: most drops cut no answer)
  #answers: Map<string, CutAnswer> | undefined;

  /**
   * The connection dropped while `responses` were in progress: notes their assistant messages
   * the mirror holds and has not seen finished, and gives the mirror the parts received so far.
   */
  noteDrop(responses: readonly RealtimeResponse[], mirror: ConversationMirror): void {
    for (const response of responses) {
      const audioOrder: AudioContentRef[] = [];
      let audioMs = 0;
      const cut: { itemId: string; parts: CutPart[] }[] = [];
      for (const output of response.output) {
        if (output === undefined) continue;
        const parts: CutPart[] = [];
        for (const content of output.content) {
          if (content === undefined) continue;
          const ms = content.contentType === 'audio' ? content.audioDurationMs : 0;
          parts.push({
            contentIndex: content.contentIndex,
            kind: content.contentType,
            text: content.text,
            audioMs: ms,
            audioBeforeMs: audioMs,
          });
          if (ms > 0)
            audioOrder.push({ itemId: output.itemId, contentIndex: content.contentIndex });
          audioMs += ms;
        }
        // an item finished before the drop (`response.output_item.done`, or GA's
        // `conversation.item.done`, which may come first) is whole in the mirror; a function call
        // cut mid-arguments is left out by the restore (nothing ran on it)
        const item = mirror.get(output.itemId);
        if (output.isDone || item?.type !== 'message' || item.role !== 'assistant') continue;
        if (item.status === 'completed' || item.status === 'incomplete') continue;
        cut.push({ itemId: output.itemId, parts });
      }
      for (const { itemId, parts } of cut) {
        (this.#answers ??= new Map()).set(itemId, {
          parts,
          firstAudioAt: response.firstAudioAt,
          audioOrder,
        });
        // its status stays as the server left it (`in_progress`): it never finished
        mirror.update(itemId, (item) =>
          item.type !== 'message' ? item : { ...item, content: atContentIndex(parts) },
        );
      }
    }
  }

  /**
   * Before the restore: replaces each cut answer still in the mirror by the text heard of it
   * (an answer nothing can be told of keeps no part, and the restore leaves it out). Returns
   * the ids of the answers that kept some text; forgets them all.
   */
  retell(mirror: ConversationMirror, source: HeardSource): string[] {
    const answers = this.#answers;
    this.#answers = undefined;
    if (answers === undefined) return [];
    const retold: string[] = [];
    for (const [itemId, answer] of answers) {
      const item = mirror.get(itemId);
      if (item?.type !== 'message') continue;
      const cutAt = mirror.truncation(itemId);
      const content = answer.parts.flatMap((part): ChatContent[] => {
        if (part.kind === 'text') {
          const text = cutOff(part.text);
          return text === '' ? [] : [{ type: 'text', text }];
        }
        // the part as the mirror holds it now: an interruption during the outage cut it where
        // the user stopped hearing it (and cleared the playback position it was taken from)
        // no audio received: nothing of it was heard, however much transcript came before it
        if (item.content[part.contentIndex]?.type !== 'audio' || !(part.audioMs > 0)) return [];
        const heard = cutAt?.get(part.contentIndex) ?? heardMs(itemId, part, answer, source);
        const text = cutOffHeardText(part.text, heard, part.audioMs);
        // a barge-in after the reconnect cuts it again only if the speaker played on meanwhile,
        // and then as a cut-off answer too (`interrupt-retell.ts`)
        if (text !== '') mirror.noteTold(itemId, part.contentIndex, Math.min(heard, part.audioMs));
        return text === '' ? [] : [{ type: 'text', text }];
      });
      mirror.update(itemId, (current) => ({ ...current, content }) as typeof current);
      if (content.length > 0) retold.push(itemId);
    }
    return retold;
  }

  /** The session closed: nothing will be restored. */
  clear(): void {
    this.#answers = undefined;
  }
}

/**
 * The parts received, each at its content index: `interrupt()` cuts, and {@link CutAnswers.retell}
 * reads, a part by the index the server gave it. A part never announced (its
 * `response.content_part.added` lost) leaves a gap, filled with an audio part of which nothing is
 * known (no transcript, no samples): a restore leaves it out, as the server would keep nothing
 * the user saw or heard of it, and the parts after it keep their place.
 */
function atContentIndex(parts: readonly CutPart[]): ChatContent[] {
  const content: ChatContent[] = [];
  for (const part of parts) {
    while (content.length < part.contentIndex) content.push({ type: 'audio', transcript: null });
    content[part.contentIndex] =
      part.kind === 'text'
        ? { type: 'text', text: part.text }
        : { type: 'audio', transcript: part.text };
  }
  return content;
}

/** Ms of `part` played by now: as reported, else estimated from the clock. */
function heardMs(itemId: string, part: CutPart, answer: CutAnswer, source: HeardSource): number {
  const playback = source.playback;
  if (playback?.reporting === true) {
    const reported = playback.reportedMs(itemId, part.contentIndex);
    if (reported !== undefined) return reported;
    // the player plays a response's parts in order: one before the part reported was heard
    // whole, one after it (or of a response never reported) not at all
    const order = answer.audioOrder;
    const at = order.findIndex((r) => r.itemId === itemId && r.contentIndex === part.contentIndex);
    const reportedAt = order.findIndex(
      (r) => playback.reportedMs(r.itemId, r.contentIndex) !== undefined,
    );
    return at >= 0 && reportedAt > at ? part.audioMs : 0;
  }
  const started = answer.firstAudioAt;
  if (started === undefined) return 0;
  // a speaker drained or cleared since the answer's audio began plays no more of it
  const stoppedAt = playback?.stoppedAt ?? -Infinity;
  const end = stoppedAt >= started ? Math.min(stoppedAt, source.now) : source.now;
  return Math.max(0, Math.min(part.audioMs, end - started - part.audioBeforeMs));
}
