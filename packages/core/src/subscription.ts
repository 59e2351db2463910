/**
 * The checks of `session.on` / `once` / `off`: a misspelt event name would subscribe to an event
 * nobody emits, and a listener that is no function would fail only when the event comes, each
 * time, as `LISTENER_FAILED`. Both are refused at the call, naming the fix.
 * @module
 */
import { closestName, optionNames } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';
import type { SessionEvents } from './events.js';

// every event of SessionEvents (one added there and not here is a compile error)
const EVENT_NAMES = optionNames<SessionEvents>({
  session_updated: true,
  error: true,
  input_speech_started: true,
  input_speech_stopped: true,
  input_speech_committed: true,
  input_speech_transcription_delta: true,
  input_speech_transcription_completed: true,
  input_speech_transcription_failed: true,
  response_created: true,
  response_output_added: true,
  response_content_added: true,
  response_audio: true,
  response_text: true,
  response_content_done: true,
  output_audio_started: true,
  output_audio_stopped: true,
  output_audio_cleared: true,
  response_output_done: true,
  response_done: true,
  metrics_collected: true,
  function_calls_collected: true,
  function_calls_finished: true,
  connecting: true,
  connected: true,
  disconnected: true,
  reconnecting: true,
  reconnected: true,
  response_stalled: true,
  closed: true,
  server_event: true,
  client_event: true,
});

/**
 * Throws `VoxwireError('INVALID_ARGUMENT')` when `event` is no session event (with the name it
 * was likely meant to be) or `listener` is no function.
 */
export function checkSubscription(event: unknown, listener: unknown): void {
  if (typeof event !== 'string' || !EVENT_NAMES.has(event)) {
    const near = typeof event === 'string' ? closestName(event, EVENT_NAMES) : undefined;
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(event) ?? String(event)} is no session event${near ? ` (did you mean '${near}'?)` : ''}`,
      { data: { argument: 'event' } },
    );
  }
  if (typeof listener !== 'function')
    throw new VoxwireError('INVALID_ARGUMENT', `the listener of '${event}' must be a function`, {
      data: { argument: 'listener' },
    });
}
