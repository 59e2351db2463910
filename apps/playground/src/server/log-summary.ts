/**
 * One-line summaries of wire events for the page's event log. Audio payloads are replaced by
 * their size (the log must stay light and never carry audio), long strings are shortened.
 * @module
 */

/** Longest summary sent to the page. */
const MAX_SUMMARY = 240;
/** Longest single string value kept in a summary. */
const MAX_STRING = 80;
/** Fields that carry base64 audio. */
const AUDIO_FIELDS = new Set(['audio']);
/** Events whose `delta` is base64 audio. */
const AUDIO_DELTAS = new Set(['response.output_audio.delta', 'response.audio.delta']);

function shorten(value: unknown, key: string, type: string): unknown {
  if (typeof value === 'string') {
    if (AUDIO_FIELDS.has(key) || (key === 'delta' && AUDIO_DELTAS.has(type)))
      return `<${Math.floor((value.length * 3) / 4)} bytes audio>`;
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  }
  if (Array.isArray(value)) return value.map((v) => shorten(v, key, type));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shorten(v, k, type);
    return out;
  }
  return value;
}

/** Summarises one event (its `type` is shown separately, `event_id` and `obfuscation` are noise). */
export function summarizeEvent(event: Record<string, unknown>): string {
  const type = typeof event.type === 'string' ? event.type : '';
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (k === 'type' || k === 'event_id' || k === 'obfuscation') continue;
    rest[k] = shorten(v, k, type);
  }
  const text = JSON.stringify(rest);
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}
