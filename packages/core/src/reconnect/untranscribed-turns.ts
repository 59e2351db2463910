/**
 * The user turns a drop caught between their answer and their transcript. The real server
 * transcribes a turn beside its answer (protocol.md §7.6), so a drop in that window leaves the
 * mirror a user item with neither words nor samples, which the restore would leave out: the
 * model would go on with its answer to a question it no longer holds. The ledger keeps such a
 * turn's audio until the transcript comes (`uncommitted-audio.ts`); the restore sends the turn as
 * that audio.
 * @module
 */
import type { ConversationMirror } from '../conversation/mirror.js';
import type { UncommittedAudio } from './uncommitted-audio.js';

/**
 * Gives the user turns whose transcript had not come the audio the ledger kept of them, in the
 * mirror, so that the restore sends them as that audio; returns their ids.
 */
export function withTurnAudio(mirror: ConversationMirror, ledger: UncommittedAudio): string[] {
  const given: string[] = [];
  for (const id of ledger.untranscribedTurns()) {
    const item = mirror.get(id);
    if (item?.type !== 'message' || item.role !== 'user') continue;
    if (!item.content.some((part) => part.type === 'audio' && part.audio === undefined)) continue;
    const frame = ledger.turnAudio(id);
    if (frame === undefined) continue;
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
    given.push(id);
  }
  return given;
}
