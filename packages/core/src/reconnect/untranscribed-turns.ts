/**
 * The user turns a drop caught between their answer and their transcript. The real server
 * transcribes a turn beside its answer (protocol.md §7.6), so a drop in that window leaves the
 * mirror a user item with neither words nor samples, which the restore would leave out: the
 * model would go on with its answer to a question it no longer holds. The ledger keeps such a
 * turn's audio until the transcript comes (`uncommitted-audio.ts`); the restore sends the turn as
 * that audio.
 * @module
 */
import type { AudioFrame } from '@voxwire/protocol';
import type { ConversationMirror } from '../conversation/mirror.js';
import type { UncommittedAudio } from './uncommitted-audio.js';

/**
 * Gives the user turns whose transcript had not come the audio the ledger kept of them, in the
 * mirror, so that the restore sends them as that audio; returns their ids.
 */
export function withTurnAudio(mirror: ConversationMirror, ledger: UncommittedAudio): string[] {
  const given: string[] = [];
  for (const id of ledger.untranscribedTurns()) {
    if (!wantsAudio(mirror, id)) continue;
    const frame = ledger.turnAudio(id);
    if (frame !== undefined && giveTurnAudio(mirror, id, frame)) given.push(id);
  }
  return given;
}

// a user item whose audio part has no samples (none were ever kept of it)
function wantsAudio(mirror: ConversationMirror, id: string): boolean {
  const item = mirror.get(id);
  if (item?.type !== 'message' || item.role !== 'user') return false;
  return item.content.some((part) => part.type === 'audio' && part.audio === undefined);
}

/**
 * Gives the user item `id`'s audio part without samples `frame` as its samples; returns whether
 * it had such a part (a user item of the mirror).
 */
export function giveTurnAudio(mirror: ConversationMirror, id: string, frame: AudioFrame): boolean {
  if (!wantsAudio(mirror, id)) return false;
  mirror.update(id, (known) =>
    known.type !== 'message'
      ? known
      : {
          ...known,
          content: known.content.map((part) =>
            part.type === 'audio' && part.audio === undefined ? { ...part, audio: frame } : part,
          ),
        },
  );
  return true;
}
