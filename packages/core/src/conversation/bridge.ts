/**
 * Bridges between the session's flat, seed-shaped `ChatMessage` (`../chat-message.ts`, the
 * argument of `conversation.item.create`) and the chat context's discriminated {@link ChatItem}.
 * @module
 */
import type { ChatMessage } from '../chat-message.js';
import { contentParts } from '../chat-message.js';
import type { ChatContent, ChatItem } from './chat-context.js';
import { ConversationError } from './errors.js';

/**
 * A seed-shaped `ChatMessage` as a chat item: role `tool` with `toolCallId` → function output,
 * another role with `toolCallId` → function call, otherwise a message.
 * @throws ConversationError `INVALID_ITEM` when there is no id (pass `id`) or a tool result has no string content
 */
export function chatMessageToChatItem(message: ChatMessage, id: string | undefined = message.id): ChatItem {
  if (!id) throw new ConversationError('INVALID_ITEM', 'a chat item needs an id; give the message an id or pass one');
  if (message.toolCallId !== undefined) {
    if (message.role === 'tool') {
      if (typeof message.content !== 'string') throw new ConversationError('INVALID_ITEM', `tool result ${id} must have string content`, { itemId: id });
      return { type: 'function_call_output', id, callId: message.toolCallId, output: message.content };
    }
    return { type: 'function_call', id, callId: message.toolCallId, name: message.name ?? '', arguments: message.arguments ?? '' };
  }
  if (message.role === 'tool') throw new ConversationError('INVALID_ITEM', `tool result ${id} needs a toolCallId`, { itemId: id });
  const content = contentParts(message).map(
    (part): ChatContent => (part.type === 'text' ? { type: 'text', text: part.text } : { type: 'audio', audio: part.frame, transcript: part.transcript ?? null }),
  );
  return { type: 'message', id, role: message.role, content };
}

/**
 * A chat item as a seed-shaped `ChatMessage` (for `session.conversation.item.create`).
 * @throws ConversationError `UNSUPPORTED_CONTENT` for raw items, images, and audio parts without samples
 */
export function chatItemToChatMessage(item: ChatItem): ChatMessage {
  switch (item.type) {
    case 'function_call':
      return { id: item.id, role: 'assistant', toolCallId: item.callId, name: item.name, arguments: item.arguments };
    case 'function_call_output':
      return { id: item.id, role: 'tool', toolCallId: item.callId, content: item.output };
    case 'raw':
      throw new ConversationError('UNSUPPORTED_CONTENT', `item ${item.id} of type ${item.item.type} has no ChatMessage form`, { itemId: item.id });
    case 'message':
      return {
        id: item.id,
        role: item.role,
        content: item.content.map((part) => {
          if (part.type === 'text') return { type: 'text', text: part.text };
          if (part.type === 'image') throw new ConversationError('UNSUPPORTED_CONTENT', `item ${item.id}: ChatMessage has no image parts`, { itemId: item.id });
          if (part.audio) return { type: 'audio', frame: part.audio, transcript: part.transcript };
          if (part.transcript !== null) return { type: 'text', text: part.transcript };
          throw new ConversationError('UNSUPPORTED_CONTENT', `item ${item.id}: audio part without samples or transcript`, { itemId: item.id });
        }),
      };
  }
}
