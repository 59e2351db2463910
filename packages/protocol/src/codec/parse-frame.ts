/**
 * `JSON.parse` for frames that carry one large base64 payload (an audio delta: ~6.4 KB of base64
 * per 100 ms of 24 kHz PCM16, nine tenths of the frame). `JSON.parse` scans that string character
 * by character and copies it into a new string, only for the caller to decode it and drop it: on
 * Node 20 that is ~2.4 µs of an audio delta's ~2.5 µs parse. This parser cuts the payload out
 * (two native `indexOf` scans), parses the ~150 characters left with `JSON.parse`, and puts the
 * payload back as a slice of the frame (V8 makes a view, not a copy).
 *
 * It returns what `JSON.parse(frame)` returns, or throws where it throws, for every frame, with
 * one exception: a raw control character (U+0000–U+001F) inside the payload, which JSON forbids
 * and `JSON.parse` refuses, is passed on to the base64 decoder (which skips it, as it skips every
 * character outside the alphabet). Everything else falls back to a plain `JSON.parse`:
 * small frames, any backslash, a payload key that is not at the top level or not alone, an event
 * type the table does not name.
 *
 * Why the cut is exact. Without backslashes a JSON string is a quote, characters that are not
 * quotes, and a quote. The cut removes the characters between the quote after `"key":` and the
 * next quote, and nothing else; the rest is parsed. If the rest is valid JSON, the quote before
 * `key` opens a string (a closing quote followed by a letter is never valid), so `"key":` is a key
 * and its value the string that was emptied: the frame is the rest with quote-free characters put
 * back into one string, valid iff the rest is (control characters aside) and parsed to the same
 * object but for that value. If the rest is not valid JSON, neither is the frame: every
 * character the cut kept is where it was. The key occurs once in the frame (checked), so the top-level
 * key of that name, when the rest has one, is the one that was cut.
 * @module
 */

/** Which events carry a large base64 payload, and under which top-level key (see {@link largePayload}). */
export interface LargePayload {
  /** The key whose string value is cut out: `delta` in server audio deltas, `audio` in appends. */
  readonly key: string;
  /** Event types whose `key` holds base64; any other type is parsed whole with `JSON.parse`. */
  readonly types: ReadonlySet<string>;
  /** `"key"`, searched for in the frame. */
  readonly quotedKey: string;
}

/**
 * Describes the payload of a dialect's events for {@link parseFrame}.
 * @throws TypeError when `key` does not start with a letter (the argument that the cut is exact
 * relies on it) or has characters JSON would escape.
 */
export function largePayload(key: string, types: Iterable<string>): LargePayload {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) {
    throw new TypeError(
      `largePayload: the key must be a plain name starting with a letter, got ${JSON.stringify(key)}`,
    );
  }
  return { key, types: new Set(types), quotedKey: `"${key}"` };
}

/** Frames shorter than this gain nothing from the cut: `JSON.parse` alone is faster. */
export const LARGE_FRAME_CHARS = 1024;

const QUOTE = 34;
const COLON = 58;

/**
 * Parses a frame as `JSON.parse` would (see the module comment for the one difference), cutting
 * `payload.key`'s base64 out of large frames instead of letting `JSON.parse` copy it.
 * @throws SyntaxError exactly when `JSON.parse(frame)` throws.
 */
export function parseFrame(frame: string, payload: LargePayload): unknown {
  if (frame.length < LARGE_FRAME_CHARS) return JSON.parse(frame);
  const start = payloadStart(frame, payload.quotedKey);
  if (start === -1) return JSON.parse(frame);
  const end = frame.indexOf('"', start);
  // no closing quote, or the key again later (a second key of that name would win in JSON.parse,
  // and with the key only once, the top-level key of that name, if the rest has one, is this one)
  if (end === -1 || frame.indexOf(payload.quotedKey, end + 1) !== -1) return JSON.parse(frame);
  let rest: unknown;
  try {
    // the frame without the payload's characters: the value becomes ""
    rest = JSON.parse(frame.slice(0, start) + frame.slice(end));
  } catch {
    // the frame is not valid JSON: let JSON.parse say where, in the frame's own terms
    return JSON.parse(frame);
  }
  if (typeof rest !== 'object' || rest === null || Array.isArray(rest)) return JSON.parse(frame);
  const obj = rest as Record<string, unknown>;
  if (obj[payload.key] !== '' || typeof obj.type !== 'string' || !payload.types.has(obj.type)) {
    return JSON.parse(frame);
  }
  obj[payload.key] = frame.slice(start, end);
  return obj;
}

/**
 * Where the characters of the first `"key":"…"` string begin, when the frame has no backslash;
 * -1 otherwise (then the caller parses the whole frame). Returns an index, not a span object:
 * this runs once per audio frame.
 */
function payloadStart(frame: string, quotedKey: string): number {
  // an escape anywhere would break the quote argument: leave such frames to JSON.parse
  if (frame.indexOf('\\') !== -1) return -1;
  // the first "key" in the frame, followed by :" (whitespace there: JSON.parse's job)
  const at = frame.indexOf(quotedKey);
  if (at === -1) return -1;
  const colon = at + quotedKey.length;
  if (frame.charCodeAt(colon) !== COLON || frame.charCodeAt(colon + 1) !== QUOTE) return -1;
  return colon + 2;
}
