/**
 * Whether the server may start a response by itself, the one rule for every place that needs
 * to know: `session.interrupt()` (a `response.created` that follows an app's untagged
 * `response.create` is that create's only when the server may not start one) and the rollover's
 * wait for an automatic answer (`reconnect/reliability.ts`).
 *
 * - a turn VAD ended (`speech_stopped`): answered unless `create_response` is false
 *   (protocol.md §7: "With `create_response:false` ... the client sends `response.create`
 *   itself").
 * - the idle timeout (`input_audio_buffer.timeout_triggered`): protocol.md §7 says a response
 *   follows it and is silent on whether `create_response: false` holds that back, so it is taken
 *   to answer (the conservative choice both ways: interrupt() leaves a create alone that might
 *   be the timeout's, and a rollover waits, at most 10 s, for an answer that might come).
 * @module
 */
import type { RealtimeSessionOptions, TurnDetectionOptions } from '../options.js';

/** How a turn ended on the server: VAD heard the speech stop, or the idle timeout fired. */
export type TurnEnd = 'speech_stopped' | 'idle_timeout';

/**
 * Whether the server answers by itself a turn that ended as `end` under `turnDetection`. An idle
 * timeout that fired is always taken to be answered (see the module comment): the event itself
 * says the server had one configured, whatever the options say by now.
 */
export function answersTurnEnd(
  turnDetection: TurnDetectionOptions | null | undefined,
  end: TurnEnd,
): boolean {
  if (end === 'idle_timeout') return true;
  return (
    turnDetection !== null && turnDetection !== undefined && turnDetection.createResponse !== false
  );
}

/**
 * Whether `turnDetection` lets the server start a response on its own: it answers the turns VAD
 * ends, or has an idle timeout (which fires only when `idle_timeout_ms` is set).
 */
export function answersTurns(turnDetection: TurnDetectionOptions | null | undefined): boolean {
  if (answersTurnEnd(turnDetection, 'speech_stopped')) return true;
  return turnDetection?.type === 'server_vad' && typeof turnDetection.idleTimeoutMs === 'number';
}

/**
 * Whether the server may start a response on its own by either configuration: the one asked for
 * and the one it last confirmed (an update switching answers off is not in force before its echo,
 * one switching them on may be in force before it).
 */
export function mayAnswerTurns(
  asked: RealtimeSessionOptions,
  confirmed: RealtimeSessionOptions | undefined,
): boolean {
  return answersTurns(asked.turnDetection) || answersTurns(confirmed?.turnDetection);
}

/**
 * Whether the server may answer by itself a turn that ended as `end`, by either configuration:
 * the one asked for and the one it last confirmed (as {@link mayAnswerTurns}).
 */
export function mayAnswerTurnEnd(
  asked: RealtimeSessionOptions,
  confirmed: RealtimeSessionOptions | undefined,
  end: TurnEnd,
): boolean {
  return answersTurnEnd(asked.turnDetection, end) || answersTurnEnd(confirmed?.turnDetection, end);
}
