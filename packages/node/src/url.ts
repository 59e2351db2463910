/**
 * URL rules shared by the OpenAI and Azure connectors: scheme rewriting (http→ws, https→wss, as
 * the seed does), LiveKit 1.x's `process_base_url` path rule, and the loopback check that lets a
 * plain `ws:` URL through only when it cannot leave the machine.
 * @module
 */
import { Endpoints, isLoopbackHost } from '@voxwire/protocol';
import { credentialQueryValues, isCredentialQueryParam } from '@voxwire/core';
import { ConfigurationError, Redactor } from './errors.js';
import { sanitizeFetchFailure } from './fetch-failure.js';

/**
 * A redacted copy of the error `new URL(text)` threw (name, message, `code`): Node's keeps the
 * whole input as `input`, a gateway's `subscription-key=…` with it, and another runtime's message
 * may quote it. The query is read from the text, which does not parse.
 */
export function parseFailure(error: unknown, text: string): unknown {
  if (!(error instanceof Error)) return undefined;
  const query = /\?([^#]*)/.exec(text)?.[1] ?? '';
  return sanitizeFetchFailure(error, new Redactor().add(...credentialQueryValues(query)));
}

/** Base paths below which `/realtime` is appended (LiveKit 1.x `process_base_url`). */
const BASE_PATHS: ReadonlySet<string> = new Set(['', '/v1', '/openai', '/openai/v1']);

/**
 * Parses a base URL and rewrites its scheme for WebSocket use: `http:`→`ws:`, `https:`→`wss:`;
 * `ws:`/`wss:` are kept.
 * @throws ConfigurationError `INVALID_URL` for anything else.
 */
export function toWebSocketUrl(base: string | URL, what = 'base URL'): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch (cause) {
    throw new ConfigurationError('INVALID_URL', `The ${what} does not parse as a URL.`, {
      cause: parseFailure(cause, String(base)),
    });
  }
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol];
  if (scheme === undefined) {
    throw new ConfigurationError(
      'INVALID_URL',
      `The ${what} must use https:, http:, wss: or ws:, got ${url.protocol}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(
      'INVALID_URL',
      `The ${what} must not carry credentials; pass the key as an option instead.`,
    );
  }
  // URL refuses to switch between special and non-special schemes in place, so rebuild it
  return new URL(`${scheme}//${url.host}${url.pathname}${url.search}`);
}

/** Whether a hostname is loopback (from `@voxwire/protocol`, re-exported for this package's users). */
export { isLoopbackHost };

/**
 * Refuses a non-TLS URL unless it is loopback, or the caller opted in with `allowInsecureUrl`:
 * credentials must not cross a network in clear by accident.
 * @param allowInsecure the connector's `allowInsecureUrl` option
 * @throws ConfigurationError `INSECURE_URL`.
 */
export function assertSecureUrl(url: URL, allowInsecure: boolean | undefined = false): void {
  if (typeof allowInsecure !== 'boolean') {
    throw new ConfigurationError(
      'INVALID_OPTION',
      `allowInsecureUrl must be true or false, got ${typeof allowInsecure}.`,
    );
  }
  if (url.protocol === 'wss:' || url.protocol === 'https:') return;
  if (isLoopbackHost(url.hostname)) return;
  if (allowInsecure) return;
  throw new ConfigurationError(
    'INSECURE_URL',
    `Refusing to send credentials over ${url.protocol}//${url.host}: only wss: (https:) URLs are allowed, except for loopback hosts (localhost, 127.0.0.0/8, ::1). To reach a server on a private network without TLS (a fake server in a container network, say), pass allowInsecureUrl: true.`,
  );
}

/** Options of {@link openaiRealtimeUrl}. */
export interface OpenAIRealtimeUrlOptions {
  /**
   * REST or WebSocket base URL; `/realtime` is appended when its path is empty, `/v1`, `/openai`
   * or `/openai/v1`, otherwise the path is used as is.
   * @default 'https://api.openai.com/v1'
   */
  readonly baseURL?: string | URL | undefined;
  /** The model, sent as `?model=` unless the URL already has one. @default undefined (not sent) */
  readonly model?: string | undefined;
  /** `?intent=` (`'transcription'` for a transcription-only session). @default undefined (not sent) */
  readonly intent?: string | undefined;
  /** `?call_id=` to attach to a WebRTC or SIP call (side-band control). @default undefined (not sent) */
  readonly callId?: string | undefined;
}

/**
 * The realtime WebSocket URL for an OpenAI-style base URL, e.g.
 * `https://api.openai.com/v1` + `gpt-realtime` → `wss://api.openai.com/v1/realtime?model=gpt-realtime`.
 * Pure: no environment, no network.
 */
export function openaiRealtimeUrl(options: OpenAIRealtimeUrlOptions = {}): URL {
  const url = toWebSocketUrl(options.baseURL ?? Endpoints.openaiBaseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (BASE_PATHS.has(path)) url.pathname = `${path}${Endpoints.realtimePath}`;
  if (options.model !== undefined && options.model !== '' && !url.searchParams.has('model'))
    url.searchParams.set('model', options.model);
  if (options.intent !== undefined) url.searchParams.set('intent', options.intent);
  if (options.callId !== undefined) url.searchParams.set('call_id', options.callId);
  return url;
}

/** A URL for logs: scheme, host, path and query, with credential-like query values masked. */
export function describeUrl(url: URL): string {
  const copy = new URL(url);
  for (const key of [...copy.searchParams.keys()]) {
    if (isCredentialQueryParam(key)) copy.searchParams.set(key, '[REDACTED]');
  }
  return copy.toString();
}
