/**
 * `generate()`'s request (`create.ts`): the caller's options checked, a tag of its own added to
 * `response.metadata`, the request registered in the awaited table and handed to the creator's
 * duplicate policy; a create `cancel_new` declined rejects it with `RESPONSE_IN_PROGRESS`.
 * @module
 */
import { VoxwireError } from '../errors.js';
import { REQUEST_TAG_KEY, type AwaitedResponses } from './awaited.js';
import {
  callerMetadata,
  checkCreateOptions,
  checkSignal,
  type ResponseCreateOptions,
  type ResponseCreateRequest,
  type ResponseGenerateOptions,
} from './create-options.js';
import type { RealtimeResponse } from './tree.js';

/** What a `generate()` request needs from the creator. */
export interface GenerateHost {
  /** A fresh client event id (the request's tag). */
  eventId(): string;
  /** The table of awaited requests (made on the first). */
  table(): AwaitedResponses;
  /** The creator's duplicate policy for an already tagged request: resolves whether it was sent. */
  create(options: ResponseCreateOptions): Promise<boolean>;
  /** The newest response in progress, named when `cancel_new` declines the request. */
  activeResponseId(): string | undefined;
}

/** See `ResponseCreator.generate`. */
export function generate(
  host: GenerateHost,
  options: ResponseGenerateOptions,
  started: ((response: RealtimeResponse) => void) | undefined,
  slow: (() => void) | undefined,
): Promise<RealtimeResponse> {
  let metadata: Record<string, string>;
  let signal: AbortSignal | undefined;
  try {
    checkCreateOptions(options);
    signal = checkSignal(options.signal);
    metadata = callerMetadata(options.response?.metadata);
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  const tag = host.eventId();
  metadata[REQUEST_TAG_KEY] = tag;
  const response: ResponseCreateRequest = { ...options.response, metadata };
  const table = host.table();
  const awaited = table.add(tag, signal, started, slow);
  host.create({ onDuplicate: options.onDuplicate ?? 'keep_both', response }).then(
    (sent) => {
      if (!sent)
        table.reject(
          tag,
          new VoxwireError(
            'RESPONSE_IN_PROGRESS',
            'a response is in progress (onDuplicate: cancel_new)',
            { data: { responseId: host.activeResponseId() } },
          ),
        );
    },
    (error: unknown) => table.reject(tag, error),
  );
  return awaited;
}
