/**
 * The `maxSessionDurationMs` a connector reports to the engine, checked: the engine rolls over
 * halfway through a limit shorter than its margin, so a unit slip (`30` for 30 minutes) made it
 * reconnect every few milliseconds without end (rollovers do not use up the retry budget), and
 * `0` or `NaN` silently turned off both the rollover and the detection of a server's expiry.
 * @module
 */
import { ConfigurationError } from './errors.js';

/**
 * The shortest session limit taken. No realtime server ends sessions this early (protocol.md
 * §7.11: 15, 30 or 60 minutes); a smaller value is a unit slip.
 */
export const MIN_SESSION_DURATION_MS = 60_000;

/**
 * `value` defaulted to `defaultMs` and checked (it may be untyped): a number of ms of at least
 * {@link MIN_SESSION_DURATION_MS}; `Infinity` means no limit.
 * @param server - named in the error, with its own limit (`"OpenAI's limit is 3600000, 60 minutes"`)
 * @throws ConfigurationError `INVALID_OPTION` under a minute, `NaN` or not a number
 */
export function checkSessionLimit(
  value: number | undefined,
  defaultMs: number,
  server: string,
): number {
  if (value === undefined) return defaultMs;
  if (typeof value !== 'number' || Number.isNaN(value) || value < MIN_SESSION_DURATION_MS) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      `maxSessionDurationMs must be a number of milliseconds, at least ${MIN_SESSION_DURATION_MS} (${server}; Infinity for none), got ${String(value)}.`,
    );
  }
  return value;
}
