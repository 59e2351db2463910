/**
 * Where an interruption's cut goes. On an open connection it is `conversation.item.truncate`
 * (a 0 ms one deletes). During an outage a truncate would be queued and sent after the restore,
 * to a fresh server that holds the answer as text (the restore cannot give back assistant audio)
 * or not at all, and that refuses it (protocol.md §7.7: only assistant audio can be truncated;
 * `unsupported_content_type`, or `item_not_found`): the cut is made in the mirror instead, which
 * the next connection's restore re-creates the conversation from (the answer as the text heard,
 * `reconnect.truncatedAnswers`). An item the mirror no longer holds as audio (re-created as text
 * by an earlier restore, left out of it, deleted) has nothing left to cut. A truncate the
 * connection took with it before the server acknowledged it (rejected `SOCKET_CLOSED`,
 * `connection_lost`) is cut the same way: the next connection is a fresh server restored from the
 * mirror, so the cut is made there, and a barge-in does not fail (an unhandled rejection, for the
 * usual `void session.interrupt()`) over a drop the session recovers from.
 * @module
 */
import type { ConnectionState } from './connection-state.js';
import { VoxwireError } from './errors.js';
import type { ConversationMirror } from './conversation/mirror.js';
import type { TruncateArgs } from './session-api.js';

/** What the cut needs from the session. */
export interface CutHost {
  readonly state: () => ConnectionState;
  /** The conversation mirror; `undefined` when the session keeps none. */
  readonly mirror: () => ConversationMirror | undefined;
  /** `conversation.item.truncate` (0 ms: `conversation.item.delete`). */
  readonly truncate: (args: TruncateArgs) => Promise<unknown>;
  /**
   * Whether the server keeps the session across connections (a side-band): it may hold the cut
   * already, and no restore is built from the mirror.
   */
  readonly keepsSession: () => boolean;
}

/**
 * Cuts `args.itemId`'s audio part at `args.audioEndMs` (0: deletes it) on the server, or in the
 * mirror during an outage. Resolves `false` when there was nothing to cut.
 */
export async function cutForInterrupt(host: CutHost, args: TruncateArgs): Promise<boolean> {
  const status = host.state().status;
  const mirror = host.mirror();
  // without a mirror nothing tells what the server holds: send as asked; once the session is
  // closing the truncate rejects SESSION_CLOSED, as documented (the close emptied the mirror,
  // which must not read as "nothing to cut")
  if (mirror === undefined || status === 'closing' || status === 'closed') {
    await host.truncate(args);
    return true;
  }
  // an item in the mirror came from a server, so the next open is a reconnect with a restore
  // built from the mirror at that moment
  if (status === 'reconnecting' || status === 'connecting' || status === 'idle')
    return cutInMirror(mirror, args.itemId, args.contentIndex, args.audioEndMs) === 'cut';
  const item = mirror.get(args.itemId);
  const part = item?.type === 'message' ? item.content[args.contentIndex] : undefined;
  if (part?.type !== 'audio') return false;
  // cut already at or before this point: what is left was all heard (a truncate past the cut is
  // refused with no event id, protocol.md §7.7, and would hang until the request timeout)
  const cutAt = mirror.truncation(args.itemId)?.get(args.contentIndex);
  if (cutAt !== undefined && args.audioEndMs >= cutAt) return false;
  try {
    await host.truncate(args);
  } catch (error) {
    if (!lostWithConnection(error) || host.keepsSession()) throw error;
    return cutInMirror(mirror, args.itemId, args.contentIndex, args.audioEndMs) === 'cut';
  }
  return true;
}

// the truncate the connection took before its ack (`reconnect/reliability.ts`, `lost`)
function lostWithConnection(error: unknown): boolean {
  return (
    error instanceof VoxwireError &&
    error.code === 'SOCKET_CLOSED' &&
    (error.data as { reason?: unknown } | undefined)?.reason === 'connection_lost'
  );
}

/**
 * Cuts content `contentIndex` of `itemId` at `audioEndMs` (0: deletes the item) in the mirror
 * alone, for the restore of the next connection to re-create as the text heard: `'cut'`;
 * `'heard'` when it was already cut at or before that point (nothing left to cut); `undefined`
 * when the mirror does not hold that part as audio (re-created as text by an earlier restore,
 * left out of it, deleted, never known), which only the server can answer.
 */
export function cutInMirror(
  mirror: ConversationMirror,
  itemId: string,
  contentIndex: number,
  audioEndMs: number,
): 'cut' | 'heard' | undefined {
  const item = mirror.get(itemId);
  const part = item?.type === 'message' ? item.content[contentIndex] : undefined;
  if (part?.type !== 'audio') return undefined;
  const cutAt = mirror.truncation(itemId)?.get(contentIndex);
  if (cutAt !== undefined && audioEndMs >= cutAt) return 'heard';
  if (audioEndMs === 0) mirror.delete(itemId);
  else mirror.truncateLocally(itemId, contentIndex, audioEndMs);
  return 'cut';
}
