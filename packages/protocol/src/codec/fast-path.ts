/**
 * Hand-written validators for the events every response carries: the deltas that arrive many
 * times a second (audio, text and transcript) and the flat per-content events around them. A
 * check never accepts what its valibot schema rejects, and all but one accept exactly what it
 * accepts (property tests in test/fast-path.test.ts compare them on random inputs); when a
 * check fails, the decoder falls back to the schema, so issues are always reported by valibot.
 * The GA table also holds the structural checks of fast-structural.ts (responses and items).
 * @module
 */

import {
  isFunctionArgumentsDone,
  isItemEvent,
  isOutputItemEvent,
  isResponseEvent,
} from './fast-structural.js';

/** A validator for an already-parsed, non-array object. */
export type FastCheck = (o: Record<string, unknown>) => boolean;

const isNullishString = (x: unknown): boolean =>
  x === undefined || x === null || typeof x === 'string';

/** `{event_id, response_id, item_id, output_index, content_index, delta, obfuscation?}`. */
export const isContentDelta: FastCheck = (o) =>
  typeof o.event_id === 'string' &&
  typeof o.response_id === 'string' &&
  typeof o.item_id === 'string' &&
  Number.isInteger(o.output_index) &&
  Number.isInteger(o.content_index) &&
  typeof o.delta === 'string' &&
  isNullishString(o.obfuscation);

/** `{event_id, response_id, item_id, output_index, call_id, delta, obfuscation?}`. */
export const isFunctionArgumentsDelta: FastCheck = (o) =>
  typeof o.event_id === 'string' &&
  typeof o.response_id === 'string' &&
  typeof o.item_id === 'string' &&
  Number.isInteger(o.output_index) &&
  typeof o.call_id === 'string' &&
  typeof o.delta === 'string' &&
  isNullishString(o.obfuscation);

/** The `contentRef` fields every streamed content event carries. */
const isContentRef = (o: Record<string, unknown>): boolean =>
  typeof o.event_id === 'string' &&
  typeof o.response_id === 'string' &&
  typeof o.item_id === 'string' &&
  Number.isInteger(o.output_index) &&
  Number.isInteger(o.content_index);

/** `{event_id, response_id, item_id, output_index, content_index}` (`*.audio.done`). */
export const isAudioDone: FastCheck = isContentRef;

/** An audio-done event plus a string `text` (`*.text.done`). */
export const isTextDone: FastCheck = (o) => isContentRef(o) && typeof o.text === 'string';

/** An audio-done event plus a string `transcript` (`*.audio_transcript.done`). */
export const isTranscriptDone: FastCheck = (o) =>
  isContentRef(o) && typeof o.transcript === 'string';

const PART_TYPES: ReadonlySet<unknown> = new Set([
  undefined,
  'text',
  'audio',
  'output_text',
  'output_audio',
]);

/**
 * `response.content_part.added/done`: the content ref plus `part {type?, text?, audio?,
 * transcript?}`. Stricter than the schema on one point (an array `part` goes to valibot),
 * which is allowed: a fast check may only ever reject more, never accept more.
 */
export const isContentPartEvent: FastCheck = (o) => {
  if (!isContentRef(o)) return false;
  const part = o.part as Record<string, unknown> | null | undefined;
  return (
    typeof part === 'object' &&
    part !== null &&
    !Array.isArray(part) &&
    PART_TYPES.has(part.type) &&
    isNullishString(part.text) &&
    isNullishString(part.audio) &&
    isNullishString(part.transcript)
  );
};

/**
 * Fast checks of the GA hot events, by type: the deltas (many per response) and the flat
 * per-content events (a few per response, but each valibot run of a rarely seen type costs
 * tens of µs, since its code seldom gets optimised: measured ~2 µs per event on average in
 * the downstream burst), and the structural events with nested items and responses
 * (fast-structural.ts), whose schemas were the last valibot runs of a plain audio response.
 */
export const gaFastChecks: ReadonlyMap<string, FastCheck> = new Map([
  ['response.output_audio.delta', isContentDelta],
  ['response.output_audio_transcript.delta', isContentDelta],
  ['response.output_text.delta', isContentDelta],
  ['response.function_call_arguments.delta', isFunctionArgumentsDelta],
  ['response.output_audio.done', isAudioDone],
  ['response.output_audio_transcript.done', isTranscriptDone],
  ['response.output_text.done', isTextDone],
  ['response.content_part.added', isContentPartEvent],
  ['response.content_part.done', isContentPartEvent],
  ['response.created', isResponseEvent],
  ['response.done', isResponseEvent],
  ['response.output_item.added', isOutputItemEvent],
  ['response.output_item.done', isOutputItemEvent],
  ['conversation.item.added', isItemEvent],
  ['conversation.item.created', isItemEvent],
  ['conversation.item.done', isItemEvent],
  ['response.function_call_arguments.done', isFunctionArgumentsDone],
]);

/** Fast checks of the beta hot events, by (beta) type. */
export const betaFastChecks: ReadonlyMap<string, FastCheck> = new Map([
  ['response.audio.delta', isContentDelta],
  ['response.audio_transcript.delta', isContentDelta],
  ['response.text.delta', isContentDelta],
  ['response.function_call_arguments.delta', isFunctionArgumentsDelta],
  ['response.audio.done', isAudioDone],
  ['response.audio_transcript.done', isTranscriptDone],
  ['response.text.done', isTextDone],
  ['response.content_part.added', isContentPartEvent],
  ['response.content_part.done', isContentPartEvent],
]);
