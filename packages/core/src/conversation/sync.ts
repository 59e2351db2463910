/**
 * Chat-context sync: the ordered client operations that make the server's conversation (as the
 * mirror knows it) equal to a chat context, and their execution through a small executor
 * interface (the session implements it with its acknowledged `conversation.item.*` requests).
 * @module
 */
import type { IdGenerator } from '@voxwire/protocol';
import { SAMPLE_RATE } from '@voxwire/protocol';
import type { ChatContext, ChatItem, ChatMessageItem } from './chat-context.js';
import { hasAudio } from './chat-context.js';
import type { ComputeChangesOptions } from './diff.js';
import { computeChatChanges } from './diff.js';
import type { ChatSyncFailure } from './errors.js';
import { ChatSyncError } from './errors.js';
import { ConversationMirror } from './mirror.js';

/** Delete one item. */
export interface ChatSyncDelete {
  /** Discriminator. */
  readonly kind: 'delete';
  /** The item to delete. */
  readonly itemId: string;
}

/** Create one item after a predecessor. */
export interface ChatSyncCreate {
  /** Discriminator. */
  readonly kind: 'create';
  /** The item to create (its id is sent, so the server keeps it). */
  readonly item: ChatItem;
  /**
   * Predecessor id; `null` means the START of the conversation, which the session must send as
   * `previous_item_id: "root"` (an absent `previous_item_id` would append instead).
   */
  readonly previousItemId: string | null;
}

/** One client operation of a sync. */
export type ChatSyncOperation = ChatSyncDelete | ChatSyncCreate;

/** The outcome of {@link planChatContextSync}. */
export interface ChatSyncPlan {
  /** The operations in the order they must be sent: every delete, then every create. */
  readonly operations: readonly ChatSyncOperation[];
  /** The silent user audio item appended for the audio-mode hint, when one was added. */
  readonly audioHint: ChatMessageItem | undefined;
  /** The item ids the server's conversation will hold, in order, once every operation succeeded. */
  readonly expectedIds: readonly string[];
}

/** Options of {@link planChatContextSync}. */
export interface ChatSyncOptions {
  /**
   * Append a short silent user audio item when the sync creates items and none of them carries
   * audio. Why: after a conversation is (re)loaded with text-only items, the model tends to answer
   * in text instead of audio (livekit/agents#2471, #2694, agents-js#323); the seed appended one
   * second of silence "to set the API in audio mode". The item stays in the server's conversation
   * (a later sync without it deletes it). Off by default: it is a workaround with a cost (a silent
   * user turn in the context), and GA sessions can pin `output_modalities` instead.
   * @default false
   */
  readonly audioModeHint?: boolean | { readonly durationMs?: number | undefined } | undefined;
  /**
   * Id generator for the hint item (called as `generateId('item')`); required when `audioModeHint` is on.
   * @default undefined
   */
  readonly generateId?: IdGenerator | undefined;
  /**
   * Sample rate of the hint's silence; match the session's input audio rate.
   * @default 24000
   */
  readonly sampleRate?: number | undefined;
  /**
   * Treat an item whose id is on the server but whose content differs as changed (deleted and
   * re-created in place). See {@link ComputeChangesOptions.isSame}.
   * @default ids only (the seed's behaviour)
   */
  readonly isSame?: ComputeChangesOptions<ChatItem>['isSame'];
}

/** The default length of the audio-mode hint, as in the seed. */
export const AUDIO_HINT_DURATION_MS = 1000;

/**
 * Plans the operations that turn the mirror's conversation into `next` with the fewest deletes
 * and creates ({@link computeChatChanges}). As in the seed, message items without content are
 * skipped, unless they are already on the server: then they stand for the server's item as it
 * is (kept in place, or re-created with the server's content when they move), never an edit.
 * @throws ConversationError for duplicate or empty ids in `next`; `TypeError` when the audio
 *   hint is on without `generateId`
 */
