/**
 * What `session.conversation.item.create` accepts: a {@link ChatItem}, or the same with the id
 * (and, for messages, the `type`) left out and content written loosely. One chat model, with a
 * forgiving input form so that `{ role: 'user', content: 'Hi!' }` works.
 * @module
 */
import type { IdGenerator } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import type {
  ChatContentInput,
  ChatFunctionCallItem,
  ChatFunctionOutputItem,
  ChatItem,
  ChatItemRole,
  ChatRawItem,
} from './chat-context.js';
import { toChatContent } from './chat-context.js';
import { ConversationError } from './errors.js';

/** A message as the app writes it. A full `ChatMessageItem` is one too. */
export interface ChatMessageInput {
  /** Discriminator. @default 'message' */
  readonly type?: 'message' | undefined;
  /** Unique id within the conversation. @default generated with the session's `generateId('item')` */
  readonly id?: string | undefined;
  /** Author. */
  readonly role: ChatItemRole;
  /** Text, audio frames, content parts, or a list of them; must not be empty. */
  readonly content: ChatContentInput;
}

/** A function call as the app writes it (`id` optional). */
export type ChatFunctionCallInput = Omit<ChatFunctionCallItem, 'id'> & {
  /** Unique id within the conversation. @default generated */
  readonly id?: string | undefined;
};

/** A function result as the app writes it (`id` optional). */
export type ChatFunctionOutputInput = Omit<ChatFunctionOutputItem, 'id'> & {
  /** Unique id within the conversation. @default generated */
  readonly id?: string | undefined;
};

/** Anything `conversation.item.create` accepts. */
export type ChatItemInput =
  ChatMessageInput | ChatFunctionCallInput | ChatFunctionOutputInput | ChatRawItem;

const ROLES = new Set<unknown>(['system', 'user', 'assistant']);

function invalid(message: string): never {
  throw new VoxwireError('INVALID_ARGUMENT', message, { data: { argument: 'item' } });
}

function str(value: unknown, what: string, allowEmpty = true): string {
  if (typeof value !== 'string' || (!allowEmpty && value === ''))
    invalid(`${what} must be a${allowEmpty ? '' : ' non-empty'} string`);
  return value;
}

/**
 * Turns an input into a {@link ChatItem}, generating the id when absent.
 * @throws VoxwireError `INVALID_ARGUMENT` (`data.argument: 'item'`) for a malformed input: not an
 *   object, unknown `type` or `role` (a tool result is `{ type: 'function_call_output', callId, output }`),
 *   missing call fields, empty message content
 */
export function toChatItem(input: ChatItemInput, generateId: IdGenerator): ChatItem {
  if (typeof input !== 'object' || input === null) invalid('item must be an object');
  const id = input.id === undefined ? generateId('item') : str(input.id, 'item.id', false);
  switch (input.type) {
    case undefined:
    case 'message': {
      const message = input as ChatMessageInput;
      if (!ROLES.has(message.role)) {
        invalid(
          `item.role must be 'system', 'user' or 'assistant', got ${JSON.stringify(message.role)} (a tool result is { type: 'function_call_output', callId, output })`,
        );
      }
      if (message.content === undefined || message.content === null)
        invalid('a message needs content');
      let content;
      try {
        content = toChatContent(message.content);
      } catch (error) {
        if (error instanceof ConversationError) invalid(error.message);
        throw error;
      }
      if (content.length === 0) invalid('a message needs at least one content part');
      return { type: 'message', id, role: message.role, content };
    }
    case 'function_call':
      return {
        type: 'function_call',
        id,
        callId: str(input.callId, 'item.callId', false),
        name: str(input.name, 'item.name', false),
        arguments: str(input.arguments, 'item.arguments'),
      };
    case 'function_call_output':
      return {
        type: 'function_call_output',
        id,
        callId: str(input.callId, 'item.callId', false),
        output: str(input.output, 'item.output'),
      };
    case 'raw':
      if (
        typeof input.item !== 'object' ||
        input.item === null ||
        typeof input.item.type !== 'string'
      )
        invalid('a raw item needs the wire item with its type');
      return { type: 'raw', id, item: input.item };
    default:
      return invalid(`unknown item type ${JSON.stringify((input as { type: unknown }).type)}`);
  }
}
