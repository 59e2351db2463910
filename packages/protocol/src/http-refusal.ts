/**
 * Reading an HTTP refusal of the Realtime API (a refused WebSocket upgrade, a refused ephemeral
 * key mint, a refused WebRTC offer): how long its `Retry-After` asks to wait, and the message of
 * its `{"error":{"message":…}}` body. Shared by `@voxwire/node` and core's WebRTC connector, so
 * every path reads a refusal the same way.
 * @module
 */

// the host's clock, read when called (as `systemClock` does): never the session's injected one,
// whose epoch is arbitrary, as an HTTP date is wall-clock time
function hostDate(): DateConstructor {
  return (globalThis as unknown as { Date: DateConstructor }).Date;
}

/**
 * A `Retry-After` value (delay seconds, or an HTTP date) in ms from `now` (epoch ms);
 * `undefined` when absent or unreadable. Never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = hostDate().parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A refusal's `Retry-After` in ms, an HTTP date read against the answer's own `Date` header (the
 * server's clock, so a skewed local clock does not matter), else against this machine's wall
 * clock.
 */
export function retryAfterOf(
  retryAfter: string | null | undefined,
  date: string | null | undefined,
): number | undefined {
  const serverNow = hostDate().parse(date ?? '');
  return parseRetryAfter(retryAfter, Number.isNaN(serverNow) ? hostDate().now() : serverNow);
}

/**
 * How long a refusal asks to wait, ms, from its headers (`header(name)` gives one, `undefined` or
 * `null` when absent): `retry-after-ms` when it is a number of milliseconds, else `Retry-After`
 * ({@link retryAfterOf}: seconds, or an HTTP date against the answer's `Date`). Azure OpenAI
 * sends `retry-after-ms`, often without a `Retry-After` or with a coarser one; openai-node reads
 * it first too. Never negative.
 */
export function refusalRetryAfterMs(
  header: (name: string) => string | null | undefined,
): number | undefined {
  const ms = header('retry-after-ms')?.trim();
  // an empty or unreadable value says nothing: `Retry-After` may still say something
  const value = ms ? Number(ms) : Number.NaN;
  if (Number.isFinite(value)) return Math.max(0, Math.round(value));
  return retryAfterOf(header('retry-after'), header('date'));
}

/**
 * The message of a refusal's body: `error.message` of the API's `{"error":{…}}` (or a string
 * `error`, or a top-level `message`), else the text itself with its whitespace runs collapsed;
 * `''` for an empty body. Callers redact and cut it before quoting it.
 */
export function refusalMessage(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      message?: unknown;
    };
    const message =
      typeof parsed.error === 'object' ? parsed.error?.message : (parsed.error ?? parsed.message);
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the text as it is
  }
  return text.replace(/\s+/g, ' ');
}
