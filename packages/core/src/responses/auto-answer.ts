/**
 * Whether the server may start a response by itself: its turn detection answers a turn it ended
 * (protocol.md §7: `create_response`, true unless set false). A `response.created` that follows
 * an app's untagged `response.create` is that create's only when it may not.
 * @module
 */
import type { RealtimeSessionOptions, TurnDetectionOptions } from '../options.js';

/**
 * Whether `turnDetection` lets the server start a response on its own. An `idle_timeout_ms`
 * counts (protocol.md: the server then "generates a response"; whether `create_response: false`
 * holds that back is not documented, so it is taken to answer).
 */
export function answersTurns(turnDetection: TurnDetectionOptions | null | undefined): boolean {
  if (turnDetection === null || turnDetection === undefined) return false;
  if (turnDetection.createResponse !== false) return true;
  return turnDetection.type === 'server_vad' && typeof turnDetection.idleTimeoutMs === 'number';
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
