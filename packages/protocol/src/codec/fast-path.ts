/**
 * Hand-written validators for the few events that arrive many times a second (audio, text and
 * transcript deltas). Each one accepts exactly what its valibot schema accepts (a property test
 * in test/fast-path.test.ts compares them on random inputs); when a check fails, the decoder
 * falls back to the schema, so issues are always reported by valibot.
 * @module
 */

/** A validator for an already-parsed, non-array object. */
export type FastCheck = (o: Record<string, unknown>) => boolean;

const isNullishString = (x: unknown): boolean => x === undefined || x === null || typeof x === 'string';

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

/** Fast checks of the GA hot events, by type. */
export const gaFastChecks: ReadonlyMap<string, FastCheck> = new Map([
  ['response.output_audio.delta', isContentDelta],
  ['response.output_audio_transcript.delta', isContentDelta],
  ['response.output_text.delta', isContentDelta],
  ['response.function_call_arguments.delta', isFunctionArgumentsDelta],
]);

/** Fast checks of the beta hot events, by (beta) type. */
export const betaFastChecks: ReadonlyMap<string, FastCheck> = new Map([
  ['response.audio.delta', isContentDelta],
  ['response.audio_transcript.delta', isContentDelta],
  ['response.text.delta', isContentDelta],
  ['response.function_call_arguments.delta', isFunctionArgumentsDelta],
]);
