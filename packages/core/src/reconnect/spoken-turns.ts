/**
 * The user turns of a session with input transcription off (`inputAudioTranscription: null`,
 * which saves the transcription's cost). Such a turn's item has neither words nor samples: the
 * server's echo carries no audio bytes, and no transcript comes. A restore would leave it out,
 * and after a drop the model would hold its own answers without the questions. So the audio the
 * ledger wrote of each turn is given to its item at its commit, and the mirror keeps it as it
 * keeps the audio of the app's own items: within `keepSentAudioMs` in all, the oldest let go
 * first (their turns are then left out, as before). The restore sends such a turn as the audio
 * it was. With transcription on the transcript restores the turn, and nothing is kept.
 * @module
 */
import type { AudioFrame } from '@voxwire/protocol';
import type { ConversationMirror } from '../conversation/mirror.js';
import { giveTurnAudio } from './untranscribed-turns.js';

/** The audio of the turn last committed, until its user item is in the mirror. */
export class SpokenTurns {
  // the server says `committed` before it adds the item (both dialects): one turn waits at most,
  // and a newer commit takes its place (an item that never came is not waited for)
  #waiting: { readonly itemId: string; readonly audio: AudioFrame } | undefined;

  /** The turn `itemId` was committed with `audio`: kept in the mirror now, or when its item comes. */
  committed(mirror: ConversationMirror, itemId: string, audio: AudioFrame): void {
    this.#waiting = undefined;
    if (mirror.has(itemId)) this.#keep(mirror, itemId, audio);
    else this.#waiting = { itemId, audio };
  }

  /** The item `itemId` is in the mirror: the audio of its turn, if it waited, is kept with it. */
  itemAdded(mirror: ConversationMirror | undefined, itemId: string): void {
    const waiting = this.#waiting;
    if (waiting?.itemId !== itemId || mirror === undefined) return;
    this.#waiting = undefined;
    this.#keep(mirror, itemId, waiting.audio);
  }

  /** The connection is gone: a turn whose item did not come is the ledger's to replay, or lost. */
  connectionLost(): void {
    this.#waiting = undefined;
  }

  #keep(mirror: ConversationMirror, itemId: string, audio: AudioFrame): void {
    if (giveTurnAudio(mirror, itemId, audio)) mirror.keepSamples(itemId);
  }
}
