/**
 * Conversation building blocks of `@voxwire/core`: the chat context, converters to and from
 * conversation items (GA and beta), the server-conversation mirror, the minimal diff and the
 * chat-context sync planner/executor.
 * @module
 */
export type {
  ChatAudioContent,
  ChatContent,
  ChatContentInput,
  ChatContext,
  ChatFunctionCallItem,
  ChatFunctionOutputItem,
  ChatImageContent,
  ChatItem,
  ChatItemStatus,
  ChatMessageItem,
  ChatRawItem,
  ChatItemRole,
  ChatTextContent,
} from './chat-context.js';
export {
  assertUniqueIds,
  assistantMessage,
  audioContent,
  chatContext,
  chatItemText,
  chatMessage,
  cloneChatItem,
  functionCall,
  functionCallOutput,
  hasAudio,
  systemMessage,
  toChatContent,
  userMessage,
} from './chat-context.js';
export type {
  ChatFunctionCallInput,
  ChatFunctionOutputInput,
  ChatItemInput,
  ChatMessageInput,
} from './input.js';
export { toChatItem } from './input.js';
export type { ChatChanges, ChatInsert, ComputeChangesOptions } from './diff.js';
export { computeChatChanges, longestIncreasing } from './diff.js';
export type { ChatSyncFailure, ConversationErrorCode } from './errors.js';
export { ChatSyncError, ConversationError } from './errors.js';
export type { FromWireOptions, ToWireOptions } from './items.js';
export {
  betaItemToChatItem,
  chatItemToBetaItem,
  chatItemToConversationItem,
  conversationItemToChatItem,
  gaToBeta,
} from './items.js';
export type { ConversationMirrorOptions, MirrorAnomaly, MirrorChange } from './mirror.js';
export { ConversationMirror, ROOT_ITEM_ID } from './mirror.js';
export type {
  ChatSyncCreate,
  ChatSyncDelete,
  ChatSyncExecutor,
  ChatSyncOperation,
  ChatSyncOptions,
  ChatSyncPlan,
} from './sync.js';
export {
  AUDIO_HINT_DURATION_MS,
  executeChatSyncPlan,
  planChatContextSync,
  silentUserAudio,
} from './sync.js';
