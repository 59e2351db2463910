/**
 * The `obfuscation` key the live GA server adds to its text deltas (protocol.md §0.4, §7.4,
 * §7.6): random characters that pad each frame so that its size does not give away the text.
 * The fake pads the same way, deterministically, so that a client that rejects unknown keys
 * fails against the fake as it would in production, and recorded runs stay reproducible.
 * @module
 */
import type { JsonObject } from './wire.js';

/**
 * The GA delta events a capture shows with `obfuscation`: output text and output audio
 * transcript (§7.4) and input transcription (§7.6). No capture shows it on audio or
 * function-call argument deltas, nor in the beta dialect, so the fake adds it nowhere else.
 */
export const OBFUSCATED_DELTA_TYPES: ReadonlySet<string> = new Set([
  'response.output_text.delta',
  'response.output_audio_transcript.delta',
  'conversation.item.input_audio_transcription.delta',
]);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Padding for `delta`: base62 characters that bring the delta and the padding together to the
 * next multiple of 16 characters (1–16 characters), drawn from a hash of the delta so the same
 * run always sends the same frames.
 */
export function obfuscationFor(delta: string): string {
  const length = 16 - (delta.length % 16);
  // FNV-1a of the delta seeds a small LCG: the characters look random but are reproducible
  let h = 0x811c9dc5;
  for (let i = 0; i < delta.length; i++) h = Math.imul(h ^ delta.charCodeAt(i), 0x01000193);
  let out = '';
  for (let i = 0; i < length; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    out += ALPHABET[h % ALPHABET.length] ?? 'A';
  }
  return out;
}

/** Adds `obfuscation` to a GA-model event of an obfuscated type (in place); others are left alone. */
export function obfuscate(event: JsonObject): void {
  if (!OBFUSCATED_DELTA_TYPES.has(String(event['type']))) return;
  if (event['obfuscation'] !== undefined) return;
  event['obfuscation'] = obfuscationFor(typeof event['delta'] === 'string' ? event['delta'] : '');
}
