/**
 * The heartbeat of Twilio's socket. A connection lost without a close (a network drop, a NAT
 * forgetting it) leaves a half-open TCP socket that reports nothing for minutes or hours, and
 * the call's realtime session open (and billed) all that time. Twilio answers WebSocket pings
 * with pongs, as every client must: one interval without a pong ends the call.
 * @module
 */
import type { Clock } from '@voxwire/protocol';
import type { WebSocket } from 'ws';
import { ConfigError } from './config.js';

/** Default of the bridge's `heartbeatMs`: a dead connection is noticed within 30 s. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The bridge's `heartbeatMs` checked: a {@link ConfigError} for anything but `false` or a finite
 * number of ms from 100 (a unit slip, seconds for ms, would end every call at once).
 */
export function resolveHeartbeatMs(heartbeatMs: number | false | undefined): number | false {
  const ms = heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  if (ms !== false && !(Number.isFinite(ms) && ms >= 100))
    throw new ConfigError(`heartbeatMs must be false or a number of ms from 100, got ${ms}`);
  return ms;
}

/**
 * Pings `socket` every `intervalMs` of `clock`; when a ping is due and the one before had no pong,
 * `onDead` is called once and the pings stop. Returns the stop (call it when the call ends).
 */
export function startHeartbeat(
  socket: WebSocket,
  clock: Clock,
  intervalMs: number,
  onDead: () => void,
): () => void {
  let answered = true;
  let stopped = false;
  const onPong = (): void => {
    answered = true;
  };
  socket.on('pong', onPong);
  let timer = clock.setTimeout(function beat() {
    if (stopped) return;
    if (!answered) {
      stop();
      onDead();
      return;
    }
    answered = false;
    // a socket already closing answers nothing: its own close ends the call
    if (socket.readyState === socket.OPEN) socket.ping();
    timer = clock.setTimeout(beat, intervalMs);
  }, intervalMs);
  function stop(): void {
    stopped = true;
    clock.clearTimeout(timer);
    socket.off('pong', onPong);
  }
  return stop;
}
