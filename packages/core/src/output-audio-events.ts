/**
 * Server events about the output audio the server plays itself (a WebRTC connection, whose
 * connector reports `audioPath: 'media'`) → `output_audio_started`, `output_audio_stopped` and
 * `output_audio_cleared`, and which response the server is playing now. Over a WebSocket the
 * server sends none of these: the app plays the audio and reports it (`session.playback`).
 * @module
 */
import type { ServerEvent } from '@voxwire/protocol';
import type { SessionEvents } from './events.js';

type OutputAudioEventName =
  'output_audio_started' | 'output_audio_stopped' | 'output_audio_cleared';

/** Which response's audio the server is playing, as its `output_audio_buffer.*` events say. */
export interface ServerPlaying {
  /** The response being played; `undefined` when the server's output buffer is idle. */
  serverPlayingResponseId?: string | undefined;
  /**
   * The response an `output_audio_buffer.clear` was sent for on this connection: a second
   * `interrupt()` before the server's `cleared` arrives (the buffer still reads as playing)
   * sends no second clear for the same audio.
   */
  clearSentFor?: string | undefined;
}

/**
 * Updates `state` and emits the output audio event for `event`; false when `event` is not one.
 * The state changes before the listeners run, so one calling `interrupt()` from
 * `output_audio_stopped` sees the buffer idle.
 */
export function dispatchOutputAudioEvent(
  event: ServerEvent,
  state: ServerPlaying,
  emit: <K extends OutputAudioEventName>(name: K, ...args: SessionEvents[K]) => void,
): boolean {
  switch (event.type) {
    case 'output_audio_buffer.started':
      state.serverPlayingResponseId = event.response_id;
      emit('output_audio_started', { responseId: event.response_id });
      return true;
    case 'output_audio_buffer.stopped':
    case 'output_audio_buffer.cleared':
      // a stop of an earlier response (its drain reported late) leaves the newer one playing
      if (state.serverPlayingResponseId === event.response_id)
        state.serverPlayingResponseId = undefined;
      if (event.type === 'output_audio_buffer.stopped')
        emit('output_audio_stopped', { responseId: event.response_id });
      else emit('output_audio_cleared', { responseId: event.response_id, reason: 'server' });
      return true;
    default:
      return false;
  }
}
