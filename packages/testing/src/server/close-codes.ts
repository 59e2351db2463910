/**
 * Which close codes a scripted close may use. The ws mode hands the code to `ws`, which throws on
 * one a close frame may not carry (RFC 6455 §7.4): thrown from the server's outbound pump, that
 * was an uncaught exception and a socket left open while the server counted it closed. The
 * in-memory mode checks the same, so a scenario behaves alike in both.
 * @module
 */
import { FakeServerOptionsError } from '../errors.js';

/** The longest close reason a close frame carries, in UTF-8 bytes (RFC 6455 §5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Throws {@link FakeServerOptionsError} unless `code` may be sent in a close frame (1000–1003,
 * 1007–1014, 3000–4999) or is 1006, which the fake takes as "drop without a close frame", and
 * `reason` fits a close frame.
 */
export function checkCloseCode(code: number, reason: string, where: string): void {
  const sendable =
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005) ||
      (code >= 3000 && code <= 4999));
  if (!sendable)
    throw new FakeServerOptionsError(
      `${where}: close code ${code} cannot be sent (use 1000–1003, 1007–1014 or 3000–4999; 1006 drops the socket without a close frame)`,
    );
  const bytes = new TextEncoder().encode(reason).length;
  if (bytes > MAX_CLOSE_REASON_BYTES)
    throw new FakeServerOptionsError(
      `${where}: a close reason holds at most ${MAX_CLOSE_REASON_BYTES} bytes of UTF-8, got ${bytes}`,
    );
}
