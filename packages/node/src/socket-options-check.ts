/**
 * The checks of the socket-level options every `ws` connector shares (OpenAI here, Azure in
 * `@voxwire/azure`), made when the connector is built: a bad value would otherwise surface only
 * at the first connect, as a `CONNECT_FAILED` that reads like the network's fault, or not at
 * all (`headers: 'xy'` sent as headers `0` and `1`).
 * @module
 */
import { ConfigurationError } from './errors.js';
import type { SocketOptions } from './openai.js';
import { positive, resolveKeepAlive } from './transport-options.js';

function invalid(message: string): never {
  throw new ConfigurationError('INVALID_OPTION', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isClock(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const clock = value as Record<string, unknown>;
  return (
    typeof clock['now'] === 'function' &&
    typeof clock['setTimeout'] === 'function' &&
    typeof clock['clearTimeout'] === 'function'
  );
}

/**
 * Throws `ConfigurationError('INVALID_OPTION')` naming the first bad socket option: `headers`
 * not an object of strings, `agent` not an object, a timeout that is not a positive number of
 * ms, `keepAlive` neither `false` nor `{ intervalMs?, timeoutMs? }` of positive numbers,
 * `perMessageDeflate` or `allowInsecureUrl` not a boolean, `WebSocket` not a constructor,
 * `clock` not a clock, `env` not an object.
 */
export function checkSocketOptions(options: SocketOptions): void {
  const { headers, agent, keepAlive, clock, env } = options;
  if (headers !== undefined) {
    if (!isPlainObject(headers)) invalid('headers must be an object of header names to strings.');
    for (const [name, value] of Object.entries(headers))
      if (typeof value !== 'string') invalid(`headers.${name} must be a string.`);
  }
  if (agent !== undefined && (typeof agent !== 'object' || agent === null))
    invalid('agent must be an http.Agent (a proxy agent, say).');
  if (options.connectTimeoutMs !== undefined)
    positive('connectTimeoutMs', options.connectTimeoutMs, 0);
  if (options.closeTimeoutMs !== undefined) positive('closeTimeoutMs', options.closeTimeoutMs, 0);
  if (keepAlive !== undefined && keepAlive !== false) {
    if (!isPlainObject(keepAlive))
      invalid('keepAlive must be false or { intervalMs?, timeoutMs? }.');
    resolveKeepAlive(keepAlive);
  }
  for (const name of ['perMessageDeflate', 'allowInsecureUrl'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'boolean') invalid(`${name} must be a boolean.`);
  }
  if (options.WebSocket !== undefined && typeof options.WebSocket !== 'function')
    invalid("WebSocket must be the ws package's WebSocket class (or a subclass).");
  if (clock !== undefined && !isClock(clock))
    invalid('clock must be a Clock (now, setTimeout, clearTimeout).');
  if (env !== undefined && !isPlainObject(env)) invalid('env must be an object of variables.');
}
