/**
 * The handshake's failure paths, apart from the socket lifecycle: reading a refused HTTP upgrade
 * into a typed error (status, `Retry-After`, the server's own message, a redirect target) and
 * redacting socket errors, so no credential can leak into a message or a `cause`.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { describeSocketError, errorForHttpStatus, refusalRetryAfterMs } from './close-codes.js';
import { refusalMessage } from '@voxwire/protocol';
import { type Redactor, TransportError } from './errors.js';
import {
  certificateErrorCode,
  describeCertificateError,
  describePlaintextServer,
  isPlaintextServerError,
} from './tls-errors.js';

/** How much of a refused upgrade's body goes into the error message. */
const MAX_BODY_CHARS = 300;

/**
 * Reads a refused upgrade's response (status, headers, a bounded slice of the body) and hands
 * `settle` the typed error once the body ended, failed or was aborted.
 *
 * Azure's `retry-after-ms` is preferred to `Retry-After` ({@link refusalRetryAfterMs}). An
 * HTTP-date `Retry-After` is measured from the response's own `Date` header (the server's
 * clock, so a skewed local clock does not matter), else from the host's wall clock. Never from
 * the injected `Clock`: its epoch is arbitrary (a simulated one starts at 0), and a date
 * measured from it asked for decades of waiting.
 *
 * The status is known once the headers arrived; a body that never ends (a gateway or a
 * hand-written upgrade handler that stalls it) must not hide it: the returned function gives the
 * error from what arrived so far, for the caller's connect timeout to report instead of a
 * retriable `CONNECT_TIMEOUT` (a 401 would otherwise be retried, a 503's `Retry-After` lost).
 *
 * @param settle receives the error; the caller records it and terminates the socket
 * @returns the error from the status, headers and body read so far
 */
export function readRefusal(
  response: IncomingMessage,
  redactor: Redactor,
  settle: (error: TransportError) => void,
): () => TransportError {
  const status = response.statusCode ?? 0;
  const retryAfter = refusalRetryAfterMs((name) => header(response, name));
  const location = header(response, 'location');
  let body = '';
  const soFar = () => {
    const snippet = redactor.redact(refusalMessage(body)).slice(0, MAX_BODY_CHARS);
    const detail = location ? `redirect to ${redactor.redact(location)}` : snippet;
    return errorForHttpStatus(status, detail, retryAfter);
  };
  const done = () => settle(soFar());
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    if (body.length < 4 * MAX_BODY_CHARS) body += chunk;
  });
  response.once('end', done);
  response.once('error', done);
  response.once('aborted', done);
  return soFar;
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A copy of a socket error whose message is redacted, keeping its `code`. */
export function sanitize(error: Error, redactor: Redactor): Error {
  const copy = new Error(redactor.redact(error.message));
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}

/**
 * The typed error of a socket error before the upgrade completed: a certificate that does not
 * verify (`TLS_CERTIFICATE_INVALID`) or a plain-text server behind a `wss:` URL (`NOT_TLS`) fail
 * every attempt alike and are fatal, with what to do; anything else is a retriable
 * `CONNECT_FAILED`. The cause is a redacted copy of `error`.
 */
export function connectErrorOf(error: Error, host: string, redactor: Redactor): TransportError {
  const cause = sanitize(error, redactor);
  const certificate = certificateErrorCode(error);
  if (certificate !== undefined)
    return new TransportError(
      'TLS_CERTIFICATE_INVALID',
      describeCertificateError(certificate, host),
      { cause },
    );
  if (isPlaintextServerError(error))
    return new TransportError('NOT_TLS', describePlaintextServer(host), { cause });
  return new TransportError(
    'CONNECT_FAILED',
    `Could not connect to ${host}: ${describeSocketError(error)}.`,
    { cause },
  );
}
