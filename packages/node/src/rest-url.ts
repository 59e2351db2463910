/**
 * The URL of a REST endpoint of the Realtime API below a base URL, with the rules the
 * client-secret mint and the call control endpoints share.
 * @module
 */
import { ConfigurationError } from './errors.js';
import { parseFailure } from './url.js';

/**
 * Query parameters of the realtime WebSocket URL itself (protocol.md §5): the model or Azure
 * deployment a socket opens, its `intent`, the call it attaches to. The REST endpoint takes none
 * of them, so a WebSocket base URL pasted as is does not send them there. Matched on the whole
 * name in any case, as `@voxwire/azure`'s URL builder does.
 */
const REALTIME_ONLY_PARAMS = /^(?:model|intent|call_id|deployment)$/i;

/**
 * A REST endpoint of the Realtime API below a base URL: `wss:`/`ws:` become `https:`/`http:`, a
 * trailing `/realtime` is dropped and `path` (`/realtime/client_secrets`, `/realtime/calls/…`)
 * appended. The base URL's query is kept,
 * as the WebSocket connectors keep it: a gateway in front of the API (Azure API Management's
 * `subscription-key=…`, a corporate proxy's parameter) needs it on every request. Only the
 * realtime WebSocket's own parameters (`model`, `intent`, `call_id`, `deployment`, in any case)
 * are left out; the rest are sent byte for byte as given (a gateway compares its key as sent).
 * The fragment and any user info are dropped.
 * @throws ConfigurationError `INVALID_URL` for a URL that does not parse or is not
 *   `https:`/`http:`/`wss:`/`ws:`.
 */
export function realtimeRestUrl(baseURL: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch (cause) {
    throw new ConfigurationError('INVALID_URL', 'The base URL does not parse as a URL.', {
      cause: parseFailure(cause, baseURL),
    });
  }
  const scheme = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[
    url.protocol
  ];
  if (scheme === undefined)
    throw new ConfigurationError(
      'INVALID_URL',
      `The base URL must use https: or http:, got ${url.protocol}`,
    );
  const base = url.pathname.replace(/\/+$/, '').replace(/\/realtime$/, '');
  return new URL(`${scheme}//${url.host}${base}${path}${restQuery(url)}`);
}

/**
 * `url`'s query without the {@link REALTIME_ONLY_PARAMS}, as its raw `name=value` pairs: going
 * through `URLSearchParams` would re-encode the values (`%20` as `+`, `=` as `%3D`), and a
 * gateway's key must reach it as the caller wrote it. `''` when nothing is left.
 */
function restQuery(url: URL): string {
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '' && !REALTIME_ONLY_PARAMS.test(queryName(pair)));
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

/** A `name=value` pair's name as `URLSearchParams` reads it (`+` is a space); as sent when malformed. */
function queryName(pair: string): string {
  const at = pair.indexOf('=');
  const name = (at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
