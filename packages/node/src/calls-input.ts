/**
 * The checks `realtimeCalls()` makes before any request: a mistake in a call id, a SIP status,
 * a transfer target or an SDP offer is the caller's, reported as
 * `ConfigurationError('INVALID_OPTION')` instead of a request the server refuses.
 * @module
 */
import type { CallSessionConfig } from '@voxwire/protocol';
import { ConfigurationError } from './errors.js';

// JSON.stringify for a message, but never throwing and never long
function quote(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

/** A call id: a non-empty string without whitespace (it is sent URL-path-encoded). */
export function checkCallId(callId: unknown): string {
  if (typeof callId !== 'string' || callId.trim() === '' || /\s/.test(callId))
    throw new ConfigurationError(
      'INVALID_OPTION',
      `callId must be the non-empty call id of the realtime.call.incoming webhook (or of create), without whitespace; got ${quote(callId)}.`,
    );
  return callId;
}

/** A session config: an object. */
export function checkSession(session: unknown): CallSessionConfig {
  if (typeof session !== 'object' || session === null || Array.isArray(session))
    throw new ConfigurationError(
      'INVALID_OPTION',
      'session must be the session configuration object ({ model, instructions, audio, … }).',
    );
  return session as CallSessionConfig;
}

/** A SIP final status a call can be rejected with: an integer 400–699. */
export function checkStatusCode(statusCode: unknown): number | undefined {
  if (statusCode === undefined) return undefined;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 400 ||
    statusCode > 699
  )
    throw new ConfigurationError(
      'INVALID_OPTION',
      `statusCode must be a SIP error status, an integer from 400 to 699 (486 Busy Here, 603 Decline), got ${String(statusCode)}.`,
    );
  return statusCode;
}

/** A transfer target: a `tel:`, `sip:` or `sips:` URI without whitespace. */
export function checkTargetUri(targetUri: unknown): string {
  if (typeof targetUri !== 'string' || !/^(?:tel|sips?):[^\s]+$/i.test(targetUri))
    throw new ConfigurationError(
      'INVALID_OPTION',
      `targetUri must be a tel:, sip: or sips: URI (tel:+14155550123, sip:agent@example.com), got ${quote(targetUri)}.`,
    );
  return targetUri;
}

/** An SDP offer: a string that starts with its version line (`v=0`, RFC 8866 §5). */
export function checkSdp(sdp: unknown): string {
  if (typeof sdp !== 'string' || !sdp.startsWith('v='))
    throw new ConfigurationError(
      'INVALID_OPTION',
      `sdp must be the browser's SDP offer (RTCSessionDescription.sdp, starting "v="), got ${typeof sdp === 'string' ? (sdp === '' ? 'an empty string' : 'text that does not start with "v="') : quote(sdp)}.`,
    );
  return sdp;
}

/** `timeoutMs`: a positive number of ms, `Infinity` for none. */
export function checkTimeoutMs(timeoutMs: unknown, fallback: number): number {
  const value = timeoutMs ?? fallback;
  if (typeof value !== 'number' || !(value > 0))
    throw new ConfigurationError(
      'INVALID_OPTION',
      `timeoutMs must be a positive number of milliseconds (Infinity for none), got ${String(value)}.`,
    );
  return value;
}
