/**
 * How a WebSocket close code or a refused HTTP upgrade becomes a typed {@link TransportError}.
 * Pure functions, so the mapping is tested without sockets and reusable by other adapters.
 * @module
 */
import { CloseCode } from '@voxwire/protocol';
import { TransportError } from './errors.js';

/**
 * The typed error for a close the local side did not ask for, or `undefined` for a normal close
 * (with any code) the local side initiated. `reason` must already be redacted.
 *
 * - 3000 → `AUTH_FAILED` (fatal): the Realtime API's "bad or missing key".
 * - 4000 → `BAD_REQUEST` (fatal): bad or missing model, beta shape disabled.
 * - 1001 → `SESSION_EXPIRED`: the server's maximum session duration; reconnect to continue.
 * - anything else → `SOCKET_CLOSED` (retriable).
 */
export function errorForClose(
  code: number,
  reason: string,
  initiatedLocally: boolean,
): TransportError | undefined {
  // whatever code a close we asked for ends with (a terminated socket reports 1006), it is no failure
  if (initiatedLocally) return undefined;
  const said = reason ? `: ${reason}` : '';
  const details = { closeCode: code, closeReason: reason };
  switch (code) {
    case CloseCode.AuthFailed:
      return new TransportError(
        'AUTH_FAILED',
        `The server rejected the credentials (close 3000${said}). Check the API key or token; retrying with the same credentials cannot succeed.`,
        details,
      );
    case CloseCode.BadRequest:
      return new TransportError(
        'BAD_REQUEST',
        `The server rejected the request (close 4000${said}). Check the model or deployment name and the dialect; retrying unchanged cannot succeed.`,
        details,
      );
    case CloseCode.GoingAway:
      return new TransportError(
        'SESSION_EXPIRED',
        `The server ended the session (close 1001${said}); it most likely hit its maximum duration. Reconnect to start a new session.`,
        details,
      );
    default:
      return new TransportError(
        'SOCKET_CLOSED',
        `The connection closed unexpectedly (close ${code}${said}).`,
        details,
      );
  }
}

/**
 * The typed error for an open connection whose TCP socket failed (a reset, a network timeout):
 * `ws` reports it as a bare 1006 close, so the socket's error (redacted) names what happened.
 * Retriable. `reason` must already be redacted.
 */
export function errorForLostSocket(reason: string, cause: Error): TransportError {
  return new TransportError(
    'SOCKET_CLOSED',
    `The connection was lost (close 1006): ${describeSocketError(cause)}.`,
    { closeCode: CloseCode.Abnormal, closeReason: reason, cause },
  );
}

/**
 * Whether an HTTP refusal may pass if tried again later: 408 (timeout), 429 (rate limit) and 5xx.
 * One rule for the WebSocket upgrade, the client-secret mint and the call-control requests.
 */
export function isRetriableHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The typed error for an HTTP status that refused the WebSocket upgrade.
 * 401/403 → `AUTH_FAILED` (fatal); 408, 429 and 5xx → `CONNECT_FAILED` (retriable, with the
 * server's `Retry-After`); 3xx (redirects are not followed while credentials are attached) and
 * other 4xx → `BAD_REQUEST` (fatal). `detail` must already be redacted.
 */
export function errorForHttpStatus(
  status: number,
  detail: string,
  retryAfterMs?: number,
): TransportError {
  // the detail is the server's sentence (Azure's "…try again."): its own final period is
  // dropped, as the message goes on with `.` or `;` ("again.. Check", "seconds.; retrying")
  const sentence = detail.replace(/[\s.]+$/, '');
  const said = sentence ? `: ${sentence}` : '';
  const details = { httpStatus: status, retryAfterMs };
  if (status === 401 || status === 403) {
    return new TransportError(
      'AUTH_FAILED',
      `The server refused the WebSocket upgrade with HTTP ${status}${said}. Check the API key, token or its role; retrying with the same credentials cannot succeed.`,
      details,
    );
  }
  if (isRetriableHttpStatus(status)) {
    return new TransportError(
      'CONNECT_FAILED',
      `The server refused the WebSocket upgrade with HTTP ${status}${said}; retrying later may succeed.`,
      details,
    );
  }
  if (status >= 300 && status < 400) {
    return new TransportError(
      'BAD_REQUEST',
      `The server answered the WebSocket upgrade with a redirect (HTTP ${status}${said}); redirects are not followed because credentials would be forwarded. Use the final URL.`,
      details,
    );
  }
  return new TransportError(
    'BAD_REQUEST',
    `The server refused the WebSocket upgrade with HTTP ${status}${said}. Check the URL, path, model or deployment name.`,
    details,
  );
}

// `Retry-After` is read one way on every path (protocol's `http-refusal.ts`)
export { parseRetryAfter, refusalRetryAfterMs, retryAfterOf } from '@voxwire/protocol';

/** Node socket error codes that mean "the network path failed" (all retriable). */
export function describeSocketError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset by peer';
    case 'ETIMEDOUT':
      return 'network timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return typeof code === 'string' ? code : 'network error';
  }
}