export function planChatContextSync(
  current: ConversationMirror | ChatContext,
  next: ChatContext,
  options: ChatSyncOptions = {},
): ChatSyncPlan {
  const oldItems = current instanceof ConversationMirror ? current.items() : [...current.items];
  const onServer = new Map(oldItems.map((item) => [item.id, item]));
  const newItems = next.items.flatMap((item) => {
    if (!(item.type === 'message' && item.content.length === 0)) return [item];
    // e.g. an answer copied while it was being written (the mirror has its content once it is
    // done): an empty message cannot be created, so it cannot be an edit either
    const server = onServer.get(item.id);
    return server === undefined ? [] : [server];
  });
  const changes = computeChatChanges(oldItems, newItems, { isSame: options.isSame });

  const operations: ChatSyncOperation[] = [
    ...changes.toDelete.map((item): ChatSyncDelete => ({ kind: 'delete', itemId: item.id })),
    ...changes.toAdd.map(({ previousId, item }): ChatSyncCreate => ({
      kind: 'create',
      item,
      previousItemId: previousId,
    })),
  ];
  const expectedIds = newItems.map((item) => item.id);

  let audioHint: ChatMessageItem | undefined;
  if (
    options.audioModeHint &&
    changes.toAdd.length > 0 &&
    !changes.toAdd.some(({ item }) => hasAudio(item))
  ) {
    if (!options.generateId)
      throw new TypeError(
        'planChatContextSync: the audio-mode hint needs options.generateId to give its item an id',
      );
    const durationMs =
      typeof options.audioModeHint === 'object'
        ? (options.audioModeHint.durationMs ?? AUDIO_HINT_DURATION_MS)
        : AUDIO_HINT_DURATION_MS;
    audioHint = silentUserAudio(
      options.generateId('item'),
      durationMs,
      options.sampleRate ?? SAMPLE_RATE,
    );
    operations.push({
      kind: 'create',
      item: audioHint,
      previousItemId: expectedIds.at(-1) ?? null,
    });
    expectedIds.push(audioHint.id);
  }
  return { operations, audioHint, expectedIds };
}

/** A user message holding `durationMs` of silence. */
export function silentUserAudio(
  id: string,
  durationMs: number,
  sampleRate: number = SAMPLE_RATE,
): ChatMessageItem {
  // at least one sample: an empty audio part is an item without audio, not a hint
  const samples = Math.max(1, Math.round((durationMs * sampleRate) / 1000));
  return {
    type: 'message',
    id,
    role: 'user',
    content: [
      {
        type: 'audio',
        audio: { data: new Int16Array(samples), sampleRate, channels: 1 },
        transcript: null,
      },
    ],
  };
}

/**
 * What executes a plan: the session's acknowledged item requests. Each promise resolves when the
 * server acknowledged the operation and rejects with what went wrong (server error, timeout,
 * closed socket).
 */
export interface ChatSyncExecutor {
  /** Sends `conversation.item.create`; `previousItemId === null` means the start (`"root"`). */
  createItem(item: ChatItem, previousItemId: string | null): Promise<unknown>;
  /** Sends `conversation.item.delete`. */
  deleteItem(itemId: string): Promise<unknown>;
}

/**
 * Sends every operation of `plan` in order without waiting in between (the server applies them
 * in order, so a create may name a predecessor created just before it), then waits for all of
 * them. Resolves when all were acknowledged; otherwise rejects with a {@link ChatSyncError}
 * listing every failure, once every operation has settled.
 */
export async function executeChatSyncPlan(
  plan: ChatSyncPlan,
  executor: ChatSyncExecutor,
): Promise<void> {
  const pending = plan.operations.map((operation) => {
    try {
      return operation.kind === 'delete'
        ? executor.deleteItem(operation.itemId)
        : executor.createItem(operation.item, operation.previousItemId);
    } catch (error) {
      // an executor that throws synchronously still gets every other operation sent
      return Promise.reject(error);
    }
  });
  const settled = await Promise.allSettled(pending);
  const failures: ChatSyncFailure[] = [];
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const operation = plan.operations[index] as ChatSyncOperation;
    failures.push({
      operation:
        operation.kind === 'delete'
          ? { kind: 'delete', itemId: operation.itemId }
          : { kind: 'create', itemId: operation.item.id, previousItemId: operation.previousItemId },
      error: result.reason,
    });
  });
  if (failures.length > 0) throw new ChatSyncError(failures, settled.length - failures.length);
}
