/**
 * Typed errors of the conversation building blocks. They are `VoxwireError`s (one error family
 * for everything local), with the item concerned as `itemId` and the original `cause`.
 * @module
 */
import { VoxwireError } from '../errors.js';

/** Why a conversation operation was refused (a subset of `VoxwireErrorCode`). */
export type ConversationErrorCode =
  /** `insertAfter` named a predecessor the mirror does not hold. */
  | 'UNKNOWN_PREDECESSOR'
  /** An item id is already in the list (mirror) or appears twice (chat context). */
  | 'DUPLICATE_ITEM'
  /** An operation named an item id the mirror does not hold. */
  | 'UNKNOWN_ITEM'
  /** A chat item cannot be expressed as a conversation item (e.g. assistant audio without a transcript). */
  | 'UNSUPPORTED_CONTENT'
  /** A chat item or wire item is malformed (missing id, empty name, …). */
  | 'INVALID_ITEM';

/** A local error of the conversation mirror, the converters or the diff. */
export class ConversationError extends VoxwireError {
  override readonly name: string = 'ConversationError';
  declare readonly code: ConversationErrorCode;
  /** The item the error is about, when there is one. */
  readonly itemId: string | undefined;

  /**
   * @param code - stable code
   * @param message - human-readable explanation
   * @param options - the item id and the underlying cause
   */
  constructor(
    code: ConversationErrorCode,
    message: string,
    options: { itemId?: string | undefined; cause?: unknown } = {},
  ) {
    super(code, message, {
      cause: options.cause,
      data: options.itemId === undefined ? {} : { itemId: options.itemId },
    });
    this.itemId = options.itemId;
  }
}

/** One failed operation of a chat-context sync. */
export interface ChatSyncFailure {
  /** The operation that failed. */
  readonly operation:
    | { readonly kind: 'delete'; readonly itemId: string }
    | { readonly kind: 'create'; readonly itemId: string; readonly previousItemId: string | null };
  /** What the executor rejected with (a server error, a timeout, …). */
  readonly error: unknown;
}

/**
 * `setChatCtx` (and `executeChatSyncPlan`) reject with this when at least one operation failed;
 * every operation has settled by then, so `failures` is complete.
 */
export class ChatSyncError extends VoxwireError {
  override readonly name: string = 'ChatSyncError';
  declare readonly code: 'CHAT_SYNC_FAILED';
  /** Every failed operation with its error, in plan order. */
  readonly failures: readonly ChatSyncFailure[];
  /** How many operations succeeded. */
  readonly succeeded: number;

  /**
   * @param failures - the failed operations, in plan order
   * @param succeeded - how many operations succeeded
   */
  constructor(failures: readonly ChatSyncFailure[], succeeded: number) {
    const first = failures[0];
    const firstText = first
      ? `; first: ${first.operation.kind} ${first.operation.itemId}: ${describe(first.error)}`
      : '';
    super(
      'CHAT_SYNC_FAILED',
      `chat context sync failed: ${failures.length} of ${failures.length + succeeded} operations failed${firstText}`,
      {
        cause: first?.error,
        data: { failures, succeeded },
      },
    );
    this.failures = failures;
    this.succeeded = succeeded;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
