/**
 * What a `response.create` sends, from the caller's options (`create.ts`): the options checked
 * (they may come from untyped code) before anything is sent, executable tools turned into wire
 * tools, and the request tag that matches the create to the response it starts. Kept apart from
 * the creator's bookkeeping: it reads none of it.
 * @module
 */
import type { Logger, ResponseCreateParams } from '@voxwire/protocol';
import { MAX_METADATA_PAIRS } from './awaited.js';
import {
  checkCreateOptions,
  checkNoTagKey,
  checkOnDuplicate,
  checkOutOfBandMetadata,
  type OnDuplicate,
  type ResponseCreateOptions,
} from './create-options.js';
import type { PerResponseTools } from './per-response-tools.js';

/** What preparing a create's request needs from the creator. */
export interface CreateRequestHost {
  /** A fresh client event id (the request tag). */
  eventId(): string;
  /** Logs with the session id. */
  readonly logger: Logger;
  /** Fields for log lines. */
  logFields(): Record<string, unknown>;
}

/** A create's checked policy and the params its `response.create` carries. */
export interface CreateRequest {
  /** What to do when a response is already in progress. */
  readonly onDuplicate: OnDuplicate;
  /** `response.create.response`, with wire tools and (when asked for) the request tag. */
  readonly params: ResponseCreateParams | undefined;
}

/**
 * Checks `options` and makes the params of their `response.create`. `tag`: whether the create is
 * given a tag of its own to be matched to its response by (generate()'s requests carry theirs
 * already).
 * @throws VoxwireError `INVALID_ARGUMENT` for bad options, `onDuplicate` or metadata
 * @throws ToolError `INVALID_TOOL`, `DUPLICATE_TOOL` or `SCHEMA_CONVERSION` for a bad executable tool
 */
export function createRequest(
  options: ResponseCreateOptions,
  tag: boolean,
  tools: PerResponseTools,
  host: CreateRequestHost,
): CreateRequest {
  checkCreateOptions(options);
  const onDuplicate = checkOnDuplicate(options.onDuplicate);
  // generate() checked its caller's metadata already, and put its tag there since
  if (tag) {
    checkNoTagKey(options.response?.metadata);
    checkOutOfBandMetadata(options.response);
  }
  // executable tools become wire tools now: an invalid one is refused before anything is sent
  let params = tools.prepare(options.response);
  // matched to the response it starts by a tag, not by the next response.created (one server
  // VAD starts in between would be taken for it: see PerResponseTools.tag for what that breaks)
  if (tag)
    params = tools.tag(
      params,
      () => host.eventId(),
      () =>
        host.logger.warn(
          `response.create: metadata has ${MAX_METADATA_PAIRS} pairs, no room for the tag that matches it to its response; matched to the next response.created`,
          host.logFields(),
        ),
    );
  return { onDuplicate, params };
}
