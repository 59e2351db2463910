/**
 * `session.interrupt()` wired to a session's parts: over a WebSocket (`interrupt.ts`: cancel,
 * truncate at what the app's speaker played, delete what it never reached) or over WebRTC
 * (`interrupt-media.ts`: cancel, then `output_audio_buffer.clear`, the server playing the audio).
 * Kept out of `session.ts`, which only composes.
 * @module
 */
import { interrupt, type InterruptOptions, type InterruptResult } from './interrupt.js';
import { cutForInterrupt } from './interrupt-cut.js';
import { interruptServerPlayback } from './interrupt-media.js';
import { heldAsText } from './interrupt-retell.js';
import type { PlaybackTracker } from './playback.js';
import { mayAnswerTurns } from './responses/auto-answer.js';
import type { SessionHost } from './session-host.js';

// an untagged create's response is told from one server VAD starts only when VAD starts none
function cancelWhenStarted(host: SessionHost): boolean {
  return host.creator
    .bargeIn()
    .interrupt(!mayAnswerTurns(host.state.options, host.state.confirmed));
}

/**
 * Over a media connection (WebRTC), sends `output_audio_buffer.clear` to cut `responseId`'s
 * playback: for an interruption, and for the response of a create it came too early for, cancelled
 * as it started (the server generates faster than it plays: its audio may already be playing).
 * Once per response and connection; `false` when nothing was sent (not media, or sent already).
 */
export function clearServerAudio(host: SessionHost, responseId: string): boolean {
  if (host.lifecycle.audioPath !== 'media' || host.state.clearSentFor === responseId) return false;
  host.send({ type: 'output_audio_buffer.clear', event_id: host.generateId('event') });
  host.state.clearSentFor = responseId;
  return true;
}

/**
 * Interrupts over the session's connection: the server's playback when its audio travels on
 * media tracks, else the app's. `previous` is the interruption before this one (the WebSocket
 * path's truncates and deletes go after its own); `playback` is read only on that path.
 */
export function interruptSession(
  host: SessionHost,
  playback: () => PlaybackTracker,
  previous: Promise<unknown>,
  options: InterruptOptions | undefined,
): Promise<InterruptResult> {
  if (host.lifecycle.audioPath === 'media') {
    try {
      return Promise.resolve(
        interruptServerPlayback(
          {
            activeResponses: () => host.tracker.active,
            serverPlayingResponseId: () => host.state.serverPlayingResponseId,
            cancelQuietly: (responseId) => host.creator.bargeIn().cancelQuietly(responseId),
            cancelWhenStarted: () => cancelWhenStarted(host),
            inConversation: (itemId) => host.mirror()?.has(itemId) ?? true,
            clearServerAudio: (responseId) => clearServerAudio(host, responseId),
          },
          options,
        ),
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
  return interrupt(
    {
      previous,
      playback: playback(),
      activeResponses: () => host.tracker.active,
      responses: () => host.tracker.all,
      cancelQuietly: (responseId) => host.creator.bargeIn().cancelQuietly(responseId),
      cancelWhenStarted: () => cancelWhenStarted(host),
      receivedAudioMs: (itemId, contentIndex) => host.tracker.receivedAudioMs(itemId, contentIndex),
      inConversation: (itemId) => host.mirror()?.has(itemId) ?? true,
      heldAsText: (itemId, contentIndex) => heldAsText(host.mirror(), itemId, contentIndex),
      retell: (itemId, contentIndex, audioEndMs) =>
        host.calls.retell(itemId, contentIndex, audioEndMs),
      truncate: (args) =>
        cutForInterrupt(
          {
            state: () => host.connection.state,
            mirror: () => host.mirror(),
            truncate: (cut) => host.calls.itemTruncate(cut),
            keepsSession: () => host.reliability.keepsSession,
          },
          args,
        ),
    },
    options,
  );
}
