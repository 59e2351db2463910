/**
 * Typed errors of the Node adapter. Every error carries a stable string `code` (the same
 * vocabulary as the engine's local errors: `CONNECT_TIMEOUT`, `AUTH_FAILED`, `SOCKET_CLOSED`, …),
 * whether retrying can help, and the original `cause`. Messages never contain credentials: every
 * message that could echo server or socket text goes through {@link Redactor} first.
 * @module
 */
import { credentialQueryValues, redact } from '@voxwire/core';
import { unknownOption, unknownOptionMessage } from '@voxwire/protocol';

/** Codes of {@link TransportError}. */
export type TransportErrorCode =
  /** The handshake did not finish within `connectTimeoutMs`. Retriable. */
  | 'CONNECT_TIMEOUT'
  /** The TCP/TLS connection failed (refused, DNS, reset) or the server answered 5xx/429. Retriable. */
  | 'CONNECT_FAILED'
  /**
   * The server's TLS certificate did not verify (self-signed, expired, another host's, an issuer
   * this process does not trust: a TLS-intercepting proxy, say). Fatal: the certificate will not
   * change between attempts; the message says what to do (`NODE_EXTRA_CA_CERTS`). The socket
   * error, with its `code`, is the `cause`.
   */
  | 'TLS_CERTIFICATE_INVALID'
  /**
   * A `wss:` URL whose server answered the TLS handshake in plain text (OpenSSL's "wrong version
   * number"): a `ws:` port, typically a local fake server. Fatal: every attempt fails alike; the
   * message says to use `ws://`.
   */
  | 'NOT_TLS'
  /** The server refused the credentials (HTTP 401/403 at upgrade, or close 3000). Fatal. */
  | 'AUTH_FAILED'
  /**
   * The server refused the request shape (HTTP 4xx other than 401/403/429, or close 4000), or
   * the request could not be made at all (a header value with a character HTTP cannot carry, a
   * bad subprotocol). Fatal.
   */
  | 'BAD_REQUEST'
  /** The server ended the session because it hit its maximum duration (close 1001). Reconnect to continue. */
  | 'SESSION_EXPIRED'
  /** No pong arrived within the keep-alive timeout; the socket was terminated. Retriable. */
  | 'KEEPALIVE_TIMEOUT'
  /** The socket closed unexpectedly (any other close code). Retriable. */
  | 'SOCKET_CLOSED'
  /** `send` was called while the transport is not open. */
  | 'NOT_CONNECTED'
  /** The caller aborted the connect (its `AbortSignal`) or closed the transport while connecting. */
  | 'ABORTED';

/** What a {@link TransportError} knows about its origin. */
export interface TransportErrorDetails {
  /** The HTTP status of a refused upgrade. */
  readonly httpStatus?: number | undefined;
  /** The WebSocket close code that ended the connection. */
  readonly closeCode?: number | undefined;
  /** The close reason sent by the peer (redacted). */
  readonly closeReason?: string | undefined;
  /** Milliseconds the server asked us to wait (HTTP `Retry-After`), when it said. */
  readonly retryAfterMs?: number | undefined;
  /** The timeout that passed, in ms, for `CONNECT_TIMEOUT`. */
  readonly timeoutMs?: number | undefined;
  /** The original error (a Node socket error, say). Its message may name the host, never a secret. */
  readonly cause?: unknown;
}

/** Codes after which a reconnect cannot help without changing the configuration. */
const FATAL_CODES: ReadonlySet<TransportErrorCode> = new Set([
  'AUTH_FAILED',
  'BAD_REQUEST',
  'TLS_CERTIFICATE_INVALID',
  'NOT_TLS',
]);

/**
 * A transport failure: connect, handshake, keep-alive or an unexpected close. `fatal` means a
 * reconnect with the same configuration will fail the same way (bad key, bad model), so a
 * reconnect supervisor must stop instead of storming the server.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** Stable machine-readable code. */
  readonly code: TransportErrorCode;
  /** True when retrying with the same configuration cannot succeed. */
  readonly fatal: boolean;
  /** True when a reconnect may succeed (the negation of `fatal`, except for `NOT_CONNECTED`/`ABORTED`). */
  readonly retriable: boolean;
  /** HTTP status of a refused upgrade. */
  readonly httpStatus: number | undefined;
  /** Close code that ended the connection. */
  readonly closeCode: number | undefined;
  /** Peer's close reason (redacted). */
  readonly closeReason: string | undefined;
  /** Server-requested delay before retrying, in ms. */
  readonly retryAfterMs: number | undefined;
  /** The handshake timeout that passed, in ms (`CONNECT_TIMEOUT` only). */
  readonly timeoutMs: number | undefined;

  constructor(code: TransportErrorCode, message: string, details: TransportErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.fatal = FATAL_CODES.has(code);
    this.retriable = !this.fatal && code !== 'NOT_CONNECTED' && code !== 'ABORTED';
    this.httpStatus = details.httpStatus;
    this.closeCode = details.closeCode;
    this.closeReason = details.closeReason;
    this.retryAfterMs = details.retryAfterMs;
    this.timeoutMs = details.timeoutMs;
  }
}

