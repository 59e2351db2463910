/**
 * What the browser connectors (`webSocketConnector`, `openaiWebSocketConnector`,
 * `webRtcConnector`) check and share: per-attempt option values, the `INVALID_ARGUMENT` of a bad
 * option, the session limit's unit-slip guard, the bounded sharing of a pending client-secret
 * fetch, and a URL described without its query (which may carry a key).
 * @module
 */
import {
  unknownOption,
  unknownOptionMessage,
  type Clock,
  type ConnectAttempt,
} from '@voxwire/protocol';
import { VoxwireError } from './errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './model.js';
import { sharedWhilePending } from './shared-while-pending.js';

/** A value, or a function giving it for each (re)connect attempt. */
export type PerAttempt<T> = T | ((attempt: ConnectAttempt) => T | Promise<T>);

/** The `INVALID_ARGUMENT` error of a bad connector option. */
export function invalidOption(argument: string, message: string): VoxwireError {
  return new VoxwireError('INVALID_ARGUMENT', message, { data: { argument } });
}

/**
 * Throws `INVALID_ARGUMENT` for a key of `options` that is no option of `owner` (the connector's
 * name), naming the one it was likely meant to be: a typo would otherwise be ignored without a
 * word (`baseUrl` for `baseURL` connects to api.openai.com).
 */
export function checkOptionNames(options: object, known: ReadonlySet<string>, owner: string): void {
  const unknown = unknownOption(options, known);
  if (unknown === undefined) return;
  throw invalidOption(unknown.name, unknownOptionMessage(unknown, owner));
}

/**
 * What to add to a refused `clientSecret` that a function returned: a secret route that failed
 * (`fetch` resolves on a 500, and `.json().key` is then `undefined`) must throw, so that the
 * connect is retried; a value it returns is taken as the secret, and a bad one ends the session.
 */
export function returnedSecretHint(secret: unknown): string {
  const what = secret === '' ? 'an empty string' : secret === null ? 'null' : typeof secret;
  return ` (the clientSecret function returned ${what}: throw from it when your secret route fails, and the connect is retried)`;
}

/** The value of a {@link PerAttempt} option for `attempt`. */
export async function resolvePerAttempt<T>(
  value: PerAttempt<T>,
  attempt: ConnectAttempt,
): Promise<T> {
  return typeof value === 'function'
    ? await (value as (attempt: ConnectAttempt) => T | Promise<T>)(attempt)
    : value;
}

/** The shortest session limit an OpenAI connector takes (no realtime server ends sooner). */
export const MIN_SESSION_DURATION_MS = 60_000;

/**
 * Throws `INVALID_ARGUMENT` for a `maxSessionDurationMs` under a minute, `NaN` or not a number:
 * a unit slip (`60` for 60 minutes), with which the engine, rolling over before the limit, would
 * reconnect every few ms. `Infinity` (no limit) passes.
 */
export function checkSessionLimit(limit: unknown): void {
  if (
    limit !== undefined &&
    (typeof limit !== 'number' || Number.isNaN(limit) || limit < MIN_SESSION_DURATION_MS)
  )
    throw invalidOption(
      'maxSessionDurationMs',
      `maxSessionDurationMs must be a number of ms, at least ${MIN_SESSION_DURATION_MS} (OpenAI's limit is 3600000; Infinity for none), got ${String(limit)}`,
    );
}

/** Throws `INVALID_ARGUMENT` for a `closeTimeoutMs` that is not a positive number. */
export function checkCloseTimeout(closeTimeoutMs: unknown): void {
  if (
    closeTimeoutMs !== undefined &&
    !(typeof closeTimeoutMs === 'number' && Number.isFinite(closeTimeoutMs) && closeTimeoutMs > 0)
  )
    throw invalidOption(
      'closeTimeoutMs',
      'closeTimeoutMs must be a positive number of milliseconds',
    );
}

/**
 * How long a pending secret fetch is shared between connects, ms: three of the engine's default
 * connect timeouts, the bound `connectorLookup` in `@voxwire/node` puts on a key lookup. A
 * browser connector has no connect timeout of its own (the session's bounds the whole connect),
 * so the default one is the measure.
 */
export const SECRET_FETCH_SHARED_MS = 3 * DEFAULT_CONNECT_TIMEOUT_MS;

/**
 * The client secret of each attempt. A retry after a connect timeout waits for a fetch still in
 * flight (a page on a slow network) instead of starting another one just as slow; a settled one
 * is never reused. Not for ever: a fetch on a dead socket may never settle, and every later
 * connect would wait for it, so after {@link SECRET_FETCH_SHARED_MS} a connect fetches again.
 */
export function secretPerAttempt(
  source: PerAttempt<string>,
  clock: Clock | undefined,
): (attempt: ConnectAttempt) => Promise<string> {
  return typeof source === 'function'
    ? sharedWhilePending((attempt: ConnectAttempt) => Promise.resolve(source(attempt)), {
        maxAgeMs: SECRET_FETCH_SHARED_MS,
        clock,
      })
    : () => Promise.resolve(source);
}

/** A URL's origin and path, for logs: a query may carry a key (Azure's `api-key`). */
export function describeUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
