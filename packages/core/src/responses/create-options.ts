/**
 * The options of `session.response.create` / `generate`, and their checks: the `onDuplicate`
 * policy, the abort signal, and the caller's metadata (which must leave room for the request tag).
 * @module
 */
import { optionNames, unknownOption, type ResponseCreateParams } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import { MAX_METADATA_PAIRS, REQUEST_TAG_KEY } from './awaited.js';
import type { ResponseTool } from './per-response-tools.js';

/** What to do when a response is already in progress. */
export type OnDuplicate = 'cancel_existing' | 'cancel_new' | 'keep_both';

/**
 * The per-response overrides of `response.create` (GA shape). `tools` may also hold executable
 * tools (`defineTool`): they are sent as function tools (their JSON Schema) and run for this
 * response only; a wire function tool's calls are the app's to answer.
 */
export type ResponseCreateRequest = Omit<ResponseCreateParams, 'tools'> & {
  tools?: ResponseTool[] | undefined;
};

/** Options of `session.response.create`. */
export interface ResponseCreateOptions {
  /** What to do when a response is already in progress. @default 'keep_both' */
  onDuplicate?: OnDuplicate | undefined;
  /**
   * Per-response overrides sent as `response.create.response` (GA shape); the engine adds its
   * request tag to `metadata` (`voxwire_request`) when the metadata has room for it.
   * @default undefined (no overrides: sent as `{ metadata: { voxwire_request } }`)
   */
  response?: ResponseCreateRequest | undefined;
}

/** Options of `session.response.generate`. */
export interface ResponseGenerateOptions extends ResponseCreateOptions {
  /**
   * Gives up on the request: the promise rejects with the signal's reason. A create not sent yet
   * (waiting for the active response under `keep_both`) is never sent; one already sent has the
   * response it starts cancelled. An abort after the promise resolved does nothing (use
   * `session.response.cancel()`).
   * @default undefined
   */
  signal?: AbortSignal | undefined;
}

// every option of generate() (a superset of create()'s): a wire param beside them (temperature,
// instructions) would otherwise be dropped without a word
const CREATE_OPTIONS = optionNames<ResponseGenerateOptions>({
  onDuplicate: true,
  response: true,
  signal: true,
});

/**
 * Checks that `options` and its `response` are objects (they may come from untyped code): `null`,
 * a string or an array would otherwise fail deep inside the engine with a `TypeError`, or go out
 * as a `response.create` the server refuses apart from the call. A key that is no option (a
 * wire param such as `temperature` put beside `response` instead of in it) is refused too.
 * @throws VoxwireError `INVALID_ARGUMENT` (`data.argument`: `options`, `response` or the
 *   unknown key) otherwise
 */
export function checkCreateOptions(options: unknown): void {
  if (options === undefined) return;
  if (!isRecord(options))
    throw new VoxwireError('INVALID_ARGUMENT', 'response options must be an object', {
      data: { argument: 'options' },
    });
  const unknown = unknownOption(options, CREATE_OPTIONS);
  if (unknown !== undefined)
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      unknown.near !== undefined
        ? `${unknown.name} is no option (did you mean ${unknown.near}?)`
        : `${unknown.name} is no option: the params of response.create go in \`response\` ({ response: { ${unknown.name}: … } })`,
      { data: { argument: unknown.name } },
    );
  const response = options['response'];
  if (response !== undefined && !isRecord(response))
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      'response must be an object of response.create params',
      {
        data: { argument: 'response' },
      },
    );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ON_DUPLICATE = new Set<string>(['cancel_existing', 'cancel_new', 'keep_both']);

/**
 * `onDuplicate`, defaulted to `keep_both` and checked (it may come from untyped code).
 * @throws VoxwireError `INVALID_ARGUMENT` for any other value
 */
export function checkOnDuplicate(onDuplicate: OnDuplicate | undefined): OnDuplicate {
  const value = onDuplicate ?? 'keep_both';
  if (!ON_DUPLICATE.has(value)) {
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      `invalid onDuplicate ${JSON.stringify(value)}: expected 'cancel_existing', 'cancel_new' or 'keep_both'`,
      {
        data: { argument: 'onDuplicate' },
      },
    );
  }
  return value;
}

/**
 * `signal`, checked to be an AbortSignal (it may come from untyped code).
 * @throws VoxwireError `INVALID_ARGUMENT` for anything else but `undefined`
 */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const s = signal as Partial<AbortSignal> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function' ||
    typeof s.removeEventListener !== 'function'
  ) {
    throw new VoxwireError('INVALID_ARGUMENT', 'signal must be an AbortSignal', {
      data: { argument: 'signal' },
    });
  }
  return signal as AbortSignal;
}

/**
 * Refuses the request tag's key in a `create()`'s metadata: the engine would take the app's value
 * for a `generate()` request's tag that nobody awaits and send nothing at all.
 * @throws VoxwireError `INVALID_ARGUMENT` when `metadata` has the key
 */
export function checkNoTagKey(metadata: unknown): void {
  if (typeof metadata === 'object' && metadata !== null && REQUEST_TAG_KEY in metadata)
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      `response.metadata.${REQUEST_TAG_KEY} is reserved for the engine's request tag`,
      { data: { argument: 'response.metadata' } },
    );
}

/**
 * Refuses an out-of-band request (`conversation: 'none'`) whose metadata has no room for the
 * request tag: every out-of-band create carries one, as its response is otherwise taken for
 * whichever `response.created` comes next (the conversation's answer too), and the API allows
 * {@link MAX_METADATA_PAIRS} pairs. Metadata that is no object is left to the server to refuse.
 * @throws VoxwireError `INVALID_ARGUMENT` (`data.argument`: `response.metadata`) for
 *   {@link MAX_METADATA_PAIRS} pairs or more
 */
export function checkOutOfBandMetadata(response: ResponseCreateRequest | undefined): void {
  if (response?.conversation !== 'none') return;
  const metadata = response.metadata as unknown;
  if (!isRecord(metadata)) return;
  const pairs = Object.keys(metadata).length;
  if (pairs >= MAX_METADATA_PAIRS)
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      `response.metadata has ${pairs} pairs: an out-of-band create needs one of the API's ${MAX_METADATA_PAIRS} for its request tag`,
      { data: { argument: 'response.metadata' } },
    );
}

/**
 * A copy of the caller's metadata, checked to leave room for the request tag: a plain string
 * map of at most 15 pairs, without the tag's key.
 * @throws VoxwireError `INVALID_ARGUMENT` otherwise
 */
export function callerMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  const invalid = (message: string): VoxwireError =>
    new VoxwireError('INVALID_ARGUMENT', message, { data: { argument: 'response.metadata' } });
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw invalid('response.metadata must be an object of strings');
  const entries = Object.entries(metadata);
  if (entries.some(([, value]) => typeof value !== 'string'))
    throw invalid('response.metadata must be an object of strings');
  if (REQUEST_TAG_KEY in metadata)
    throw invalid(`response.metadata.${REQUEST_TAG_KEY} is reserved for generate()'s request tag`);
  if (entries.length >= MAX_METADATA_PAIRS)
    throw invalid(
      `response.metadata has ${entries.length} pairs: generate() needs one of the API's ${MAX_METADATA_PAIRS} for its request tag`,
    );
  return { ...(metadata as Record<string, string>) };
}
