/**
 * Server events about user input (VAD, commit, transcription) → the seed's `input_speech_*`
 * session events, with TypeScript payloads.
 * @module
 */
import type { Logger, ServerEvent } from '@voxwire/protocol';
import type { SessionEvents } from './events.js';

type InputEventName =
  | 'input_speech_started'
  | 'input_speech_stopped'
  | 'input_speech_committed'
  | 'input_speech_transcription_delta'
  | 'input_speech_transcription_completed'
  | 'input_speech_transcription_failed';

/** Emits the input event for `event`; returns false when `event` is not an input event. */
export function dispatchInputEvent(
  event: ServerEvent,
  emit: <K extends InputEventName>(name: K, ...args: SessionEvents[K]) => void,
  logger: Logger,
  logFields: Record<string, unknown>,
): boolean {
  switch (event.type) {
    case 'input_audio_buffer.speech_started':
      emit('input_speech_started', { itemId: event.item_id, audioStartMs: event.audio_start_ms });
      return true;
    case 'input_audio_buffer.speech_stopped':
      emit('input_speech_stopped', { itemId: event.item_id, audioEndMs: event.audio_end_ms });
      return true;
    case 'input_audio_buffer.committed':
      emit('input_speech_committed', {
        itemId: event.item_id,
        previousItemId: event.previous_item_id ?? null,
      });
      return true;
    case 'conversation.item.input_audio_transcription.delta':
      emit('input_speech_transcription_delta', {
        itemId: event.item_id,
        contentIndex: event.content_index ?? 0,
        delta: event.delta ?? '',
      });
      return true;
    case 'conversation.item.input_audio_transcription.completed':
      emit('input_speech_transcription_completed', {
        itemId: event.item_id,
        contentIndex: event.content_index,
        transcript: event.transcript,
      });
      return true;
    case 'conversation.item.input_audio_transcription.failed':
      logger.warn('input transcription failed', {
        ...logFields,
        itemId: event.item_id,
        code: event.error.code,
      });
      emit('input_speech_transcription_failed', {
        itemId: event.item_id,
        contentIndex: event.content_index,
        message: event.error.message ?? '',
        error: {
          type: event.error.type ?? 'transcription_error',
          code: event.error.code ?? null,
          message: event.error.message ?? '',
          param: event.error.param ?? null,
        },
      });
      return true;
    default:
      return false;
  }
}
