/**
 * User audio items whose transcription has not ended yet, with the partial text so far. Each
 * ends with `completed`, `failed`, the item's deletion or the connection's loss; the page is told
 * the last three too, so no turn shows "transcribing…" forever.
 * @module
 */
import type { ServerMessage } from '../shared/page-messages.js';

/** Unfinished user transcriptions tracked at once; the oldest is given up beyond that. */
const MAX_OPEN_TRANSCRIPTS = 32;

/** Tracks the unfinished user transcriptions of one page session. */
export class UserTranscripts {
  private readonly partials = new Map<string, string>();

  constructor(private readonly send: (message: ServerMessage) => void) {}

  /** A committed turn: its transcription follows (only while transcription is configured, §7.6). */
  committed(itemId: string): void {
    if (this.partials.has(itemId)) return;
    this.partials.set(itemId, '');
    this.bound();
  }

  /** A partial transcript (these come only through the tap; core reports the completed one). */
  delta(itemId: string, delta: string): void {
    const text = (this.partials.get(itemId) ?? '') + delta;
    this.partials.set(itemId, text);
    this.bound();
    this.send({ type: 'user_transcript', itemId, text, final: false });
  }

  /** The transcription ended with a result (or a failure) the caller shows. */
  settled(itemId: string): void {
    this.partials.delete(itemId);
  }

  /** Ends an unfinished transcription on the page, keeping what was heard of it. */
  end(itemId: string, reason: string): void {
    const partial = this.partials.get(itemId);
    if (partial === undefined) return;
    this.partials.delete(itemId);
    this.send({
      type: 'user_transcript',
      itemId,
      text: partial
        ? `${partial} … (transcription cut off: ${reason})`
        : `(no transcript: ${reason})`,
      final: true,
    });
  }

  /** Ends every unfinished transcription (the connection running them was lost). */
  endAll(reason: string): void {
    for (const itemId of [...this.partials.keys()]) this.end(itemId, reason);
  }

  /** A server that never ends some transcriptions must not grow the map without end. */
  private bound(): void {
    while (this.partials.size > MAX_OPEN_TRANSCRIPTS)
      this.end(this.partials.keys().next().value!, 'no result came');
  }
}
