/**
 * What the user heard of an answer cut by a barge-in: the server truncates the answer's audio at
 * `audio_end_ms` and drops its whole transcript (protocol.md §7.7), and a fresh session cannot
 * take assistant audio at all, so a restore can only give the model back the text of the part
 * that was played. No event says which words that was; this estimates it from the share of the
 * answer's audio that was played, which tracks the share of its transcript closely enough for
 * the model to know what it had said (speech rate is steady within one answer).
 * @module
 */
import type { RealtimeContent } from '../responses/tree.js';

/** The mark of an answer cut off, as LiveKit's agents write an interrupted answer. */
const CUT_OFF = '...';

/**
 * The leading part of `transcript` spoken in the first `heardMs` of `audioMs` of audio: the
 * same share of its characters, cut back to the last whole word, so that the estimate errs
 * towards leaving a word out rather than putting in one that was not heard, and ended with
 * `...` so that the model reads it as cut off (as LiveKit's agents write an interrupted answer
 * into their chat context). The whole text when all of the audio was heard; `''` when none of it
 * was, or not one whole word.
 */
export function heardText(transcript: string, heardMs: number, audioMs: number): string {
  const text = transcript.trim();
  if (text === '' || !(heardMs > 0) || !(audioMs > 0)) return '';
  if (heardMs >= audioMs) return text;
  const end = Math.floor((text.length * heardMs) / audioMs);
  // the estimate ends inside a word unless the next character is a space: keep whole words only
  let heard: string;
  if (end < text.length && /\s/.test(text.charAt(end))) heard = text.slice(0, end).trimEnd();
  else {
    const lastSpace = text.slice(0, end).search(/\s\S*$/);
    heard = lastSpace <= 0 ? '' : text.slice(0, lastSpace).trimEnd();
  }
  return heard === '' ? '' : `${heard}${CUT_OFF}`;
}

/**
 * What was heard of `content` up to `audioEndMs`, from its transcript and the audio received
 * ({@link heardText}); `undefined` when it is not known here or is not audio.
 */
export function heardTextOf(
  content: RealtimeContent | undefined,
  audioEndMs: number,
): string | undefined {
  if (content?.contentType !== 'audio') return undefined;
  return heardText(content.text, audioEndMs, content.audioDurationMs);
}

/**
 * `transcript` without its last word unless a space follows it: the transcript runs ahead of the
 * audio, and the drop may have cut the last word short (errs towards leaving a word out, as
 * `heardText` does).
 */
function wholeWords(transcript: string): string {
  if (/\s$/.test(transcript)) return transcript.trimEnd();
  const lastSpace = transcript.search(/\s\S*$/);
  return lastSpace <= 0 ? '' : transcript.slice(0, lastSpace).trimEnd();
}

/**
 * What was heard of an answer the drop cut off: its received transcript cut to the share of its
 * received audio played (`heardText`), or, all of it played, to its last whole word (the drop may
 * have cut the last one short), ended with `...` either way: the answer never finished.
 */
export function cutOffHeardText(transcript: string, heardMs: number, audioMs: number): string {
  return cutOff(
    heardMs >= audioMs ? wholeWords(transcript) : heardText(transcript, heardMs, audioMs),
  );
}

/** Ends `text` with the cut-off mark (once); `''` stays `''`. */
export function cutOff(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' || trimmed.endsWith(CUT_OFF) ? trimmed : `${trimmed}${CUT_OFF}`;
}