/** Codes of {@link ConfigurationError}. */
export type ConfigurationErrorCode =
  /** No API key, token or credential could be found. */
  | 'MISSING_CREDENTIALS'
  /** A required endpoint, deployment or API version is missing. */
  | 'MISSING_OPTION'
  /** Two options that exclude each other were both given. */
  | 'CONFLICTING_OPTIONS'
  /** A URL does not parse or has a scheme that cannot be used. */
  | 'INVALID_URL'
  /** A non-TLS (`ws:`/`http:`) URL to a host that is not loopback. */
  | 'INSECURE_URL'
  /** An option has a value of the wrong type or range. */
  | 'INVALID_OPTION'
  /** A credential callback (key function, token provider) threw or returned nothing usable. */
  | 'CREDENTIAL_FAILED';

/** Options of {@link ConfigurationError}. */
export interface ConfigurationErrorOptions {
  /** The underlying error. @default undefined */
  readonly cause?: unknown;
  /**
   * Whether retrying cannot help. Only a credential callback that threw passes `false`: a key
   * vault or token endpoint that is unreachable (often in the same network outage that dropped
   * the socket) may answer on the next attempt.
   * @default true
   */
  readonly fatal?: boolean | undefined;
}

/**
 * A configuration mistake found before anything is sent: missing key, conflicting options,
 * insecure URL: fatal, retrying cannot fix configuration. The one exception is a credential
 * callback (key function, token provider, `TokenCredential`) that threw (`CREDENTIAL_FAILED`,
 * `fatal: false`): the session retries it like a network error, within its reconnect attempts.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  /** Stable machine-readable code. */
  readonly code: ConfigurationErrorCode;
  /** True unless a credential callback threw (see {@link ConfigurationErrorOptions.fatal}). */
  readonly fatal: boolean;
  /** The negation of `fatal`. */
  readonly retriable: boolean;

  constructor(code: ConfigurationErrorCode, message: string, options?: ConfigurationErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fatal = options?.fatal ?? true;
    this.retriable = !this.fatal;
  }
}

/**
 * Replaces every known secret in a text with `[REDACTED]`. Secrets shorter than 4 characters are
 * ignored (redacting "a" would shred every message and protect nothing).
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers secrets; empty or very short values are ignored. */
  add(...secrets: (string | undefined)[]): this {
    for (const secret of secrets)
      if (secret !== undefined && secret.length >= 4) this.#secrets.add(secret);
    return this;
  }

  /** `text` with every registered secret replaced (in the order they were added), as core does. */
  redact(text: string): string {
    return redact(text, [...this.#secrets]);
  }
}

/** Header names whose values are credentials (compared case-insensitively). */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'api-key',
  'proxy-authorization',
  'cookie',
  // Azure API Management's subscription key, the usual gateway in front of Azure OpenAI
  'ocp-apim-subscription-key',
  'x-api-key',
]);

/**
 * Header names that look like they carry a credential, besides {@link CREDENTIAL_HEADERS}: a
 * gateway's own (`x-gateway-token`, `x-functions-key`, `x-amz-security-token`, …). Redacting a
 * harmless value costs a word in a message; missing a secret one puts it in every log.
 */
const SECRET_HEADER_NAME = /key|token|secret|auth|passw|signature|credential|cookie|subscription/i;

/** Whether a header's value is a credential, by its name (case-insensitive). */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase()) || SECRET_HEADER_NAME.test(name);
}

/**
 * The values of a URL's credential query parameters (core's `isCredentialQueryParam`), both as the URL
 * carries them (percent-encoded) and decoded, since a server may echo either; and the URL's
 * password. For a {@link Redactor}: a gateway's refusal, redirect or close reason that quotes the
 * request URL must not put the key of its query in a message.
 */
export function secretsOfUrl(url: URL): string[] {
  const out = credentialQueryValues(url.search);
  if (url.password !== '') out.push(url.password, decodeSafely(url.password));
  return out.filter((secret) => secret !== '');
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The secrets inside a header map and a subprotocol list (the bearer token alone, too): the
 * values of {@link isCredentialHeader} headers and of key subprotocols.
 */
export function secretsOf(
  headers: Readonly<Record<string, string>>,
  protocols: readonly string[] = [],
): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialHeader(name)) continue;
    out.push(value);
    const bearer = /^\s*(?:bearer|basic)\s+(.+)$/i.exec(value);
    if (bearer?.[1] !== undefined) out.push(bearer[1].trim());
  }
  for (const protocol of protocols) {
    // browser-style auth puts the key in a subprotocol: `openai-insecure-api-key.<key>`
    const match = /^openai-insecure-api-key\.(.+)$/.exec(protocol);
    if (match?.[1] !== undefined) out.push(protocol, match[1]);
  }
  return out;
}

/**
 * Throws `ConfigurationError('INVALID_OPTION')` for a key of `options` that is no option of
 * `owner`, naming the one it was likely meant to be: a typo would otherwise be ignored without
 * a word. Keys left `undefined` (a spread config) pass.
 */
export function refuseUnknownOptions(
  options: unknown,
  known: ReadonlySet<string>,
  owner: string,
): void {
  if (typeof options !== 'object' || options === null) return;
  const unknown = unknownOption(options, known);
  if (unknown === undefined) return;
  throw new ConfigurationError('INVALID_OPTION', `${unknownOptionMessage(unknown, owner)}.`);
}
