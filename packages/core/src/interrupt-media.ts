/**
 * `session.interrupt()` over a connection whose audio travels on media tracks (WebRTC,
 * `audioPath: 'media'`). The server plays the answer itself, so it knows what the user heard:
 * the barge-in is `response.cancel` for the response in progress, then
 * `output_audio_buffer.clear` (OpenAI: "should be preceded by a `response.cancel`"), and the
 * server cuts its own answer at what it had played. No position is estimated, no truncate or
 * delete is sent: those are the WebSocket path's (`interrupt.ts`), where the app plays the audio.
 * @module
 */
import { VoxwireError } from './errors.js';
import {
  checkInterruptOptions,
  toCancel,
  type InterruptOptions,
  type InterruptResult,
} from './interrupt.js';
import type { RealtimeResponse } from './responses/tree.js';

/** What the interruption over WebRTC needs from the session. */
export interface MediaInterruptHost {
  /** Responses in progress, oldest first. */
  activeResponses(): readonly RealtimeResponse[];
  /** The response the server is playing (its `output_audio_buffer.started`, not yet stopped). */
  serverPlayingResponseId(): string | undefined;
  /** Sends `response.cancel` quietly; `false` when an earlier interruption cancelled it already. */
  cancelQuietly(responseId: string): boolean;
  /** Deals with the creates asked for before the barge-in (as over a WebSocket). */
  cancelWhenStarted(): boolean;
  /** Whether the item is in the conversation. */
  inConversation(itemId: string): boolean;
  /**
   * Sends `output_audio_buffer.clear` to cut `responseId`'s playback; `false` (nothing sent) when
   * one was already sent for it on this connection.
   */
  clearServerAudio(responseId: string): boolean;
}

/** Interrupts the server's playback: see the module comment. */
export function interruptServerPlayback(
  host: MediaInterruptHost,
  options: InterruptOptions = {},
): InterruptResult {
  checkInterruptOptions(options);
  // the server plays the audio and knows the position; one the app claims would be a guess
  if (options.at !== undefined && options.at !== null)
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      'interrupt({ at }) cannot be given over WebRTC: the server plays the audio and cuts it at what it played',
      { data: { argument: 'at' } },
    );
  const playing = host.serverPlayingResponseId();
  const active = host.activeResponses();
  const inConversation = (itemId: string): boolean => host.inConversation(itemId);
  // the answer being played first, as over a WebSocket; else the newest not out of band
  const target =
    active.find((r) => r.id === playing) ?? toCancel(active, undefined, inConversation);
  const cancelled =
    options.cancel !== false && target !== undefined && host.cancelQuietly(target.id)
      ? target
      : undefined;
  if (options.cancel !== false) host.cancelWhenStarted();
  // `at: null`: the app says nothing is playing (it muted the remote track itself, say)
  let clearedResponseId: string | undefined;
  if (options.at !== null) {
    // a cancelled answer's audio may have begun playing with its `started` still on its way
    const toClear = playing ?? cancelled?.id;
    // an earlier interrupt's clear for the same audio is on its way: the server cuts it once
    if (toClear !== undefined && host.clearServerAudio(toClear)) clearedResponseId = toClear;
  }
  return {
    cancelledResponseId: cancelled?.id,
    truncated: undefined,
    deletedItemIds: [],
    clearedResponseId,
  };
}
